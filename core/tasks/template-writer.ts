import { TaskGenerationError } from "../errors.ts";
import type { Randomizer } from "../random.ts";
import { validateToolCategories } from "./catalog.ts";
import { type ContactRow, currentSettings, type ExecutionContext } from "./execution-context.ts";
import type { ParsedReply } from "./parse-reply.ts";
import { PEOPLE } from "./sample-pool.ts";
import type { SwitchState } from "./simulate-trajectory.ts";
import type { SwitchName } from "./task-text.ts";

// The offline provider's author: grounded tasks built from the catalog and the state, feasible by construction.
// Each category contributes one segment (pairs may share one); setting fixes come first, a lone setting change last.

interface Segment {
  text: string;
  tools: string[];
  covers: string[];
}

interface Draft {
  rng: Randomizer;
  context: ExecutionContext;
  categories: ReadonlySet<string>;
  switches: SwitchState;
  fixes: Segment[];
}

const LABEL: Readonly<Record<SwitchName, string>> = {
  wifi: "wifi",
  cellular: "cellular service",
  location_service: "location service",
  low_battery_mode: "low battery mode",
};
const SETTER: Readonly<Record<SwitchName, string>> = {
  wifi: "set_wifi_status",
  cellular: "set_cellular_service_status",
  location_service: "set_location_service_status",
  low_battery_mode: "set_low_battery_mode_status",
};

const COMPANIES = ["Apple", "Microsoft", "Nvidia", "Tesla", "Amazon", "Alphabet"];
const CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CAD", "CHF"];
const HOLIDAYS = ["Thanksgiving", "Independence Day", "Labor Day", "Memorial Day", "Christmas Day"];
const UNITS: ReadonlyArray<[string, string]> = [
  ["miles", "kilometers"],
  ["pounds", "kilograms"],
  ["feet", "meters"],
  ["gallons", "liters"],
];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"];
const NEW_MESSAGES = [
  "Running a bit late, see you soon",
  "Thanks again for dinner",
  "Can you call me back tonight",
  "Happy birthday",
  "The meeting moved to 3pm",
];
const NEW_REMINDERS = ["Call the bank", "Buy milk", "Book a haircut", "Send the invoice", "Pick up the kids"];
const PLACES: ReadonlyArray<[number, number]> = [
  [37.7749, -122.4194],
  [40.7128, -74.006],
  [51.5072, -0.1276],
  [48.8566, 2.3522],
  [35.6762, 139.6503],
];

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
  const setting = currentSettings(context);
  const draft: Draft = {
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
  const segments: Segment[] = [];
  const covered = new Set<string>();
  const add = (segment: Segment | undefined): void => {
    if (segment === undefined) return;
    segments.push(segment);
    for (const category of segment.covers) covered.add(category);
  };
  const has = (category: string): boolean => draft.categories.has(category) && !covered.has(category);

  if (has("contact") && has("messaging") && rng.chance(0.6)) add(contactAndMessaging(draft));
  if (has("reminder") && has("utilities") && rng.chance(0.6)) add(reminderAndUtilities(draft));
  if (has("setting") && has("rapid_api_search_tools") && rng.chance(0.3)) add(whereAmI(draft));
  if (has("contact")) add(contactSegment(draft));
  if (has("messaging")) add(messagingSegment(draft));
  if (has("reminder")) add(reminderSegment(draft));
  if (has("utilities")) add(utilitiesSegment(draft));
  if (has("rapid_api_search_tools")) add(rapidApiSegment(draft));
  if (draft.fixes.length > 0) covered.add("setting");
  const closing = has("setting") ? settingSegment(draft) : undefined;

  const ordered = [...draft.fixes, ...segments, ...(closing === undefined ? [] : [closing])];
  const missing = categories.filter((category) => !ordered.some((segment) => segment.covers.includes(category)));
  if (missing.length > 0) {
    throw new TaskGenerationError(
      `[template] No feasible task for ${missing.join(", ")} in the "${context.variant}" settings without the setting category to fix them. Add "setting" to the categories or use the base settings.`,
    );
  }
  return {
    description: joinSentences(ordered.map((segment) => segment.text)),
    trajectory: ordered.flatMap((segment) => segment.tools),
    categories: [...categories],
  };
}

/** The reply text a model would give, so template tasks go through the same parser as real ones. */
export function formatTaskReply(reply: ParsedReply): string {
  return `TASK: ${reply.description}\nTRAJECTORY: ${reply.trajectory.join(" -> ")}\nCATEGORIES: [${reply.categories.join(", ")}]`;
}

function joinSentences(texts: readonly string[]): string {
  return texts.map((text, index) => (index === 0 ? text : `Then ${text[0]?.toLowerCase()}${text.slice(1)}`)).join(" ");
}

