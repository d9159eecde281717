import { TaskGenerationError } from "../errors.ts";
import type { Randomizer } from "../random.ts";
import { validateToolCategories } from "./catalog.ts";
import { type ContactRow, currentSettings, type ExecutionContext, type ReminderRow } from "./execution-context.ts";
import type { ParsedReply } from "./parse-reply.ts";
import { PEOPLE } from "./sample-pool.ts";
import type { SwitchState } from "./simulate-trajectory.ts";
import type { SwitchName } from "./task-text.ts";

// The offline provider's author: grounded tasks from families of upstream-like requests, each family with several
// phrasings (explicit and implicit), feasible by construction. A task is one request, never unrelated ones glued
// together; when the settings block what it needs and the setting category is asked for, the fix calls come first
// but the wording never names the blocking setting (the agent has to work it out, as in upstream's state-dependency
// scenarios).

interface Written {
  text: string;
  tools: string[];
}

interface Draft {
  rng: Randomizer;
  context: ExecutionContext;
  categories: ReadonlySet<string>;
  switches: SwitchState;
  /** Setter calls that make the task possible, in order. */
  fixes: string[];
}

/** A family writes one kind of request for exactly the categories in `covers`, or undefined when the state lacks it. */
interface Family {
  covers: readonly string[];
  write: (draft: Draft) => Written | undefined;
}

/** How often a family is tried first: chained requests more often than one-call lookups, as in upstream's set. */
const CHAINED_WEIGHT = 12;

const SETTER: Readonly<Record<SwitchName, string>> = {
  wifi: "set_wifi_status",
  cellular: "set_cellular_service_status",
  location_service: "set_location_service_status",
  low_battery_mode: "set_low_battery_mode_status",
};
const GETTER: Readonly<Record<SwitchName, string>> = {
  wifi: "get_wifi_status",
  cellular: "get_cellular_service_status",
  location_service: "get_location_service_status",
  low_battery_mode: "get_low_battery_mode_status",
};
const LABELS: Readonly<Record<SwitchName, readonly string[]>> = {
  wifi: ["wifi", "Wi-Fi"],
  cellular: ["cellular service", "mobile data"],
  location_service: ["location services", "location service"],
  low_battery_mode: ["low battery mode", "low power mode"],
};

const COMPANIES = ["Apple", "Microsoft", "Nvidia", "Tesla", "Amazon", "Alphabet"];
const CURRENCY_NAMES: ReadonlyArray<[string, string, string?]> = [
  ["USD", "US dollars", "$"],
  ["EUR", "euros", "€"],
  ["GBP", "British pounds", "£"],
  ["JPY", "yen", "¥"],
  ["CAD", "Canadian dollars"],
  ["CHF", "Swiss francs"],
];
const HOLIDAYS = ["Thanksgiving", "Independence Day", "Labor Day", "Memorial Day", "Christmas Day"];
const UNITS: ReadonlyArray<[string, string]> = [
  ["miles", "kilometers"],
  ["pounds", "kilograms"],
  ["feet", "meters"],
  ["gallons", "liters"],
  ["inches", "centimeters"],
];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"];
const NEW_MESSAGES = [
  "Running a bit late, see you soon",
  "Thanks again for dinner",
  "Can you call me back tonight",
  "Happy birthday",
  "The meeting moved to 3pm",
  "On my way",
];
const NEW_TASKS = [
  "call the bank",
  "buy milk",
  "book a haircut",
  "send the invoice",
  "pick up the kids",
  "water the plants",
];
const PLACES: ReadonlyArray<[number, number]> = [
  [37.7749, -122.4194],
  [40.7128, -74.006],
  [51.5072, -0.1276],
  [48.8566, 2.3522],
  [35.6762, 139.6503],
];
const CITIES = ["Paris", "Tokyo", "Seattle", "Chicago", "London", "Berlin"];
const NEARBY = ["coffee shop", "pharmacy", "gas station", "bakery"];
const RELATIONSHIP_CHOICES = ["friend", "coworker", "neighbor", "cousin", "manager", "mentor"];

/**
 * Writes one task for the categories that can run against the context.
 * @example
 * writeTemplateTask(["contact", "messaging"], context, createRandomizer(42, "template", 0));
 */
export function writeTemplateTask(
  categories: readonly string[],
  context: ExecutionContext,
  rng: Randomizer,
): ParsedReply {
  validateToolCategories(categories);
  const wanted = [...categories].sort().join("+");
  const families = FAMILIES.filter((family) => [...family.covers].sort().join("+") === wanted);
  const weights = families.map((family) => (SINGLE_CALL.has(family) ? 1 : CHAINED_WEIGHT));
  const order = weightedOrder(rng, weights);
  for (const i of order) {
    const draft = newDraft(categories, context, rng);
    const written = (families[i] as Family).write(draft);
    if (written === undefined) continue;
    return { description: written.text, trajectory: [...draft.fixes, ...written.tools], categories: [...categories] };
  }
  const composed = composeAcross(categories, context, rng);
  if (composed !== undefined) return composed;
  throw new TaskGenerationError(
    `[template] No feasible task for ${categories.join(", ")} in the "${context.variant}" settings. Add "setting" to the categories or use the base settings.`,
  );
}

/** The reply text a model would give, so template tasks go through the same parser as real ones. */
export function formatTaskReply(reply: ParsedReply): string {
  return `TASK: ${reply.description}\nTRAJECTORY: ${reply.trajectory.join(" -> ")}\nCATEGORIES: [${reply.categories.join(", ")}]`;
}

/** Indices in a seeded order where heavier ones tend to come first (each draw without replacement). */
function weightedOrder(rng: Randomizer, weights: readonly number[]): number[] {
  const left = weights.map((weight, index) => ({ weight, index }));
  const order: number[] = [];
  while (left.length > 0) {
    const at = rng.weightedIndex(left.map((entry) => entry.weight));
    order.push((left[at] as { index: number }).index);
    left.splice(at, 1);
  }
  return order;
}

