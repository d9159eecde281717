import type { ContactRow, ExecutionContext, ReminderRow } from "./execution-context.ts";
import { PEOPLE } from "./sample-pool.ts";
import type { Simulation } from "./simulate-trajectory.ts";
import { pickContacts, pickReminder, pluralRelationship, reminderByTime } from "./task-text.ts";

// The calls an agent is expected to make, with the arguments the task wording and the state pin down. One derivation
// for every provider: template tasks are written so that it recovers every argument, a model's task gets whatever its
// wording determines, and an argument it cannot determine is left out (so no milestone checks a guess).

/** A value an earlier call returns: `path` walks the result (list index or key); empty = the whole result. */
export interface ResultRef {
  $result_of: number;
  path: Array<string | number>;
}
export type ArgumentValue = string | number | boolean | ResultRef;

export interface ExpectedCall {
  tool: string;
  arguments: Record<string, ArgumentValue>;
  /** Argument names whose values are numbers an agent may round; the milestone compares them with this tolerance. */
  tolerance?: Record<string, number>;
  /** Alternative argument sets that also count as the right call (e.g. a first name instead of the full name). */
  alternatives?: Array<Record<string, ArgumentValue>>;
}

export const isResultRef = (value: unknown): value is ResultRef =>
  typeof value === "object" && value !== null && "$result_of" in value;

const ref = ($result_of: number, ...path: Array<string | number>): ResultRef => ({ $result_of, path });

const PHONE = /\+\d[\d\s().-]{5,}\d/g;
const QUOTED = /"([^"]+)"/g;
const COORDINATE_PAIR =
  /(?:lat(?:t)?itude\s*[:=]?\s*)?(-?\d{1,3}\.\d+)\s*(?:,|and)?\s*(?:long(?:itude)?\s*[:=]?\s*)?(-?\d{1,3}\.\d+)/gi;
const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
/** Unit words of the task text and the names pint (behind upstream's unit_conversion) knows them by. */
export const UNIT_NAMES: Readonly<Record<string, string>> = {
  miles: "mile",
  mile: "mile",
  mi: "mile",
  kilometers: "kilometer",
  kilometres: "kilometer",
  km: "kilometer",
  pounds: "pound",
  lbs: "pound",
  kilograms: "kilogram",
  kg: "kilogram",
  feet: "foot",
  ft: "foot",
  meters: "meter",
  metres: "meter",
  gallons: "gallon",
  liters: "liter",
  litres: "liter",
  fahrenheit: "degF",
  celsius: "degC",
  inches: "inch",
  centimeters: "centimeter",
  cm: "centimeter",
  ounces: "ounce",
  grams: "gram",
};
/** Currency words and symbols of the task text and their ISO 4217 codes. */
export const CURRENCY_CODES: Readonly<Record<string, string>> = {
  $: "USD",
  usd: "USD",
  dollars: "USD",
  "us dollars": "USD",
  "€": "EUR",
  eur: "EUR",
  euros: "EUR",
  "£": "GBP",
  gbp: "GBP",
  pounds: "GBP",
  "british pounds": "GBP",
  "swiss franc": "CHF",
  "¥": "JPY",
  jpy: "JPY",
  yen: "JPY",
  cad: "CAD",
  "canadian dollars": "CAD",
  chf: "CHF",
  "swiss francs": "CHF",
};

function phones(description: string): string[] {
  return [...description.matchAll(PHONE)].map((match) => match[0].replace(/[^\d+]/g, ""));
}
function quoted(description: string): string[] {
  return [...description.matchAll(QUOTED)].map((match) => match[1] ?? "");
}
/** `1.5k` → 1500, `2,048` → 2048. */
export function parseAmount(text: string): number | undefined {
  const match = /(\d[\d,]*(?:\.\d+)?)\s*(k\b)?/i.exec(text);
  if (match === null) return undefined;
  const value = Number((match[1] ?? "").replace(/,/g, ""));
  return match[2] === undefined ? value : value * 1000;
}

function coordinates(description: string): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (const match of description.matchAll(COORDINATE_PAIR)) {
    const latitude = Number(match[1]);
    const longitude = Number(match[2]);
    if (Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180) pairs.push([latitude, longitude]);
  }
  return pairs;
}