/** Makes sure a switch is on, adding the fix when the setting category allows it; false when it cannot be. */
function ensureOn(draft: Draft, name: Exclude<SwitchName, "low_battery_mode">): boolean {
  if (draft.switches[name]) return true;
  if (!draft.categories.has("setting")) return false;
  const tools: string[] = [];
  const parts: string[] = [];
  if (draft.switches.low_battery_mode) {
    tools.push(SETTER.low_battery_mode);
    parts.push("turn off low battery mode");
    draft.switches.low_battery_mode = false;
  }
  tools.push(SETTER[name]);
  parts.push(`turn ${LABEL[name]} back on`);
  draft.switches[name] = true;
  const text = parts.join(", then ");
  draft.fixes.push({ text: `${text[0]?.toUpperCase()}${text.slice(1)}.`, tools, covers: ["setting"] });
  return true;
}

function otherContacts(context: ExecutionContext): ContactRow[] {
  return context.databases.CONTACT.filter((contact) => !contact.is_self);
}

function newPhone(rng: Randomizer): string {
  let digits = String(rng.int(2, 9));
  for (let i = 0; i < 9; i++) digits += String(rng.int(0, 9));
  return `+1${digits}`;
}

function canText(draft: Draft): boolean {
  const selfCount = draft.context.databases.CONTACT.filter((contact) => contact.is_self).length;
  return selfCount === 1 && ensureOn(draft, "cellular");
}

function contactAndMessaging(draft: Draft): Segment | undefined {
  const { rng } = draft;
  const others = otherContacts(draft.context);
  if (others.length === 0) return undefined;
  const person = rng.pick(others);
  if (rng.chance(0.6) && canText(draft)) {
    return {
      text: `Text ${person.name} "${rng.pick(NEW_MESSAGES)}".`,
      tools: ["search_contacts", "send_message_with_phone_number"],
      covers: ["contact", "messaging"],
    };
  }
  return {
    text: `Show me the messages ${person.name} sent me.`,
    tools: ["search_contacts", "search_messages"],
    covers: ["contact", "messaging"],
  };
}

function contactSegment(draft: Draft): Segment {
  const { rng, context } = draft;
  const others = otherContacts(context);
  const choice = others.length === 0 ? 0 : rng.int(0, 3);
  if (choice === 0) {
    const known = new Set(context.databases.CONTACT.map((contact) => contact.name));
    const candidates = PEOPLE.filter((person) => !known.has(person.name));
    const person = candidates.length > 0 ? rng.pick(candidates) : { name: "Jordan Blake", relationship: "friend" };
    return {
      text: `Add ${person.name} to my contacts with the number ${newPhone(rng)}; they are my ${person.relationship}.`,
      tools: ["add_contact"],
      covers: ["contact"],
    };
  }
  const person = rng.pick(others);
  if (choice === 1)
    return { text: `What is ${person.name}'s phone number?`, tools: ["search_contacts"], covers: ["contact"] };
  if (choice === 2) {
    return {
      text: `Update ${person.name}'s phone number to ${newPhone(rng)}.`,
      tools: ["search_contacts", "modify_contact"],
      covers: ["contact"],
    };
  }
  return {
    text: `Delete ${person.name} from my contacts.`,
    tools: ["search_contacts", "remove_contact"],
    covers: ["contact"],
  };
}

function messagingSegment(draft: Draft): Segment {
  const { rng, context } = draft;
  if (rng.chance(0.5) && canText(draft)) {
    return {
      text: `Send a text to ${newPhone(rng)} saying "${rng.pick(NEW_MESSAGES)}".`,
      tools: ["send_message_with_phone_number"],
      covers: ["messaging"],
    };
  }
  const self = context.databases.CONTACT.find((contact) => contact.is_self);
  const incoming = context.databases.MESSAGING.filter((message) => message.sender_phone_number !== self?.phone_number);
  const phone = incoming.length > 0 ? rng.pick(incoming).sender_phone_number : newPhone(rng);
  return { text: `Show me the texts I got from ${phone}.`, tools: ["search_messages"], covers: ["messaging"] };
}

function reminderSegment(draft: Draft): Segment {
  const { rng, context } = draft;
  const reminders = context.databases.REMINDER;
  if (reminders.length === 0) {
    return {
      text: `Do I have a reminder to ${rng.pick(NEW_REMINDERS).toLowerCase()}?`,
      tools: ["search_reminder"],
      covers: ["reminder"],
    };
  }
  const reminder = rng.pick(reminders);
  const content = reminder.content;
  switch (rng.int(0, 2)) {
    case 0:
      return { text: `Do I have a reminder to "${content}"?`, tools: ["search_reminder"], covers: ["reminder"] };
    case 1:
      return {
        text: `Delete my reminder "${content}".`,
        tools: ["search_reminder", "remove_reminder"],
        covers: ["reminder"],
      };
    default:
      return {
        text: `Change my reminder "${content}" so it says "${rng.pick(NEW_REMINDERS)}".`,
        tools: ["search_reminder", "modify_reminder"],
        covers: ["reminder"],
      };
  }
}