function newDraft(categories: readonly string[], context: ExecutionContext, rng: Randomizer): Draft {
  const setting = currentSettings(context);
  return {
    rng,
    context,
    categories: new Set(categories),
    switches: {
      wifi: setting.wifi,
      cellular: setting.cellular,
      location_service: setting.location_service,
      low_battery_mode: setting.low_battery_mode,
    },
    fixes: [],
  };
}

/** Makes a service available, adding silent fix calls when the setting category may; false when it cannot be. */
function need(draft: Draft, name: Exclude<SwitchName, "low_battery_mode">): boolean {
  if (draft.switches[name]) return true;
  if (!draft.categories.has("setting")) return false;
  if (draft.switches.low_battery_mode) {
    draft.fixes.push(SETTER.low_battery_mode);
    draft.switches.low_battery_mode = false;
  }
  draft.fixes.push(SETTER[name]);
  draft.switches[name] = true;
  return true;
}

const others = (context: ExecutionContext): ContactRow[] => context.databases.CONTACT.filter((c) => !c.is_self);
const firstName = (name: string): string => name.split(" ")[0] ?? name;
const selfCount = (context: ExecutionContext): number => context.databases.CONTACT.filter((c) => c.is_self).length;

function newPhone(rng: Randomizer, context: ExecutionContext): string {
  const known = new Set(context.databases.CONTACT.map((c) => c.phone_number));
  for (;;) {
    let digits = String(rng.int(2, 9));
    for (let i = 0; i < 9; i++) digits += String(rng.int(0, 9));
    const phone = `+1${digits}`;
    if (!known.has(phone)) return phone;
  }
}

/** A contact named in a way the task can use: unique first name, so "Fredrik" cannot mean two people. */
function pickPerson(draft: Draft): ContactRow | undefined {
  const people = others(draft.context);
  const firsts = people.map((c) => firstName(c.name));
  const unique = people.filter((c) => firsts.filter((f) => f === firstName(c.name)).length === 1);
  return unique.length === 0 ? undefined : draft.rng.pick(unique);
}

function newPerson(draft: Draft): { name: string; relationship: string } | undefined {
  const known = new Set(draft.context.databases.CONTACT.flatMap((c) => [c.name, firstName(c.name)]));
  const candidates = PEOPLE.filter((p) => !known.has(p.name) && !known.has(firstName(p.name)));
  return candidates.length === 0 ? undefined : draft.rng.pick(candidates);
}

/** A relationship two or more contacts share, for "all my friends". */
function sharedRelationship(draft: Draft): { relationship: string; people: ContactRow[] } | undefined {
  const groups = new Map<string, ContactRow[]>();
  for (const contact of others(draft.context)) {
    if (contact.relationship === null) continue;
    groups.set(contact.relationship, [...(groups.get(contact.relationship) ?? []), contact]);
  }
  const shared = [...groups.entries()].filter(([, people]) => people.length >= 2 && people.length <= 3);
  if (shared.length === 0) return undefined;
  const [relationship, people] = draft.rng.pick(shared);
  return { relationship, people };
}

function relationshipOf(contact: ContactRow): string | undefined {
  const relationship = contact.relationship;
  return relationship === null || relationship === "" || relationship === "self" ? undefined : relationship;
}

/** "my friend Fredrik Thordendal" or just the name. */
function called(draft: Draft, contact: ContactRow): string {
  const relationship = relationshipOf(contact);
  const sameRelationship = others(draft.context).filter((c) => c.relationship === contact.relationship).length;
  if (relationship !== undefined && draft.rng.chance(0.3)) {
    return sameRelationship === 1 && draft.rng.chance(0.5)
      ? `my ${relationship}`
      : `my ${relationship} ${contact.name}`;
  }
  return draft.rng.chance(0.3) ? firstName(contact.name) : contact.name;
}

function uniqueReminders(context: ExecutionContext): ReminderRow[] {
  const reminders = context.databases.REMINDER;
  return reminders.filter((r) => reminders.filter((o) => o.content === r.content).length === 1);
}

function strangerSenders(context: ExecutionContext): string[] {
  const known = new Set(context.databases.CONTACT.map((c) => c.phone_number));
  return [
    ...new Set(context.databases.MESSAGING.map((m) => m.sender_phone_number).filter((phone) => !known.has(phone))),
  ];
}

const ask = (draft: Draft, phrasings: readonly string[]): string => draft.rng.pick(phrasings);
const upper = (text: string): string => `${text[0]?.toUpperCase() ?? ""}${text.slice(1)}`;

// --- contact --------------------------------------------------------------------------------------------------------

const contactLookup: Family = {
  covers: ["contact"],
  write: (draft) => {
    const person = pickPerson(draft);
    if (person === undefined) return undefined;
    const who = called(draft, person);
    const first = firstName(person.name);
    return {
      text: ask(draft, [
        `What's ${who}'s phone number?`,
        `Can you pull up ${who === person.name ? first : who}'s number for me?`,
        `I need the number for ${who}.`,
        `Look up ${who} in my contacts and tell me their number.`,
        `How do I reach ${who}? Give me their number.`,
      ]),
      tools: ["search_contacts"],
    };
  },
};

const contactWhose: Family = {
  covers: ["contact"],
  write: (draft) => {
    const person = pickPerson(draft);
    if (person === undefined) return undefined;
    const phone = person.phone_number;
    return {
      text: ask(draft, [
        `Whose number is ${phone}?`,
        `Who does ${phone} belong to?`,
        `I have a missed call from ${phone}. Is that someone in my contacts?`,
      ]),
      tools: ["search_contacts"],
    };
  },
};

const contactGroup: Family = {
  covers: ["contact"],
  write: (draft) => {
    const group = sharedRelationship(draft);
    if (group === undefined) return undefined;
    const r = group.relationship;
    return {
      text: ask(draft, [`What are my ${r}s' numbers?`, `List all my ${r}s with their phone numbers.`]),
      tools: ["search_contacts"],
    };
  },
};

const contactNewNumber: Family = {
  covers: ["contact"],
  write: (draft) => {
    const person = pickPerson(draft);
    if (person === undefined) return undefined;
    const phone = newPhone(draft.rng, draft.context);
    const who = called(draft, person);
    return {
      text: ask(draft, [
        `Update ${who}'s phone number to ${phone}.`,
        `${upper(who)} has a new number: ${phone}. Please fix the contact.`,
        `${upper(who)} changed numbers; it's ${phone} now.`,
        `Replace the number saved for ${who} with ${phone}.`,
      ]),
      tools: ["search_contacts", "modify_contact"],
    };
  },
};