/** "in 3 days", "2 hours later", "back by 4 hours", "next week": the shift the wording asks for. */
export function relativeShift(description: string): Record<string, number> | undefined {
  const lower = description.toLowerCase();
  const match = /\b(\d+|an?|one|two|three|four|five|six|seven)\s+(minute|hour|day|week)s?\b/.exec(lower);
  const words: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7 };
  if (match !== null) {
    const count = words[match[1] ?? ""] ?? Number(match[1]);
    return { [`${match[2]}s`]: count };
  }
  if (/\btomorrow\b/.test(lower)) return { days: 1 };
  if (/\bnext week\b/.test(lower)) return { weeks: 1 };
  return undefined;
}

/** Every "March 4, 2027" / "4 March 2027" in the text, in order, as calendar fields at midnight. */
function calendarDates(description: string): Array<Record<string, number>> {
  const lower = description.toLowerCase();
  const names = MONTHS.join("|");
  const pattern = new RegExp(
    `\\b(?:(${names})\\s+(\\d{1,2})(?:st|nd|rd|th)?|(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(${names})),?\\s+(\\d{4})`,
    "g",
  );
  return [...lower.matchAll(pattern)].map((match) => ({
    year: Number(match[5]),
    month: MONTHS.indexOf(match[1] ?? match[4] ?? "") + 1,
    day: Number(match[2] ?? match[3]),
    hour: 0,
    minute: 0,
    second: 0,
  }));
}

function unitPair(description: string): [number, string, string] | undefined {
  const words = Object.keys(UNIT_NAMES).join("|");
  const match = new RegExp(
    `(\\d[\\d,.]*k?)\\s*(?:degrees\\s+)?(${words})\\b.*?\\b(?:to|in|into)\\s+(?:degrees\\s+)?(${words})\\b`,
    "i",
  ).exec(description);
  if (match === null) return undefined;
  const amount = parseAmount(match[1] ?? "");
  const from = UNIT_NAMES[(match[2] ?? "").toLowerCase()];
  const to = UNIT_NAMES[(match[3] ?? "").toLowerCase()];
  return amount === undefined || from === undefined || to === undefined ? undefined : [amount, from, to];
}

function currencyKeys(): string {
  return Object.keys(CURRENCY_CODES)
    .sort((a, b) => b.length - a.length)
    .map((key) => key.replace(/[$€£¥]/g, "\\$&"))
    .join("|");
}

/** The currency a request converts into ("in euros", "to GBP"). */
function currencyTarget(description: string): string | undefined {
  const target = new RegExp(`\\b(?:in|to|into)\\s+(${currencyKeys()})\\b`, "gi");
  return [...description.matchAll(target)].map((match) => CURRENCY_CODES[(match[1] ?? "").toLowerCase()]).at(-1);
}

function currencyPair(description: string): [number, string, string] | undefined {
  const keys = currencyKeys();
  const symbolFirst = /([$€£¥])\s*(\d[\d,.]*k?)/i.exec(description);
  const wordAfter = new RegExp(`(\\d[\\d,.]*k?)\\s*(${keys})\\b`, "i").exec(description);
  const to = currencyTarget(description);
  if (symbolFirst !== null) {
    const amount = parseAmount(symbolFirst[2] ?? "");
    const from = CURRENCY_CODES[symbolFirst[1] ?? ""];
    if (amount !== undefined && from !== undefined && to !== undefined && to !== from) return [amount, from, to];
  }
  if (wordAfter !== null) {
    const amount = parseAmount(wordAfter[1] ?? "");
    const from = CURRENCY_CODES[(wordAfter[2] ?? "").toLowerCase()];
    if (amount !== undefined && from !== undefined && to !== undefined && to !== from) return [amount, from, to];
  }
  return undefined;
}

