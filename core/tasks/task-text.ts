import type { ContactRow, ExecutionContext, ReminderRow } from "./execution-context.ts";

// What a task's wording gives the agent for free (literal values) and which stored entities it refers to.

const PHONE = /\+\d[\d\s().-]{5,}\d/;
// Bare ("37.33, -122.03") or labelled ("lattitude: 37.33, longitude: -122.03") coordinate pairs.
const COORDINATES =
  /-?\d{1,3}\.\d+\s*,\s*-?\d{1,3}\.\d+|lat(?:t)?itude\s*[:=]?\s*-?\d{1,3}(?:\.\d+)?[\s,;]*(?:and\s+)?long?(?:itude)?\s*[:=]?\s*-?\d{1,3}(?:\.\d+)?/i;
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
    if (relationship === undefined || relationship === "") return false;
    return text.includes(` my ${relationship} `) || new RegExp(` my (?:\\w+ )?${relationship}s `).test(text);
  });
}

/** "all my friends" / "my coworkers": the relationship a plural reference names, when contacts have it. */
export function pluralRelationship(description: string, contacts: readonly ContactRow[]): string | undefined {
  const text = ` ${normalize(description)} `;
  for (const contact of contacts) {
    const relationship = contact.relationship?.toLowerCase().trim();
    if (relationship === undefined || relationship === "" || contact.is_self) continue;
    if (new RegExp(` (?:all )?(?:of )?my ${relationship}s `).test(text)) return relationship;
  }
  return undefined;
}

/** The contacts a task acts on: everyone with a relationship it names in the plural, else the contacts it names. */
export function pickContacts(description: string, contacts: readonly ContactRow[]): ContactRow[] {
  const plural = pluralRelationship(description, contacts);
  if (plural !== undefined) return contacts.filter((c) => !c.is_self && c.relationship?.toLowerCase() === plural);
  const referenced = referencedContacts(description, contacts);
  // A contact named outright wins over one whose number merely appears elsewhere in the task.
  const text = ` ${normalize(description)} `;
  const byName = referenced.filter((c) => text.includes(` ${normalize(c.name).trim()} `));
  return byName.length > 0 ? byName : referenced;
}

const BY_MESSAGE =
  /\b(?:last|latest|most recent|recently|whoever|who)\b[^.?!]{0,40}\b(?:messag\w*|text\w*|talk\w*|contacted|sent|wrote|spoke)\b|\b(?:sender|author) of\b/i;

/** Whether the task picks a person through their messages ("the last person I texted", "whoever I contacted last"). */
export function contactByMessage(description: string): boolean {
  return BY_MESSAGE.test(description);
}

/** "a friend" / "one of my coworkers": some contact with a stored relationship, which the user names when asked. */
export function contactByRelationship(description: string, contacts: readonly ContactRow[]): boolean {
  const text = ` ${normalize(description)} `;
  return contacts.some((contact) => {
    const relationship = contact.relationship?.toLowerCase().trim();
    if (contact.is_self || relationship === undefined || relationship === "") return false;
    return new RegExp(` (?:an?|one of my) ${relationship}s? `).test(text);
  });
}

const UPCOMING =
  /\b(?:upcoming|next|soonest|coming up)\b[^.?!]{0,20}\breminder|\breminder\b[^.?!]{0,20}\b(?:coming up|due next)\b/i;
const LATEST = /\b(?:most recent|latest|newest|last)\b[^.?!]{0,20}\breminder/i;

/** A reminder picked by time ("my upcoming reminder", "the most recent reminder"), when the wording does so. */
export function reminderByTime(
  description: string,
  reminders: readonly ReminderRow[],
  now: number,
): ReminderRow | undefined | null {
  if (UPCOMING.test(description)) {
    const upcoming = reminders.filter((r) => r.reminder_timestamp > now);
    return upcoming.sort((a, b) => a.reminder_timestamp - b.reminder_timestamp)[0];
  }
  if (LATEST.test(description)) {
    return [...reminders].sort((a, b) => b.creation_timestamp - a.creation_timestamp)[0];
  }
  return null;
}

/** The one reminder a task acts on: picked by time when worded so, else the single reminder it names by content. */
export function pickReminder(
  description: string,
  reminders: readonly ReminderRow[],
  now: number,
): ReminderRow | undefined {
  const quotedTexts = [...description.matchAll(/"([^"]+)"/g)].map((match) => match[1]);
  const exact = reminders.find((r) => quotedTexts.includes(r.content));
  if (exact !== undefined) return exact;
  const byTime = reminderByTime(description, reminders, now);
  if (byTime !== null) return byTime;
  const named = referencedReminders(description, reminders);
  return named.length === 1 ? named[0] : undefined;
}

const STOP_WORDS = new Set([
  // Time words pick a reminder by when it is due, never by its title ("my next reminder" is not "... next week").
  "next",
  "upcoming",
  "latest",
  "recent",
  "last",
  "soonest",
  "week",
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
  // Only quoted text or the words outside a time reference name a reminder by content.
  const words = significantWords(description.replace(UPCOMING, " ").replace(LATEST, " "));
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