function reminderAndUtilities(draft: Draft): Segment {
  const { rng, context } = draft;
  const reminders = context.databases.REMINDER;
  if (reminders.length > 0 && rng.chance(0.4)) {
    const reminder = rng.pick(reminders);
    return {
      text: `Push my reminder "${reminder.content}" back by ${rng.int(1, 5)} hours.`,
      tools: ["search_reminder", "shift_timestamp", "modify_reminder"],
      covers: ["reminder", "utilities"],
    };
  }
  return {
    text: `Remind me in ${rng.int(2, 9)} days to ${rng.pick(NEW_REMINDERS).toLowerCase()}.`,
    tools: ["get_current_timestamp", "shift_timestamp", "add_reminder"],
    covers: ["reminder", "utilities"],
  };
}

function utilitiesSegment(draft: Draft): Segment {
  const { rng } = draft;
  const choice = rng.int(0, 4);
  if (choice === 4 && draft.switches.wifi) {
    return {
      text: `On what date is ${rng.pick(HOLIDAYS)} this year?`,
      tools: ["search_holiday"],
      covers: ["utilities"],
    };
  }
  if (choice === 0) {
    return {
      text: `What will the date be ${rng.int(3, 40)} days from now?`,
      tools: ["get_current_timestamp", "shift_timestamp", "timestamp_to_datetime_info"],
      covers: ["utilities"],
    };
  }
  if (choice === 1) {
    const [from, to] = rng.pick(UNITS);
    return { text: `Convert ${rng.int(2, 500)} ${from} to ${to}.`, tools: ["unit_conversion"], covers: ["utilities"] };
  }
  if (choice === 2) {
    return {
      text: `How many days are left until ${rng.pick(MONTHS)} ${rng.int(1, 28)}, ${rng.int(2026, 2030)}?`,
      tools: ["get_current_timestamp", "datetime_info_to_timestamp", "timestamp_diff"],
      covers: ["utilities"],
    };
  }
  const [a, b] = rng.sample(PLACES, 2) as [[number, number], [number, number]];
  return {
    text: `How far apart in kilometers are the points ${a[0]}, ${a[1]} and ${b[0]}, ${b[1]}?`,
    tools: ["calculate_lat_lon_distance"],
    covers: ["utilities"],
  };
}

function rapidApiSegment(draft: Draft): Segment | undefined {
  const { rng } = draft;
  if (!ensureOn(draft, "wifi")) return undefined;
  const choice = rng.int(0, 3);
  if (choice === 3 && ensureOn(draft, "location_service")) {
    return {
      text: "What will the weather be like here tomorrow?",
      tools: ["search_weather_around_lat_lon"],
      covers: ["rapid_api_search_tools"],
    };
  }
  if (choice === 0) {
    return {
      text: `What is ${rng.pick(COMPANIES)}'s stock trading at today?`,
      tools: ["search_stock"],
      covers: ["rapid_api_search_tools"],
    };
  }
  if (choice === 1) {
    const [from, to] = rng.sample(CURRENCIES, 2) as [string, string];
    return {
      text: `How much is ${rng.int(10, 5000)} ${from} in ${to}?`,
      tools: ["convert_currency"],
      covers: ["rapid_api_search_tools"],
    };
  }
  const [latitude, longitude] = rng.pick(PLACES);
  return {
    text: `What is the street address at ${latitude}, ${longitude}?`,
    tools: ["search_lat_lon"],
    covers: ["rapid_api_search_tools"],
  };
}

function whereAmI(draft: Draft): Segment | undefined {
  if (!ensureOn(draft, "wifi") || !ensureOn(draft, "location_service")) return undefined;
  return {
    text: "What is the address of the place I am at right now?",
    tools: ["get_current_location", "search_lat_lon"],
    covers: ["setting", "rapid_api_search_tools"],
  };
}

function settingSegment(draft: Draft): Segment {
  const { rng, switches } = draft;
  const choice = rng.int(0, 2);
  if (choice === 0 && switches.location_service) {
    return { text: "Where am I right now?", tools: ["get_current_location"], covers: ["setting"] };
  }
  if (choice === 1) {
    const name = rng.pick(["wifi", "cellular", "location_service", "low_battery_mode"] as const);
    const getter = {
      wifi: "get_wifi_status",
      cellular: "get_cellular_service_status",
      location_service: "get_location_service_status",
      low_battery_mode: "get_low_battery_mode_status",
    }[name];
    return { text: `Check whether ${LABEL[name]} is enabled.`, tools: [getter], covers: ["setting"] };
  }
  const name = rng.pick(["wifi", "cellular", "location_service", "low_battery_mode"] as const);
  if (name !== "low_battery_mode" && !switches[name] && switches.low_battery_mode) {
    return { text: "Turn off low battery mode.", tools: [SETTER.low_battery_mode], covers: ["setting"] };
  }
  return {
    text: `Turn ${switches[name] ? "off" : "on"} ${LABEL[name]}.`,
    tools: [SETTER[name]],
    covers: ["setting"],
  };
}