/** A new contact's name: capitalised words after "add"/"save"/"create a contact for", or after "as" in "save +1… as". */
function newContactName(description: string, context: ExecutionContext): string | undefined {
  const name = "((?:[A-Z][a-z'’-]+ ?){1,3})";
  const patterns = [
    new RegExp(`\\b(?:[Aa]dd|[Ss]ave|[Cc]reate a contact for|[Nn]ew contact:?)\\s+${name}`),
    new RegExp(`\\+[\\d\\s().-]{6,}\\s+as\\s+${name}`),
  ];
  for (const pattern of patterns) {
    const found = pattern.exec(description)?.[1]?.trim();
    if (found !== undefined && !context.databases.CONTACT.some((contact) => contact.name === found)) return found;
  }
  return undefined;
}

/** Relationship words a task may give a contact: our sample pool's and a few common ones. */
const RELATIONSHIPS = [
  ...new Set([
    ...PEOPLE.map((person) => person.relationship),
    ...["friend", "boss", "coworker", "colleague", "sister", "brother", "mother", "father", "partner"],
    ...["neighbor", "cousin", "manager", "roommate", "mentor"],
  ]),
];

function newRelationship(description: string, except?: string | null): string | undefined {
  const words = [...description.toLowerCase().matchAll(new RegExp(`\\b(${RELATIONSHIPS.join("|")})\\b`, "g"))];
  return words
    .map((match) => match[1])
    .filter((word) => word !== except)
    .at(-1);
}

interface Derivation {
  description: string;
  context: ExecutionContext;
  /** The calls derived so far (earlier in the trajectory). */
  calls: ExpectedCall[];
  lastIndexOf: (tool: string) => number;
}

/**
 * The expected calls of a validated trajectory: one per step, in order, with the arguments the wording and the state
 * determine; values only an earlier result supplies are `ResultRef`s.
 * @example
 * deriveExpectedCalls('Text Fredrik "hi"', simulation, context); // [{tool:"search_contacts",...}, {tool:"send_message_with_phone_number",...}]
 */
export function deriveExpectedCalls(
  description: string,
  simulation: Simulation,
  context: ExecutionContext,
): ExpectedCall[] {
  const calls: ExpectedCall[] = [];
  const lastIndexOf = (tool: string): number => calls.map((call) => call.tool).lastIndexOf(tool);
  const derivation: Derivation = { description, context, calls, lastIndexOf };
  for (const step of simulation.steps) {
    const call: ExpectedCall = { tool: step.tool, arguments: {} };
    const setter = SWITCH_OF[step.tool];
    if (setter !== undefined && step.settings !== undefined) call.arguments.on = step.settings[setter];
    else deriveArguments(call, derivation);
    calls.push(call);
  }
  return calls;
}

const SWITCH_OF: Readonly<Record<string, "wifi" | "cellular" | "location_service" | "low_battery_mode">> = {
  set_wifi_status: "wifi",
  set_cellular_service_status: "cellular",
  set_location_service_status: "location_service",
  set_low_battery_mode_status: "low_battery_mode",
};

/** The contact (or people, for "all my friends") the task acts on. */
export function targetContacts(description: string, context: ExecutionContext): ContactRow[] {
  return pickContacts(description, context.databases.CONTACT);
}

export function targetReminder(description: string, context: ExecutionContext): ReminderRow | undefined {
  return pickReminder(description, context.databases.REMINDER, context.now);
}

/** Words of the sentence that asks for each kind of call, so a many-part task gives each call its own values. */
const CLAUSE_WORDS: Readonly<Record<string, RegExp>> = {
  add_contact: /\b(?:add|save|new contact)\b/i,
  modify_contact: /\b(?:update|change|edit|set)\b/i,
  remove_contact: /\b(?:delete|remove|get rid)\b/i,
  search_contacts: /\b(?:text|message|send|update|change|delete|remove|number|contact|texts|messages)\b/i,
  send_message_with_phone_number: /\b(?:text|send|message|tell|reply|answer|share)\b/i,
  search_messages: /\b(?:texts|messages|got from|sent me)\b/i,
};

/** The sentence of a many-part task that asks for `tool`; the whole task when no single sentence does. */
function clauseFor(description: string, tool: string): string {
  const words = CLAUSE_WORDS[tool];
  const sentences = description.split(/(?<=[.?!])\s+/);
  if (words === undefined || sentences.length < 2) return description;
  return sentences.find((sentence) => words.test(sentence)) ?? description;
}

