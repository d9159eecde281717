import type { WithheldDetailKind } from "./scenario.ts";

// Details of lookup and settings requests a user can hold back until the agent asks (NOTES.md §c): which city or
// coordinates, which company, which date or holiday, how much of a unit or currency, which setting, how far ahead.
// The detail is replaced by words that make plain something is missing ("the city I'm headed to"), because dropping
// it would leave a different but complete request ("What's the weather like tomorrow?" means here).

/** A detail of the task text the user can hold back, and the request that is left without it. */
export interface WithholdableDetail {
  kind: WithheldDetailKind;
  /** The words as they appear in the task text. */
  text: string;
  /** The task text without the detail: the user's first message. */
  request: string;
}

const QUOTED = /"([^"]+)"/g;
const MONTH = "(?:January|February|March|April|May|June|July|August|September|October|November|December)";
const DATE = new RegExp(`\\b(?:${MONTH} \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}|\\d{1,2} ${MONTH},? \\d{4})\\b`, "g");
const HOLIDAY =
  /\b(?:Thanksgiving(?: Day)?|Christmas(?: Day| Eve)?|Independence Day|Labor Day|Memorial Day|New Year's (?:Day|Eve)|Halloween|Easter|Veterans Day|Juneteenth)\b/g;
const NUMBER = "-?\\d{1,3}\\.\\d+";
// A coordinate pair, bare or labelled, with the words that introduce it ("the coordinates", "the point").
const COORDINATE_PAIR = new RegExp(
  `(?:\\bthe (?:coordinates|points?|location) )?\\(?(?:lat{1,2}itude:?\\s*)?${NUMBER}\\s*,\\s*(?:longitude:?\\s*)?${NUMBER}\\)?`,
  "gi",
);
const UNIT_WORDS =
  "(?:miles?|kilometers?|kilometres?|km|pounds|kilograms?|kg|lbs?|feet|foot|meters?|metres?|gallons?|liters?|litres?|inches|inch|centimeters?|centimetres?|ounces?|grams?|yards?|(?:degrees )?(?:fahrenheit|celsius))";
const CURRENCY_WORDS =
  "(?:[A-Z]{3}|(?:US |Canadian |Australian |Hong Kong )?dollars|euros?|(?:British )?pounds|yen|(?:Swiss )?francs|yuan|rupees|pesos)";
const AMOUNT = new RegExp(`(?<![$€£¥\\w.])(\\d[\\d,]*(?:\\.\\d+)?) (${UNIT_WORDS}|${CURRENCY_WORDS})\\b`, "g");
const SWITCH_LABEL =
  /\b(?:my |the )?(?:wi-?fi|cellular(?: service)?|mobile data|cell service|location services?|low (?:battery|power) mode)\b/gi;
const AHEAD =
  /\b(?:in (\d+) (minutes|hours|days|weeks|months)|(\d+) (minutes|hours|days|weeks|months) (?:from now|from today|later|ahead))\b/i;
/** Capitalised words that are never a company: months, weekdays, currency adjectives, the pronoun. */
const NOT_COMPANY = new RegExp(
  `^(?:${MONTH}|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|US|Swiss|British|Canadian|Australian|Hong|Kong|I|Convert|Compare|Get|What|How|Which)$`,
);

const SETTING_TOOLS = /^(?:get|set)_(?:wifi|cellular_service|location_service|low_battery_mode)_status$/;

/**
 * The lookup details of a task the user could hold back, given the tools it calls. Each kind is offered only when
 * the text names exactly one such detail, so the agent can tell which value it lacks.
 * @example
 * findLookupDetails("What's the weather like in Paris tomorrow?", ["search_location_around_lat_lon", "search_weather_around_lat_lon"], []);
 * // [{ kind: "place", text: "Paris", request: "What's the weather like in the city I'm headed to tomorrow?" }]
 */
export function findLookupDetails(
  description: string,
  tools: readonly string[],
  contactNames: readonly string[],
): WithholdableDetail[] {
  const has = (tool: string): boolean => tools.includes(tool);
  const candidates = [
    has("search_location_around_lat_lon") ? withholdCity(description, contactNames) : null,
    has("search_location_around_lat_lon") ? withholdKindOfPlace(description) : null,
    ["search_lat_lon", "search_weather_around_lat_lon", "search_location_around_lat_lon"].some(has) &&
    !has("calculate_lat_lon_distance")
      ? withholdCoordinates(description)
      : null,
    tools.filter((tool) => tool === "search_stock").length === 1 ? withholdCompany(description, contactNames) : null,
    has("datetime_info_to_timestamp") ? withholdSpan(description, DATE, "date", "a date I have in mind") : null,
    has("search_holiday") ? withholdSpan(description, HOLIDAY, "date", "a holiday I'm thinking of") : null,
    has("unit_conversion") || has("convert_currency") ? withholdAmount(description) : null,
    tools.some((tool) => SETTING_TOOLS.test(tool)) ? withholdSetting(description) : null,
    has("shift_timestamp") && !has("add_reminder") && !has("modify_reminder") ? withholdAhead(description) : null,
  ];
  return candidates.filter((detail): detail is WithholdableDetail => detail !== null);
}

/** The task text with quoted spans blanked out, so details are never found inside a message or a reminder title. */
export function maskQuotes(description: string): string {
  return description.replace(QUOTED, (quoted) => " ".repeat(quoted.length));
}

/** Joins the pieces left after removing a detail and tidies the spaces and punctuation around the gap. */
export function tidy(text: string): string {
  return text
    .replace(/\s*\(\s*\)/g, "")
    .replace(/^[\s,;:]+/, "")
    .replace(/\s+([.,;!?])/g, "$1")
    .replace(/[:;,]\s*(?=[.!?])/g, "")
    .replace(/([.,;!?])(?=[.,;!?])/g, "")
    .replace(/\s{2,}/g, " ")
    .trim()
    .replace(/^[a-z]/, (letter) => letter.toUpperCase());
}

/** Sentence starts upper-cased again after a replacement. */
function sentenceCase(text: string): string {
  return text.replace(/(^|[.!?]\s+)([a-z])/g, (_all, start: string, letter: string) => start + letter.toUpperCase());
}

function replaced(
  description: string,
  at: number,
  length: number,
  replacement: string,
): { text: string; request: string } {
  const text = description.slice(at, at + length);
  const request = tidy(sentenceCase(`${description.slice(0, at)}${replacement}${description.slice(at + length)}`));
  return { text, request };
}

/** The only match of `pattern` outside quotes, or null when there is none or more than one. */
function onlyMatch(description: string, pattern: RegExp): RegExpMatchArray | null {
  const matches = [...maskQuotes(description).matchAll(pattern)];
  return matches.length === 1 ? (matches[0] as RegExpMatchArray) : null;
}

function withholdSpan(
  description: string,
  pattern: RegExp,
  kind: WithheldDetailKind,
  replacement: string,
): WithholdableDetail | null {
  const match = onlyMatch(description, pattern);
  if (match?.index === undefined) return null;
  return { kind, ...replaced(description, match.index, match[0].length, replacement) };
}

function withholdCity(description: string, contactNames: readonly string[]): WithholdableDetail | null {
  const match = onlyMatch(description, /\b(?:in|for|to|of) ((?:[A-Z][a-z]+)(?: [A-Z][a-z]+)?)\b/g);
  const city = match?.[1];
  if (match?.index === undefined || city === undefined) return null;
  if (NOT_COMPANY.test(city) || isContactWord(city, contactNames)) return null;
  const at = match.index + match[0].length - city.length;
  return { kind: "place", ...replaced(description, at, city.length, "the city I'm headed to") };
}

/** "a coffee shop near me" → "a place near me": the agent has to ask what to look for. */
function withholdKindOfPlace(description: string): WithholdableDetail | null {
  const match = onlyMatch(
    description,
    /\b(an?|the nearest|the closest) ((?:[a-z]+ )?[a-z]+)(?= near me| close by| nearby| around here|\?)/g,
  );
  const [all, lead, place] = match ?? [];
  if (match?.index === undefined || all === undefined || lead === undefined || place === undefined) return null;
  const article = lead === "a" || lead === "an" ? "a" : lead;
  const detail = replaced(description, match.index, all.length, `${article} place`);
  return { kind: "place", text: place, request: detail.request };
}

function withholdCoordinates(description: string): WithholdableDetail | null {
  const match = onlyMatch(description, COORDINATE_PAIR);
  if (match?.index === undefined) return null;
  const detail = replaced(description, match.index, match[0].length, "a spot I have the coordinates of");
  // The detail the user gives is the pair itself, without the words that introduced it.
  const pair = detail.text.replace(/^the (?:coordinates|points?|location) /i, "").replace(/^\(|\)$/g, "");
  return { kind: "place", text: pair, request: detail.request };
}

function withholdCompany(description: string, contactNames: readonly string[]): WithholdableDetail | null {
  const masked = maskQuotes(description);
  // Capitalised words that do not start a sentence: in a stock request, the company.
  const names = [...masked.matchAll(/(?<=[a-z,] )[A-Z][a-zA-Z]+(?: [A-Z][a-zA-Z]+)*/g)].filter(
    (m) =>
      !m[0].split(" ").some((word) => NOT_COMPANY.test(word) || /^[A-Z]{2,4}$/.test(word)) &&
      !isContactWord(m[0], contactNames),
  );
  const name = names[0];
  if (names.length !== 1 || name?.index === undefined) return null;
  const word = name[0];
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // "an Apple share" → "a share of the stock I'm watching"; "Apple stock" → "the stock I'm watching".
  const share = new RegExp(`\\b(?:an?|one) ${escaped} share\\b`).exec(description);
  if (share !== null) {
    const article = share[0].startsWith("one") ? "one" : "a";
    return {
      kind: "company",
      text: word,
      request: replaced(description, share.index, share[0].length, `${article} share of the stock I'm watching`)
        .request,
    };
  }
  const stock = new RegExp(`\\b${escaped}(?:'s)? (?:stock|shares)\\b`).exec(description);
  if (stock !== null) {
    return {
      kind: "company",
      text: word,
      request: replaced(description, stock.index, stock[0].length, "the stock I'm watching").request,
    };
  }
  return { kind: "company", ...replaced(description, name.index, word.length, "the company I'm watching") };
}

function withholdAmount(description: string): WithholdableDetail | null {
  const match = onlyMatch(description, AMOUNT);
  const amount = match?.[1];
  if (match?.index === undefined || amount === undefined) return null;
  // A symbol amount ($250) has no words left to ask about once the number goes.
  return { kind: "amount", ...replaced(description, match.index, amount.length, "a certain number of") };
}

function withholdSetting(description: string): WithholdableDetail | null {
  const match = onlyMatch(description, SWITCH_LABEL);
  if (match?.index === undefined) return null;
  const detail = replaced(description, match.index, match[0].length, "a setting");
  return { kind: "setting", text: detail.text.replace(/^(?:my|the) /i, ""), request: detail.request };
}

function withholdAhead(description: string): WithholdableDetail | null {
  const match = AHEAD.exec(maskQuotes(description));
  if (match === null) return null;
  const count = match[1] ?? match[3];
  if (count === undefined) return null;
  const at = match.index + match[0].indexOf(count);
  const detail = replaced(description, at, count.length, "a number of");
  const unit = match[2] ?? match[4] ?? "";
  return { kind: "relative_time", text: `${count} ${unit}`, request: detail.request };
}

function isContactWord(text: string, contactNames: readonly string[]): boolean {
  const words = new Set(contactNames.flatMap((name) => name.split(/\s+/)));
  return text.split(" ").some((word) => words.has(word));
}
