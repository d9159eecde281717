import type { Randomizer } from "../random.ts";
import { databasesForCategories } from "./catalog.ts";
import type { ContactRow, ExecutionContext, MessageRow, ReminderRow } from "./execution-context.ts";
import {
  INCOMING_MESSAGES,
  OUTGOING_MESSAGES,
  PEOPLE,
  REMINDERS,
  SELF_NAMES,
  STRANGER_MESSAGES,
  STRANGER_PHONE_NUMBERS,
} from "./sample-pool.ts";

const HOUR = 3600;
const DAY = 86_400;

/** True when a table the categories rely on is empty, so a generated task would have nothing to refer to. */
export function contextNeedsPopulation(context: ExecutionContext, categories: readonly string[]): boolean {
  return databasesForCategories(categories).some(
    (namespace) => namespace !== "SETTING" && context.databases[namespace].length === 0,
  );
}

/**
 * Fills the empty tables the categories rely on with a seeded draw from the sample pool; tables that already hold
 * rows are left alone. Messages need contacts, so CONTACT is filled whenever MESSAGING is.
 * @example
 * populateExecutionContext(context, ["contact", "messaging"], createRandomizer(42, "state", 0));
 */
export function populateExecutionContext(
  context: ExecutionContext,
  categories: readonly string[],
  rng: Randomizer,
): ExecutionContext {
  const wanted = new Set(databasesForCategories(categories));
  const { databases } = context;
  if ((wanted.has("CONTACT") || wanted.has("MESSAGING")) && databases.CONTACT.length === 0) {
    databases.CONTACT = drawContacts(rng.fork("contacts"));
  }
  if (wanted.has("MESSAGING") && databases.MESSAGING.length === 0) {
    databases.MESSAGING = drawMessages(rng.fork("messages"), databases.CONTACT, context.now);
  }
  if (wanted.has("REMINDER") && databases.REMINDER.length === 0) {
    databases.REMINDER = drawReminders(rng.fork("reminders"), context.now);
  }
  return context;
}

function phoneNumber(rng: Randomizer): string {
  // North American layout: +1, a 2-9 area code start, ten digits in all.
  let digits = String(rng.int(2, 9));
  for (let i = 0; i < 9; i++) digits += String(rng.int(0, 9));
  return `+1${digits}`;
}

function drawContacts(rng: Randomizer): ContactRow[] {
  const selfName = rng.pick(SELF_NAMES);
  const others = rng.sample(
    PEOPLE.filter((person) => person.name !== selfName),
    rng.int(3, 6),
  );
  const used = new Set<string>();
  const uniquePhone = (): string => {
    let phone = phoneNumber(rng);
    while (used.has(phone)) phone = phoneNumber(rng);
    used.add(phone);
    return phone;
  };
  const self: ContactRow = {
    person_id: rng.uuid(),
    name: selfName,
    phone_number: uniquePhone(),
    relationship: "self",
    is_self: true,
  };
  return [
    self,
    ...others.map((person) => ({
      person_id: rng.uuid(),
      name: person.name,
      phone_number: uniquePhone(),
      relationship: person.relationship,
      is_self: false,
    })),
  ];
}

function drawMessages(rng: Randomizer, contacts: readonly ContactRow[], now: number): MessageRow[] {
  const self = contacts.find((contact) => contact.is_self);
  const others = contacts.filter((contact) => !contact.is_self);
  if (self === undefined || others.length === 0) return [];
  const count = rng.int(3, 7);
  const messages: MessageRow[] = [];
  for (let i = 0; i < count; i++) {
    const age = Math.round(rng.float(60, 4 * DAY));
    const roll = rng.next();
    if (roll < 0.15) {
      messages.push({
        message_id: rng.uuid(),
        sender_person_id: null,
        sender_phone_number: rng.pick(STRANGER_PHONE_NUMBERS),
        recipient_person_id: self.person_id,
        recipient_phone_number: self.phone_number,
        content: rng.pick(STRANGER_MESSAGES),
        creation_timestamp: now - age,
      });
      continue;
    }
    const other = rng.pick(others);
    const incoming = roll < 0.65;
    const [from, to] = incoming ? [other, self] : [self, other];
    messages.push({
      message_id: rng.uuid(),
      sender_person_id: from.person_id,
      sender_phone_number: from.phone_number,
      recipient_person_id: to.person_id,
      recipient_phone_number: to.phone_number,
      content: rng.pick(incoming ? INCOMING_MESSAGES : OUTGOING_MESSAGES),
      creation_timestamp: now - age,
    });
  }
  return messages.sort((a, b) => a.creation_timestamp - b.creation_timestamp);
}

function drawReminders(rng: Randomizer, now: number): ReminderRow[] {
  return rng.sample(REMINDERS, rng.int(2, 5)).map((reminder) => {
    const created = now - Math.round(rng.float(HOUR, 5 * DAY));
    // A mix of overdue, due soon and upcoming reminders.
    const due = now + Math.round(rng.float(-2 * DAY, 7 * DAY));
    return {
      reminder_id: rng.uuid(),
      content: reminder.content,
      creation_timestamp: created,
      reminder_timestamp: due,
      latitude: reminder.place?.latitude ?? null,
      longitude: reminder.place?.longitude ?? null,
    };
  });
}