const contactRelationship: Family = {
  covers: ["contact"],
  write: (draft) => {
    const person = pickPerson(draft);
    if (person === undefined) return undefined;
    const next = draft.rng.pick(RELATIONSHIP_CHOICES.filter((r) => r !== person.relationship));
    return {
      text: ask(draft, [
        `${person.name} is my ${next} now, please update the contact.`,
        `Mark ${person.name} as my ${next} in my contacts.`,
        `Change ${firstName(person.name)}'s relationship to ${next}.`,
      ]),
      tools: ["search_contacts", "modify_contact"],
    };
  },
};

const contactDelete: Family = {
  covers: ["contact"],
  write: (draft) => {
    const person = pickPerson(draft);
    if (person === undefined) return undefined;
    const who = called(draft, person);
    return {
      text: ask(draft, [
        `Delete ${who} from my contacts.`,
        `Remove ${who} from my address book.`,
        `I don't need ${who}'s contact anymore, please delete it.`,
        `Get rid of the contact for ${who}.`,
      ]),
      tools: ["search_contacts", "remove_contact"],
    };
  },
};

const contactDeleteTwo: Family = {
  covers: ["contact"],
  write: (draft) => {
    const first = pickPerson(draft);
    const second = pickPerson(draft);
    if (first === undefined || second === undefined || first === second) return undefined;
    return {
      text: ask(draft, [
        `Delete ${first.name} and ${second.name} from my contacts.`,
        `I'm cleaning up my address book: remove ${first.name} and ${second.name}.`,
      ]),
      tools: ["search_contacts", "remove_contact", "search_contacts", "remove_contact"],
    };
  },
};

const contactAdd: Family = {
  covers: ["contact"],
  write: (draft) => {
    const person = newPerson(draft);
    if (person === undefined) return undefined;
    const phone = newPhone(draft.rng, draft.context);
    const { name, relationship: r } = person;
    return {
      text: ask(draft, [
        `Add ${name} to my contacts with the number ${phone}; they are my ${r}.`,
        `Save ${phone} as ${name}, my ${r}.`,
        `Create a contact for ${name}: ${phone}, my ${r}.`,
        `New contact: ${name}, number ${phone}, my ${r}.`,
      ]),
      tools: ["add_contact"],
    };
  },
};

// --- messaging ------------------------------------------------------------------------------------------------------

function canText(draft: Draft): boolean {
  return selfCount(draft.context) === 1 && need(draft, "cellular");
}

const messageSend: Family = {
  covers: ["messaging"],
  write: (draft) => {
    if (!canText(draft)) return undefined;
    const phone = newPhone(draft.rng, draft.context);
    const text = draft.rng.pick(NEW_MESSAGES);
    return {
      text: ask(draft, [
        `Send a text to ${phone} saying "${text}".`,
        `Text ${phone}: "${text}"`,
        `Message ${phone} "${text}".`,
        `Can you shoot a quick "${text}" over to ${phone}?`,
      ]),
      tools: ["send_message_with_phone_number"],
    };
  },
};

const messageTwo: Family = {
  covers: ["messaging"],
  write: (draft) => {
    if (!canText(draft)) return undefined;
    const first = newPhone(draft.rng, draft.context);
    const second = newPhone(draft.rng, draft.context);
    if (first === second) return undefined;
    const text = draft.rng.pick(NEW_MESSAGES);
    return {
      text: ask(draft, [
        `Send "${text}" to ${first} and ${second}.`,
        `Text both ${first} and ${second}: "${text}"`,
        `Let ${first} and ${second} know "${text}".`,
      ]),
      tools: ["send_message_with_phone_number", "send_message_with_phone_number"],
    };
  },
};

const messageRead: Family = {
  covers: ["messaging"],
  write: (draft) => {
    const senders = strangerSenders(draft.context);
    if (senders.length === 0) return undefined;
    const phone = draft.rng.pick(senders);
    return {
      text: ask(draft, [
        `Show me the texts I got from ${phone}.`,
        `What did ${phone} send me?`,
        `Any messages from ${phone}?`,
        `Read me what ${phone} texted.`,
      ]),
      tools: ["search_messages"],
    };
  },
};

const messageReply: Family = {
  covers: ["messaging"],
  write: (draft) => {
    // Any number that texted the user will do: the request gives it literally, so no contact lookup is needed.
    const self = new Set(draft.context.databases.CONTACT.filter((c) => c.is_self).map((c) => c.phone_number));
    const senders = [
      ...new Set(draft.context.databases.MESSAGING.map((m) => m.sender_phone_number).filter((p) => !self.has(p))),
    ];
    if (senders.length === 0 || !canText(draft)) return undefined;
    const phone = draft.rng.pick(senders);
    const text = draft.rng.pick(NEW_MESSAGES);
    return {
      text: ask(draft, [
        `Did ${phone} text me? Reply "${text}" to them.`,
        `Check what ${phone} sent me and answer "${text}".`,
        `Read the latest from ${phone} and reply "${text}".`,
      ]),
      tools: ["search_messages", "send_message_with_phone_number"],
    };
  },
};

// --- reminder -------------------------------------------------------------------------------------------------------

const reminderFind: Family = {
  covers: ["reminder"],
  write: (draft) => {
    const reminders = uniqueReminders(draft.context);
    if (reminders.length === 0) return undefined;
    const c = draft.rng.pick(reminders).content;
    return {
      text: ask(draft, [
        `Do I have a reminder to "${c}"?`,
        `Is there a reminder called "${c}"?`,
        `Check my reminders for "${c}".`,
      ]),
      tools: ["search_reminder"],
    };
  },
};

const reminderDelete: Family = {
  covers: ["reminder"],
  write: (draft) => {
    const reminders = uniqueReminders(draft.context);
    if (reminders.length === 0) return undefined;
    const c = draft.rng.pick(reminders).content;
    return {
      text: ask(draft, [
        `Delete my reminder "${c}".`,
        `I already did "${c}", remove that reminder.`,
        `Cancel the "${c}" reminder.`,
        `Get rid of my reminder to "${c}".`,
      ]),
      tools: ["search_reminder", "remove_reminder"],
    };
  },
};

