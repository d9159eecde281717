import type { ContactRow, ExecutionContext, ReminderRow } from "./execution-context.ts";

// What a task's wording gives the agent for free (literal values) and which stored entities it refers to.

const PHONE = /\+\d[\d\s().-]{5,}\d/;
const COORDINATES = /-?\d{1,3}\.\d+\s*,\s*-?\d{1,3}\.\d+/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const POSIX_SECONDS = /\b\d{9,10}(?:\.\d+)?\b/;

/** Value kinds the task text itself supplies (a phone number, coordinates, a quoted id, a raw timestamp). */
export function literalKinds(description: string, context: ExecutionContext): Set<string> {
  const kinds = new Set<string>();
  if (PHONE.test(description)) kinds.add("phone_number");
  if (COORDINATES.test(description)) {
    kinds.add("latitude");
    kinds.add("longitude");
  }
  if (POSIX_SECONDS.test(description)) kinds.add("timestamp");
  const ids = new Set((description.match(UUID) ?? []).map((id) => id.toLowerCase()));
  const { CONTACT, REMINDER, MESSAGING } = context.databases;
  if (CONTACT.some((row) => ids.has(row.person_id.toLowerCase()))) kinds.add("person_id");
  if (REMINDER.some((row) => ids.has(row.reminder_id.toLowerCase()))) kinds.add("reminder_id");
  if (MESSAGING.some((row) => ids.has(row.message_id.toLowerCase()))) kinds.add("message_id");
  return kinds;
}

const normalize = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[’']s\b/g, "")
    .replace(/[^a-z0-9+]+/g, " ");
const digitsOf = (phone: string): string => phone.replace(/\D/g, "");

/** The non-self contacts the task names by full/first/last name, phone number, id or relationship ("my boss"). */
export function referencedContacts(description: string, contacts: readonly ContactRow[]): ContactRow[] {
  const text = ` ${normalize(description)} `;
  const digits = digitsOf(description);
  const lower = description.toLowerCase();
  return contacts.filter((contact) => {
    if (contact.is_self) return false;
    const nameParts = normalize(contact.name)
      .split(" ")
      .filter((part) => part.length >= 3);
    if (nameParts.some((part) => text.includes(` ${part} `))) return true;
    if (digits.length >= 7 && digits.includes(digitsOf(contact.phone_number))) return true;
    if (lower.includes(contact.person_id.toLowerCase())) return true;
    const relationship = contact.relationship?.toLowerCase().trim();
    return relationship !== undefined && relationship !== "" && text.includes(` my ${relationship} `);
  });
}

const STOP_WORDS = new Set([
  "about",
  "after",
  "change",
  "delete",
  "from",
  "have",
  "into",
  "make",
  "move",
  "remind",
  "reminder",
  "reminders",
  "remove",
  "that",
  "there",
  "this",
  "tomorrow",
  "update",
  "what",
  "when",
  "with",
  "your",
]);

function significantWords(text: string): Set<string> {
  return new Set(
    normalize(text)
      .split(" ")
      .filter((word) => word.length >= 4 && !STOP_WORDS.has(word)),
  );
}

/** Reminders whose content shares a meaningful word with the task (or whose id the task quotes). */
export function referencedReminders(description: string, reminders: readonly ReminderRow[]): ReminderRow[] {
  const words = significantWords(description);
  const lower = description.toLowerCase();
  return reminders.filter(
    (reminder) =>
      lower.includes(reminder.reminder_id.toLowerCase()) ||
      [...significantWords(reminder.content)].some((word) => words.has(word)),
  );
}

export type SwitchName = "wifi" | "cellular" | "location_service" | "low_battery_mode";

const SWITCH_TERMS: Readonly<Record<SwitchName, RegExp>> = {
  wifi: /\bwi-?fi\b/,
  cellular: /\bcellular\b|\bmobile data\b|\bcell(?:ular)? service\b/,
  location_service: /\blocation services?\b|\bgps\b|\blocation\b/,
  low_battery_mode: /\blow[- ]battery\b|\blow[- ]power\b|\bbattery saver\b/,
};

/**
 * What the task asks a switch to become, read from the clause that names it ("turn off low battery mode and switch
 * wifi back on" → low_battery_mode false, wifi true); undefined when the wording does not say.
 */
export function intendedSwitchValue(description: string, name: SwitchName): boolean | undefined {
  const clauses = description.toLowerCase().split(/[,.;!?]|\band\b|\bthen\b/);
  for (const clause of clauses) {
    const term = SWITCH_TERMS[name];
    if (!term.test(clause)) continue;
    // "low battery mode" must not be read as a location/wifi clause and vice versa.
    if (name !== "low_battery_mode" && SWITCH_TERMS.low_battery_mode.test(clause)) continue;
    const on = /\b(?:enable|on|activate|reconnect)\b/.test(clause);
    const off = /\b(?:disable|off|deactivate|disconnect)\b/.test(clause);
    if (on !== off) return on;
  }
  return undefined;
}