const CITY_OR_PLACE =
  /\b(Paris|Tokyo|Seattle|Chicago|London|Berlin|New York|San Francisco|coffee shop|pharmacy|gas station|bakery|restaurant|supermarket)\b/i;
const CLOCK = /\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b/i;

function deriveArguments(call: ExpectedCall, derivation: Derivation): void {
  const { context, lastIndexOf, calls } = derivation;
  const description = clauseFor(derivation.description, call.tool);
  const args = call.arguments;
  // Values the call's own sentence does not give come from the whole task ("Did X text me? Reply "hi" to them.").
  const texts = quoted(description).length > 0 ? quoted(description) : quoted(derivation.description);
  const numbers = phones(description).length > 0 ? phones(description) : phones(derivation.description);
  const named = targetContacts(description, context);
  const contacts = named.length > 0 ? named : targetContacts(derivation.description, context);
  const self = context.databases.CONTACT.find((contact) => contact.is_self);
  const setting = context.databases.SETTING[0];
  switch (call.tool) {
    case "search_contacts": {
      const plural = pluralRelationship(description, context.databases.CONTACT);
      if (plural !== undefined) {
        args.relationship = plural;
        return;
      }
      const messages = lastIndexOf("search_messages");
      // Several people named one after another ("delete A and B"): the k-th search looks up the k-th, in text order.
      const earlier = calls.filter((c) => c.tool === "search_contacts").length;
      const inOrder = [...contacts].sort(
        (a, b) => derivation.description.indexOf(a.name) - derivation.description.indexOf(b.name),
      );
      const contact = contacts.length > 1 && earlier < contacts.length ? inOrder[earlier] : contacts[0];
      if (numbers[0] !== undefined && (contact === undefined || contact.phone_number === numbers[0])) {
        args.phone_number = numbers[0];
      } else if ((contacts.length === 1 || contacts.length > earlier) && contact !== undefined) {
        args.name = contact.name;
        const first = contact.name.split(" ")[0] ?? contact.name;
        call.alternatives = [{ name: first }, { phone_number: contact.phone_number }];
        if (contact.relationship !== null) call.alternatives.push({ relationship: contact.relationship });
      } else if (messages >= 0) {
        args.phone_number = ref(messages, 0, "sender_phone_number");
      }
      return;
    }
    case "add_contact": {
      const name = newContactName(description, context);
      if (name !== undefined) args.name = name;
      if (numbers[0] !== undefined) args.phone_number = numbers[0];
      const relationship = newRelationship(description);
      if (relationship !== undefined) args.relationship = relationship;
      return;
    }
    case "modify_contact":
    case "remove_contact": {
      const search = lastIndexOf("search_contacts");
      if (search >= 0) args.person_id = ref(search, 0, "person_id");
      if (call.tool === "modify_contact") {
        const phone = numbers.find((number) => !context.databases.CONTACT.some((c) => c.phone_number === number));
        if (phone !== undefined) args.phone_number = phone;
        else {
          const relationship = newRelationship(description, contacts[0]?.relationship);
          if (relationship !== undefined) args.relationship = relationship;
        }
      }
      return;
    }
    case "send_message_with_phone_number": {
      const search = lastIndexOf("search_contacts");
      const earlierSends = calls.filter((c) => c.tool === "send_message_with_phone_number").length;
      // "Send "hi" to A and B": the k-th send goes to the k-th number, or to the k-th contact of one plural search.
      const plural = pluralRelationship(derivation.description, context.databases.CONTACT) !== undefined;
      if (numbers[0] !== undefined) args.phone_number = numbers[Math.min(earlierSends, numbers.length - 1)] as string;
      else if (search >= 0) args.phone_number = ref(search, plural ? earlierSends : 0, "phone_number");
      const here = lastIndexOf("get_current_location");
      if (texts[0] !== undefined) args.content = texts[0];
      else if (here >= 0 && setting !== undefined) args.content = `${setting.latitude}, ${setting.longitude}`;
      return;
    }
    case "search_messages": {
      const search = lastIndexOf("search_contacts");
      const contact = contacts.length === 1 ? contacts[0] : undefined;
      if (numbers[0] !== undefined && (contact === undefined || search < 0)) args.sender_phone_number = numbers[0];
      else if (search >= 0 && contact !== undefined) {
        args.sender_person_id = ref(search, 0, "person_id");
        call.alternatives = [{ sender_phone_number: contact.phone_number }];
      } else if (texts[0] !== undefined) {
        args.content = texts[0];
        return;
      }
      if (self !== undefined && Object.keys(args).length > 0) args.recipient_phone_number = self.phone_number;
      return;
    }
    case "search_reminder": {
      const reminder = targetReminder(derivation.description, context);
      const now = lastIndexOf("get_current_timestamp");
      const named = texts.filter((text) => context.databases.REMINDER.some((r) => r.content === text));
      const earlier = calls.filter((c) => c.tool === "search_reminder").length;
      if (named.length > 1 && named[earlier] !== undefined) args.content = named[earlier];
      else if (reminder !== undefined && texts.some((text) => text === reminder.content))
        args.content = reminder.content;
      else if (now >= 0 && reminderByTime(derivation.description, context.databases.REMINDER, context.now) !== null) {
        args.reminder_timestamp_lowerbound = ref(now);
      }
      return;
    }
    case "add_reminder": {
      const title =
        texts[0] ??
        /\bto ([a-z][^.?!,"]*?)(?:\s+(?:in|at|tomorrow|next|on|\d+)\b[^.?!]*)?[.?!]?$/i.exec(description)?.[1];
      if (title !== undefined) args.content = title;
      const shift = lastIndexOf("shift_timestamp");
      const absolute = lastIndexOf("datetime_info_to_timestamp");
      if (Math.max(shift, absolute) >= 0) args.reminder_timestamp = ref(Math.max(shift, absolute));
      return;
    }
    case "modify_reminder":
    case "remove_reminder": {
      const search = lastIndexOf("search_reminder");
      if (search >= 0) args.reminder_id = ref(search, 0, "reminder_id");
      if (call.tool === "modify_reminder") {
        const shift = lastIndexOf("shift_timestamp");
        if (shift >= 0) args.reminder_timestamp = ref(shift);
        else if (texts[1] !== undefined) args.content = texts[1];
      }
      return;
    }
    case "shift_timestamp": {
      const source = Math.max(lastIndexOf("get_current_timestamp"), lastIndexOf("datetime_info_to_timestamp"));
      const reminder = lastIndexOf("search_reminder");
      if (reminder > source || (reminder >= 0 && source < 0)) args.timestamp = ref(reminder, 0, "reminder_timestamp");
      else if (source >= 0) args.timestamp = ref(source);
      Object.assign(args, relativeShift(description));
      return;
    }
    case "timestamp_to_datetime_info": {
      const source = Math.max(
        lastIndexOf("shift_timestamp"),
        lastIndexOf("get_current_timestamp"),
        lastIndexOf("datetime_info_to_timestamp"),
      );
      if (source >= 0) args.timestamp = ref(source);
      return;
    }
    case "datetime_info_to_timestamp": {
      const info = lastIndexOf("timestamp_to_datetime_info");
      const clock = CLOCK.exec(description);
      if (info >= 0 && clock !== null) {
        const hour = (Number(clock[1]) % 12) + ((clock[3] ?? "").toLowerCase() === "pm" ? 12 : 0);
        Object.assign(args, {
          year: ref(info, "year"),
          month: ref(info, "month"),
          day: ref(info, "day"),
          hour,
          minute: Number(clock[2] ?? 0),
          second: 0,
        });
        return;
      }
      const earlier = calls.filter((c) => c.tool === "datetime_info_to_timestamp").length;
      Object.assign(args, calendarDates(derivation.description)[earlier]);
      return;
    }
    case "timestamp_diff": {
      const now = lastIndexOf("get_current_timestamp");
      const reminder = lastIndexOf("search_reminder");
      const target = Math.max(lastIndexOf("datetime_info_to_timestamp"), lastIndexOf("search_holiday"));
      const dates = calls.flatMap((c, i) => (c.tool === "datetime_info_to_timestamp" ? [i] : []));
      if (now >= 0) args.timestamp_0 = ref(now);
      else if (dates.length >= 2) args.timestamp_0 = ref(dates[0] as number);
      if (target >= 0) args.timestamp_1 = ref(target);
      else if (reminder >= 0) args.timestamp_1 = ref(reminder, 0, "reminder_timestamp");
      return;
    }
    case "unit_conversion": {
      const pair = unitPair(description);
      if (pair === undefined) return;
      [args.amount, args.from_unit, args.to_unit] = pair;
      call.tolerance = { amount: 0.01 };
      return;
    }
    case "convert_currency": {
      const stock = lastIndexOf("search_stock");
      if (stock >= 0) {
        const to = currencyTarget(description);
        args.amount = ref(stock, "price");
        args.from_currency_code = "USD";
        if (to !== undefined) args.to_currency_code = to;
        return;
      }
      const pair = currencyPair(description);
      if (pair === undefined) return;
      [args.amount, args.from_currency_code, args.to_currency_code] = pair;
      call.tolerance = { amount: 0.01 };
      return;
    }
    case "calculate_lat_lon_distance": {
      const pairs = coordinates(description);
      const here = lastIndexOf("get_current_location");
      const place = lastIndexOf("search_location_around_lat_lon");
      const [a, b] = pairs;
      if (a !== undefined && b !== undefined) {
        Object.assign(args, { latitude_0: a[0], longitude_0: a[1], latitude_1: b[0], longitude_1: b[1] });
        call.tolerance = { latitude_0: 1e-4, longitude_0: 1e-4, latitude_1: 1e-4, longitude_1: 1e-4 };
      } else if (here >= 0 && place >= 0) {
        Object.assign(args, {
          latitude_0: ref(here, "latitude"),
          longitude_0: ref(here, "longitude"),
          latitude_1: ref(place, 0, "latitude"),
          longitude_1: ref(place, 0, "longitude"),
        });
      }
      return;
    }
    case "search_lat_lon": {
      const [pair] = coordinates(description);
      const here = lastIndexOf("get_current_location");
      if (pair !== undefined) {
        [args.latitude, args.longitude] = pair;
        call.tolerance = { latitude: 1e-4, longitude: 1e-4 };
      } else if (here >= 0) {
        args.latitude = ref(here, "latitude");
        args.longitude = ref(here, "longitude");
      }
      return;
    }
    case "search_location_around_lat_lon": {
      const place = CITY_OR_PLACE.exec(description)?.[1];
      if (place !== undefined) args.location = place;
      return;
    }
    case "search_stock": {
      const companies = [
        ...derivation.description.matchAll(
          /\b(Apple|Microsoft|Nvidia|Tesla|Amazon|Alphabet|Google|Meta|Netflix|Intel)\b/g,
        ),
      ].map((match) => match[1]);
      const company = companies[calls.filter((c) => c.tool === "search_stock").length] ?? companies[0];
      if (company !== undefined) args.query = company;
      return;
    }
    case "search_holiday": {
      const holiday =
        /\b(Thanksgiving|Independence Day|Labor Day|Memorial Day|Christmas(?: Day)?|New Year's Day|Halloween)\b/i.exec(
          description,
        );
      if (holiday?.[1] !== undefined) args.holiday_name = holiday[1];
      const year = /\b(20\d\d)\b/.exec(description);
      if (year?.[1] !== undefined) args.year = Number(year[1]);
      return;
    }
    case "search_weather_around_lat_lon": {
      const [pair] = coordinates(description);
      const place = lastIndexOf("search_location_around_lat_lon");
      if (/\btomorrow\b/i.test(description)) args.days = 1;
      if (pair !== undefined) {
        [args.latitude, args.longitude] = pair;
        call.tolerance = { latitude: 1e-4, longitude: 1e-4 };
      } else if (place >= 0) {
        args.latitude = ref(place, 0, "latitude");
        args.longitude = ref(place, 0, "longitude");
      }
      return;
    }
    default:
      return;
  }
}