const reminderDeleteTwo: Family = {
  covers: ["reminder"],
  write: (draft) => {
    const reminders = uniqueReminders(draft.context);
    if (reminders.length < 2) return undefined;
    const [a, b] = draft.rng.sample(reminders, 2) as [ReminderRow, ReminderRow];
    return {
      text: ask(draft, [
        `Delete my reminders "${a.content}" and "${b.content}".`,
        `I'm done with "${a.content}" and "${b.content}", remove both reminders.`,
      ]),
      tools: ["search_reminder", "remove_reminder", "search_reminder", "remove_reminder"],
    };
  },
};

const reminderRename: Family = {
  covers: ["reminder"],
  write: (draft) => {
    const reminders = uniqueReminders(draft.context);
    if (reminders.length === 0) return undefined;
    const c = draft.rng.pick(reminders).content;
    const n = upper(draft.rng.pick(NEW_TASKS.filter((task) => task.toLowerCase() !== c.toLowerCase())));
    return {
      text: ask(draft, [
        `Change my reminder "${c}" so it says "${n}".`,
        `Rename the "${c}" reminder to "${n}".`,
        `Reword "${c}" as "${n}" in my reminders.`,
      ]),
      tools: ["search_reminder", "modify_reminder"],
    };
  },
};

// --- setting --------------------------------------------------------------------------------------------------------

/** The switch an off variant blocks (low battery mode blocks them all), or undefined on the base settings. */
function blocked(draft: Draft): SwitchName | undefined {
  if (draft.switches.low_battery_mode) return "low_battery_mode";
  return (["wifi", "cellular", "location_service"] as const).find((name) => !draft.switches[name]);
}

const settingCheck: Family = {
  covers: ["setting"],
  write: (draft) => {
    const off = blocked(draft);
    const name = off ?? draft.rng.pick(["wifi", "cellular", "location_service", "low_battery_mode"] as const);
    const label = draft.rng.pick(LABELS[name]);
    if (off !== undefined && off !== "low_battery_mode") {
      // The task touches the switch the settings variant turned off: check it, then fix it.
      return {
        text: ask(draft, [`Is my ${label} on? If not, turn it on.`, `Make sure ${label} is enabled.`]),
        tools: [GETTER[name], SETTER[name]],
      };
    }
    if (off === "low_battery_mode") {
      return {
        text: ask(draft, [
          "Turn off low power mode if it is enabled.",
          "Check low battery mode and switch it off if it is enabled.",
        ]),
        tools: [GETTER.low_battery_mode, SETTER.low_battery_mode],
      };
    }
    return {
      text: ask(draft, [
        `Is my ${label} on?`,
        `Check whether ${label} is enabled.`,
        `Tell me if ${label} is turned on.`,
      ]),
      tools: [GETTER[name]],
    };
  },
};

const settingWhereAmI: Family = {
  covers: ["setting"],
  write: (draft) => {
    const off = blocked(draft);
    if (off !== undefined && off !== "location_service" && off !== "low_battery_mode") return undefined;
    if (!need(draft, "location_service")) return undefined;
    return {
      text: ask(draft, [
        "Where am I right now?",
        "What are my current coordinates?",
        "Give me my latitude and longitude.",
        "What's my current location?",
      ]),
      tools: ["get_current_location"],
    };
  },
};

const settingToggle: Family = {
  covers: ["setting"],
  write: (draft) => {
    const off = blocked(draft);
    if (off === "low_battery_mode") {
      return {
        text: ask(draft, [
          "Turn off low battery mode and get me back online.",
          "I'm charging now: turn low power mode off and reconnect wifi.",
        ]),
        tools: [SETTER.low_battery_mode, SETTER.wifi],
      };
    }
    if (off !== undefined) {
      const label = draft.rng.pick(LABELS[off]);
      return { text: ask(draft, [`Turn ${label} back on.`, `Enable ${label} again.`]), tools: [SETTER[off]] };
    }
    switch (draft.rng.int(0, 2)) {
      case 0:
        return {
          text: ask(draft, [
            "My battery is dying, turn on low power mode.",
            "Put the phone in low battery mode.",
            "Save battery: switch on low battery mode.",
          ]),
          tools: [SETTER.low_battery_mode],
        };
      case 1:
        return {
          text: ask(draft, [
            "Turn off wifi and location services.",
            "I'm going offline: disable wifi and location services.",
          ]),
          tools: [SETTER.wifi, SETTER.location_service],
        };
      default: {
        const name = draft.rng.pick(["wifi", "cellular", "location_service"] as const);
        const label = draft.rng.pick(LABELS[name]);
        return {
          text: ask(draft, [`Turn off ${label}.`, `Disable ${label}.`, `Switch ${label} off please.`]),
          tools: [SETTER[name]],
        };
      }
    }
  },
};

const settingRundown: Family = {
  covers: ["setting"],
  write: (draft) => ({
    text: ask(draft, [
      "Which of my connections are on right now: wifi, cellular and location services?",
      "Give me a rundown of my wifi, mobile data and location settings.",
      "Am I online? Check wifi, cellular service and location services for me.",
    ]),
    tools: [GETTER.wifi, GETTER.cellular, GETTER.location_service],
  }),
};

const settingLocate: Family = {
  covers: ["setting"],
  write: (draft) => {
    if (draft.switches.low_battery_mode) return undefined;
    const on = draft.switches.location_service;
    return {
      text: ask(draft, [
        "Where am I? If location services are off, turn them on first.",
        "Check that location services are on, switch them on if not, and tell me my coordinates.",
      ]),
      tools: on
        ? [GETTER.location_service, "get_current_location"]
        : [GETTER.location_service, SETTER.location_service, "get_current_location"],
    };
  },
};

const settingBackOnline: Family = {
  covers: ["setting"],
  write: (draft) => {
    if (!draft.switches.low_battery_mode) return undefined;
    return {
      text: ask(draft, [
        "I'm charging now: turn off low power mode and turn wifi, cellular service and location services back on.",
        "Battery's fine again. Switch off low battery mode and bring back wifi, mobile data and location services.",
      ]),
      tools: [SETTER.low_battery_mode, SETTER.wifi, SETTER.cellular, SETTER.location_service],
    };
  },
};

const settingAirplane: Family = {
  covers: ["setting"],
  write: (draft) => {
    if (blocked(draft) !== undefined) return undefined;
    return {
      text: ask(draft, [
        "I'm boarding a plane: switch off cellular, wifi and location services.",
        "Go fully offline: no cellular, no wifi, no location.",
        "Cut every connection: cellular service, wifi and location services off.",
      ]),
      tools: [SETTER.cellular, SETTER.wifi, SETTER.location_service],
    };
  },
};

// --- utilities ------------------------------------------------------------------------------------------------------

const utilitiesDaysUntil: Family = {
  covers: ["utilities"],
  write: (draft) => {
    const { rng } = draft;
    const [m, d, y] = [rng.pick(MONTHS), rng.int(1, 28), rng.int(2027, 2030)];
    return {
      text: ask(draft, [
        `How many days are left until ${m} ${d}, ${y}?`,
        `How long until ${d} ${m} ${y}, in days?`,
        `Count the days from today to ${m} ${d}, ${y}.`,
      ]),
      tools: ["get_current_timestamp", "datetime_info_to_timestamp", "timestamp_diff"],
    };
  },
};

const utilitiesDateAhead: Family = {
  covers: ["utilities"],
  write: (draft) => {
    const { rng } = draft;
    if (rng.chance(0.25)) {
      const h = rng.int(2, 9);
      return {
        text: ask(draft, [`What time will it be in ${h} hours?`, `What's the time ${h} hours from now?`]),
        tools: ["get_current_timestamp", "shift_timestamp", "timestamp_to_datetime_info"],
      };
    }
    const n = rng.int(3, 40);
    return {
      text: ask(draft, [
        `What will the date be ${n} days from now?`,
        `What's the date ${n} days from today?`,
        `Which date is it in ${n} days?`,
        `What date is ${Math.max(2, Math.round(n / 7))} weeks from now?`,
      ]),
      tools: ["get_current_timestamp", "shift_timestamp", "timestamp_to_datetime_info"],
    };
  },
};

const utilitiesBetween: Family = {
  covers: ["utilities"],
  write: (draft) => {
    const { rng } = draft;
    const [m1, m2] = rng.sample(MONTHS, 2) as [string, string];
    const [d1, d2, y] = [rng.int(1, 28), rng.int(1, 28), rng.int(2027, 2030)];
    return {
      text: ask(draft, [
        `How many days are there between ${m1} ${d1}, ${y} and ${m2} ${d2}, ${y}?`,
        `Count the days from ${m1} ${d1}, ${y} to ${m2} ${d2}, ${y}.`,
      ]),
      tools: ["datetime_info_to_timestamp", "datetime_info_to_timestamp", "timestamp_diff"],
    };
  },
};

const utilitiesToday: Family = {
  covers: ["utilities"],
  write: (draft) => ({
    text: ask(draft, ["What's today's date?", "What day is it today?", "Remind me what the date is today."]),
    tools: ["get_current_timestamp", "timestamp_to_datetime_info"],
  }),
};

const utilitiesWeekday: Family = {
  covers: ["utilities"],
  write: (draft) => {
    const { rng } = draft;
    const [m, d, y] = [rng.pick(MONTHS), rng.int(1, 28), rng.int(2027, 2030)];
    return {
      text: ask(draft, [`What day of the week is ${m} ${d}, ${y}?`, `Which weekday falls on ${d} ${m} ${y}?`]),
      tools: ["datetime_info_to_timestamp", "timestamp_to_datetime_info"],
    };
  },
};

const utilitiesUnits: Family = {
  covers: ["utilities"],
  write: (draft) => {
    const { rng } = draft;
    const [from, to] = rng.pick(UNITS);
    const n = rng.int(2, 500);
    return {
      text: ask(draft, [
        `Convert ${n} ${from} to ${to}.`,
        `What's ${n} ${from} in ${to}?`,
        `I have ${n} ${from}. How much is that in ${to}?`,
      ]),
      tools: ["unit_conversion"],
    };
  },
};

const utilitiesDistance: Family = {
  covers: ["utilities"],
  write: (draft) => {
    const [a, b] = draft.rng.sample(PLACES, 2) as [[number, number], [number, number]];
    return {
      text: ask(draft, [
        `How far apart in kilometers are the points ${a[0]}, ${a[1]} and ${b[0]}, ${b[1]}?`,
        `What's the distance between latitude: ${a[0]}, longitude: ${a[1]} and latitude: ${b[0]}, longitude: ${b[1]}?`,
        `Give me the distance from (lattitude: ${a[0]}, longitude: ${a[1]}) to (lattitude: ${b[0]}, longitude: ${b[1]}).`,
      ]),
      tools: ["calculate_lat_lon_distance"],
    };
  },
};

const utilitiesHoliday: Family = {
  covers: ["utilities"],
  write: (draft) => {
    if (!draft.switches.wifi) return undefined;
    const holiday = draft.rng.pick(HOLIDAYS);
    if (draft.rng.chance(0.5)) {
      return {
        text: ask(draft, [`When is ${holiday} this year?`, `On what date does ${holiday} fall this year?`]),
        tools: ["search_holiday"],
      };
    }
    return {
      text: ask(draft, [`How many days until ${holiday}?`, `How long do I have to wait for ${holiday}, in days?`]),
      tools: ["get_current_timestamp", "search_holiday", "timestamp_diff"],
    };
  },
};

// --- rapid_api_search_tools -----------------------------------------------------------------------------------------

function online(draft: Draft): boolean {
  return need(draft, "wifi");
}

const searchStock: Family = {
  covers: ["rapid_api_search_tools"],
  write: (draft) => {
    if (!online(draft)) return undefined;
    const company = draft.rng.pick(COMPANIES);
    if (draft.rng.chance(0.5)) {
      const [code, name] = draft.rng.pick(CURRENCY_NAMES.filter(([c]) => c !== "USD"));
      return {
        text: ask(draft, [
          `What is one ${company} share worth in ${name}?`,
          `Convert the price of one ${company} share to ${code}.`,
        ]),
        tools: ["search_stock", "convert_currency"],
      };
    }
    return {
      text: ask(draft, [
        `What's ${company} trading at?`,
        `How is ${company} stock doing today?`,
        `Get me the current share price of ${company}.`,
      ]),
      tools: ["search_stock"],
    };
  },
};

const searchTwoStocks: Family = {
  covers: ["rapid_api_search_tools"],
  write: (draft) => {
    if (!online(draft)) return undefined;
    const [a, b] = draft.rng.sample(COMPANIES, 2) as [string, string];
    return {
      text: ask(draft, [
        `Which is trading higher right now, ${a} or ${b}?`,
        `Compare the share prices of ${a} and ${b}.`,
      ]),
      tools: ["search_stock", "search_stock"],
    };
  },
};

const searchCurrency: Family = {
  covers: ["rapid_api_search_tools"],
  write: (draft) => {
    if (!online(draft)) return undefined;
    const { rng } = draft;
    const [from, to] = rng.sample(CURRENCY_NAMES, 2) as [[string, string, string?], [string, string, string?]];
    const amount = rng.int(10, 5000);
    const symbol = from[2];
    const thousands = (rng.int(12, 95) / 10).toFixed(1);
    const phrasings = [`How much is ${amount} ${from[0]} in ${to[0]}?`, `Convert ${amount} ${from[1]} to ${to[1]}.`];
    if (symbol !== undefined) {
      phrasings.push(`What's ${symbol}${amount} in ${to[1]}?`, `How much is ${symbol}${thousands}k in ${to[0]}?`);
    }
    return { text: ask(draft, phrasings), tools: ["convert_currency"] };
  },
};

const searchAddress: Family = {
  covers: ["rapid_api_search_tools"],
  write: (draft) => {
    if (!online(draft)) return undefined;
    const [lat, lon] = draft.rng.pick(PLACES);
    return {
      text: ask(draft, [
        `What is the street address at ${lat}, ${lon}?`,
        `What's at latitude ${lat}, longitude ${lon}?`,
        `Look up the address for the coordinates ${lat}, ${lon}.`,
      ]),
      tools: ["search_lat_lon"],
    };
  },
};

const searchWeather: Family = {
  covers: ["rapid_api_search_tools"],
  write: (draft) => {
    if (!online(draft)) return undefined;
    if (draft.rng.chance(0.5)) {
      const [lat, lon] = draft.rng.pick(PLACES);
      return {
        text: ask(draft, [
          `What's the weather going to be at ${lat}, ${lon} tomorrow?`,
          `How hot will it get tomorrow at ${lat}, ${lon}?`,
        ]),
        tools: ["search_weather_around_lat_lon"],
      };
    }
    if (!need(draft, "location_service")) return undefined;
    const city = draft.rng.pick(CITIES);
    return {
      text: ask(draft, [
        `What's the weather like in ${city} tomorrow?`,
        `Will it be warm in ${city} tomorrow?`,
        `Check tomorrow's forecast for ${city}.`,
      ]),
      tools: ["search_location_around_lat_lon", "search_weather_around_lat_lon"],
    };
  },
};

const searchMeetingSpot: Family = {
  covers: ["rapid_api_search_tools"],
  write: (draft) => {
    if (!online(draft)) return undefined;
    const [lat, lon] = draft.rng.pick(PLACES);
    return {
      text: ask(draft, [
        `I'm meeting someone at ${lat}, ${lon} tomorrow. What's the address there, and what will the weather be?`,
        `Tell me the street address at latitude ${lat}, longitude ${lon} and tomorrow's forecast for it.`,
      ]),
      tools: ["search_lat_lon", "search_weather_around_lat_lon"],
    };
  },
};

const searchNearbyForecast: Family = {
  covers: ["rapid_api_search_tools"],
  write: (draft) => {
    if (!online(draft) || !need(draft, "location_service")) return undefined;
    const place = draft.rng.pick(NEARBY);
    return {
      text: ask(draft, [
        `I'm walking to the nearest ${place} tomorrow. What will the weather be like there?`,
        `Find a ${place} near me and check tomorrow's forecast for it.`,
      ]),
      tools: ["search_location_around_lat_lon", "search_weather_around_lat_lon"],
    };
  },
};

const searchNearby: Family = {
  covers: ["rapid_api_search_tools"],
  write: (draft) => {
    if (!online(draft) || !need(draft, "location_service")) return undefined;
    const place = draft.rng.pick(NEARBY);
    return {
      text: ask(draft, [`Find a ${place} near me.`, `Is there a ${place} close by?`, `Where's the nearest ${place}?`]),
      tools: ["search_location_around_lat_lon"],
    };
  },
};

// --- mixed ----------------------------------------------------------------------------------------------------------

const textContact: Family = {
  covers: ["contact", "messaging"],
  write: (draft) => {
    const person = pickPerson(draft);
    if (person === undefined || !canText(draft)) return undefined;
    const who = called(draft, person);
    const text = draft.rng.pick(NEW_MESSAGES);
    return {
      text: ask(draft, [
        `Text ${who} "${text}".`,
        `Send ${who} a message saying "${text}".`,
        `Let ${who} know: "${text}"`,
        `Message ${who}: "${text}"`,
        `Can you tell ${who} "${text}"?`,
      ]),
      tools: ["search_contacts", "send_message_with_phone_number"],
    };
  },
};

const textGroup: Family = {
  covers: ["contact", "messaging"],
  write: (draft) => {
    const group = sharedRelationship(draft);
    if (group === undefined || !canText(draft)) return undefined;
    const text = draft.rng.pick(NEW_MESSAGES);
    const r = group.relationship;
    return {
      text: ask(draft, [`Text all my ${r}s "${text}".`, `Send "${text}" to all of my ${r}s.`]),
      tools: ["search_contacts", ...group.people.map(() => "send_message_with_phone_number")],
    };
  },
};

/** Contacts who have sent at least one message. */
function senders(draft: Draft): ContactRow[] {
  const from = new Set(draft.context.databases.MESSAGING.map((m) => m.sender_phone_number));
  const unique = new Set(others(draft.context).map((c) => firstName(c.name)));
  return others(draft.context).filter((c) => from.has(c.phone_number) && unique.has(firstName(c.name)));
}

const readContact: Family = {
  covers: ["contact", "messaging"],
  write: (draft) => {
    const people = senders(draft).filter(
      (c) => others(draft.context).filter((o) => firstName(o.name) === firstName(c.name)).length === 1,
    );
    if (people.length === 0) return undefined;
    const person = draft.rng.pick(people);
    const who = called(draft, person);
    if (draft.rng.chance(0.3) && canText(draft)) {
      const text = draft.rng.pick(NEW_MESSAGES);
      return {
        text: ask(draft, [
          `Read me ${who}'s messages and reply "${text}".`,
          `What did ${who} text me? Answer "${text}".`,
        ]),
        tools: ["search_contacts", "search_messages", "send_message_with_phone_number"],
      };
    }
    return {
      text: ask(draft, [
        `What did ${who} text me?`,
        `Show me my messages from ${who}.`,
        `What was the last thing ${who} sent me?`,
        `Did ${who} message me recently?`,
      ]),
      tools: ["search_contacts", "search_messages"],
    };
  },
};

const whoSent: Family = {
  covers: ["contact", "messaging"],
  write: (draft) => {
    const contacts = new Set(others(draft.context).map((c) => c.phone_number));
    const messages = draft.context.databases.MESSAGING;
    const candidates = messages.filter(
      (m) => contacts.has(m.sender_phone_number) && messages.filter((o) => o.content === m.content).length === 1,
    );
    if (candidates.length === 0) return undefined;
    const content = draft.rng.pick(candidates).content;
    return {
      text: ask(draft, [`Who sent me "${content}"?`, `Which of my contacts texted "${content}"?`]),
      tools: ["search_messages", "search_contacts"],
    };
  },
};

const addAndText: Family = {
  covers: ["contact", "messaging"],
  write: (draft) => {
    const person = newPerson(draft);
    if (person === undefined || !canText(draft)) return undefined;
    const phone = newPhone(draft.rng, draft.context);
    const text = draft.rng.pick(NEW_MESSAGES);
    return {
      text: ask(draft, [
        `Save ${person.name} (${phone}) as my ${person.relationship} and text them "${text}".`,
        `Add ${person.name} to my contacts with the number ${phone}, my ${person.relationship}, and send them "${text}".`,
      ]),
      tools: ["add_contact", "send_message_with_phone_number"],
    };
  },
};

const remindIn: Family = {
  covers: ["reminder", "utilities"],
  write: (draft) => {
    const { rng } = draft;
    const n = rng.int(2, 9);
    const task = rng.pick(NEW_TASKS);
    if (rng.chance(0.4)) {
      const h = rng.int(1, 11);
      const minutes = rng.pick(["", ":30"]);
      return {
        text: ask(draft, [
          `Remind me tomorrow at ${h}${minutes}PM to ${task}.`,
          `Set a reminder for tomorrow ${h}${minutes} PM: "${upper(task)}".`,
        ]),
        tools: [
          "get_current_timestamp",
          "shift_timestamp",
          "timestamp_to_datetime_info",
          "datetime_info_to_timestamp",
          "add_reminder",
        ],
      };
    }
    return {
      text: ask(draft, [
        `Remind me in ${n} days to ${task}.`,
        `Set a reminder for ${n} days from now: "${upper(task)}".`,
        `In ${n} days, remind me to ${task}.`,
        `Add a reminder "${upper(task)}" ${n} days from today.`,
      ]),
      tools: ["get_current_timestamp", "shift_timestamp", "add_reminder"],
    };
  },
};

const pushBack: Family = {
  covers: ["reminder", "utilities"],
  write: (draft) => {
    const reminders = uniqueReminders(draft.context);
    if (reminders.length === 0) return undefined;
    const c = draft.rng.pick(reminders).content;
    const n = draft.rng.int(1, 5);
    return {
      text: ask(draft, [
        `Push my reminder "${c}" back by ${n} hours.`,
        `Delay "${c}" by ${n} hours.`,
        `Move my "${c}" reminder ${n} hours later.`,
      ]),
      tools: ["search_reminder", "shift_timestamp", "modify_reminder"],
    };
  },
};

function upcoming(draft: Draft): ReminderRow[] {
  return draft.context.databases.REMINDER.filter((r) => r.reminder_timestamp > draft.context.now);
}

const nextReminder: Family = {
  covers: ["reminder", "utilities"],
  write: (draft) => {
    const ahead = upcoming(draft);
    if (ahead.length === 0) return undefined;
    if (ahead.length === 1 && draft.rng.chance(0.5)) {
      const n = draft.rng.int(1, 4);
      return {
        text: ask(draft, [`Postpone my upcoming reminder by ${n} days.`, `Push my next reminder back ${n} days.`]),
        tools: ["get_current_timestamp", "search_reminder", "shift_timestamp", "modify_reminder"],
      };
    }
    return {
      text: ask(draft, [
        "What's my next reminder?",
        "What's coming up next in my reminders?",
        "Which reminder is due next?",
        "Tell me my upcoming reminder.",
      ]),
      tools: ["get_current_timestamp", "search_reminder"],
    };
  },
};

const daysUntilReminder: Family = {
  covers: ["reminder", "utilities"],
  write: (draft) => {
    const ahead = uniqueReminders(draft.context).filter((r) => r.reminder_timestamp > draft.context.now + 86_400);
    if (ahead.length === 0) return undefined;
    const c = draft.rng.pick(ahead).content;
    return {
      text: ask(draft, [
        `How many days until my reminder "${c}"?`,
        `How long do I have before "${c}" is due, in days?`,
      ]),
      tools: ["search_reminder", "get_current_timestamp", "timestamp_diff"],
    };
  },
};

const whereAmIAddress: Family = {
  covers: ["setting", "rapid_api_search_tools"],
  write: (draft) => {
    if (!need(draft, "wifi") || !need(draft, "location_service")) return undefined;
    return {
      text: ask(draft, [
        "What's the address of the place I'm at right now?",
        "What street am I on?",
        "Where exactly am I? Give me the street address.",
      ]),
      tools: ["get_current_location", "search_lat_lon"],
    };
  },
};

/**
 * A lookup before the phone goes into low power mode, which cuts wifi and location: the order matters, and the
 * agent has to see that (in the base settings, where nothing is blocked yet).
 */
const beforeLowPower: Family = {
  covers: ["setting", "rapid_api_search_tools"],
  write: (draft) => {
    if (blocked(draft) !== undefined) return undefined;
    const { rng } = draft;
    const lookup = rng.pick([
      (): Written => {
        const city = rng.pick(CITIES);
        return {
          text: rng.pick([`check tomorrow's weather in ${city}`, `find out how warm it will be in ${city} tomorrow`]),
          tools: ["search_location_around_lat_lon", "search_weather_around_lat_lon"],
        };
      },
      (): Written => ({
        text: `look up what ${rng.pick(COMPANIES)} is trading at`,
        tools: ["search_stock"],
      }),
      (): Written => ({ text: `find a ${rng.pick(NEARBY)} near me`, tools: ["search_location_around_lat_lon"] }),
    ])();
    return {
      text: ask(draft, [
        `My battery is nearly dead. Quickly ${lookup.text}, and after that turn on low power mode.`,
        `Before you turn on low battery mode, ${lookup.text}.`,
        `I'm at 5% battery: ${lookup.text}, then switch on low power mode.`,
      ]),
      tools: [...lookup.tools, SETTER.low_battery_mode],
    };
  },
};

/** A web request in a settings variant that blocks it: the fixes come first, the wording stays about the goal. */
const withFix = (covers: readonly string[], inner: Family): Family => ({
  covers,
  write: (draft) => {
    if (blocked(draft) === undefined) return undefined;
    const written = inner.write(draft);
    // Only a request the blocked setting actually stops: the variant must matter to the task.
    return draft.fixes.length === 0 ? undefined : written;
  },
});
const webWithFix = (inner: Family): Family => withFix(["setting", "rapid_api_search_tools"], inner);
const textWithFix = (inner: Family): Family => withFix(["contact", "messaging", "setting"], inner);

const textMyLocation: Family = {
  covers: ["contact", "messaging", "setting"],
  write: (draft) => {
    const person = pickPerson(draft);
    if (person === undefined || !need(draft, "location_service") || !canText(draft)) return undefined;
    const who = called(draft, person);
    return {
      text: ask(draft, [
        `Send ${who} my current coordinates.`,
        `Text ${who} where I am right now.`,
        `Share my location with ${who} by text.`,
      ]),
      tools: ["get_current_location", "search_contacts", "send_message_with_phone_number"],
    };
  },
};

const FAMILIES: readonly Family[] = [
  contactLookup,
  contactWhose,
  contactGroup,
  contactNewNumber,
  contactRelationship,
  contactDelete,
  contactDeleteTwo,
  contactAdd,
  messageSend,
  messageTwo,
  messageRead,
  messageReply,
  reminderFind,
  reminderDelete,
  reminderDeleteTwo,
  reminderRename,
  settingCheck,
  settingWhereAmI,
  settingToggle,
  settingRundown,
  settingLocate,
  settingBackOnline,
  settingAirplane,
  utilitiesDaysUntil,
  utilitiesBetween,
  utilitiesDateAhead,
  utilitiesToday,
  utilitiesWeekday,
  utilitiesUnits,
  utilitiesDistance,
  utilitiesHoliday,
  searchStock,
  searchTwoStocks,
  searchCurrency,
  searchAddress,
  searchWeather,
  searchMeetingSpot,
  searchNearbyForecast,
  searchNearby,
  textContact,
  textGroup,
  readContact,
  whoSent,
  addAndText,
  remindIn,
  pushBack,
  nextReminder,
  daysUntilReminder,
  whereAmIAddress,
  beforeLowPower,
  webWithFix(searchStock),
  webWithFix(searchCurrency),
  webWithFix(searchWeather),
  webWithFix(searchNearby),
  textWithFix(textContact),
  textWithFix(textGroup),
  textMyLocation,
];

/** Families whose requests are single calls come first when many categories share one task. */
const SINGLE_CALL = new Set<Family>([
  contactLookup,
  contactWhose,
  contactAdd,
  messageSend,
  messageTwo,
  messageRead,
  reminderFind,
  utilitiesUnits,
  utilitiesDistance,
  searchAddress,
  searchCurrency,
  searchNearby,
]);
const shortest = (family: Family): number => (SINGLE_CALL.has(family) ? 0 : 1);

/**
 * Category combinations without a family of their own: one request per category, written as one message. Kept for
 * any combination a caller asks for; the measured combinations all have families.
 */
function composeAcross(
  categories: readonly string[],
  context: ExecutionContext,
  rng: Randomizer,
): ParsedReply | undefined {
  const parts: Written[] = [];
  const draft = newDraft(categories, context, rng);
  for (const category of categories) {
    if (category === "setting") continue;
    const candidates = FAMILIES.filter((f) => f.covers.length === 1 && f.covers[0] === category);
    // Many categories at once: the shortest request per category keeps the whole within the trajectory limit.
    const shuffled = rng.shuffle(candidates);
    const ordered = categories.length >= 4 ? shuffled.sort((a, b) => shortest(a) - shortest(b)) : shuffled;
    const written = ordered.map((family) => family.write(draft)).find((w) => w !== undefined);
    if (written === undefined) return undefined;
    parts.push(written);
  }
  // The setting category is covered by the fixes when there are any; otherwise by a settings request of its own.
  if (categories.includes("setting") && draft.fixes.length === 0) {
    const setting = settingToggle.write(draft);
    if (setting === undefined) return undefined;
    parts.push(setting);
  }
  if (parts.length === 0) return undefined;
  const text = parts
    .map((p, i) => (i === 0 ? p.text : `Also, ${p.text[0]?.toLowerCase()}${p.text.slice(1)}`))
    .join(" ");
  return {
    description: text,
    trajectory: [...draft.fixes, ...parts.flatMap((p) => p.tools)],
    categories: [...categories],
  };
}
