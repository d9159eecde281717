import type { RefinementCtx } from "zod";
import type { Randomizer } from "../random.ts";
import type { ExecutionContext } from "./execution-context.ts";
import { findLookupDetails, maskQuotes, tidy, type WithholdableDetail } from "./lookup-details.ts";
import type { Scenario, WithheldDetailKind } from "./scenario.ts";
import type { GeneratedTask } from "./task-schema.ts";
import { referencedContacts } from "./task-text.ts";

// MULTIPLE_USER_TURN scenarios (NOTES.md §c, §e): the user's first message leaves out a detail a tool call needs, the
// agent has to ask, and the simulated user supplies it later. Built from a validated standard scenario, so any
// provider's task can become one; the milestones stay those of the standard scenario (the task still gets done).

export type { WithholdableDetail } from "./lookup-details.ts";

/** How the simulated user's instruction names each kind of detail. */
const DETAIL_LABELS: Readonly<Record<WithheldDetailKind, string>> = {
  message_text: "what the message should say",
  contact: "who it is for",
  phone_number: "the phone number",
  relative_time: "when",
  reminder_title: "what the reminder is for",
  place: "which place",
  company: "which company",
  date: "which date",
  amount: "how much",
  setting: "which setting",
};

const QUOTED = /"([^"]+)"/g;
const MESSAGE_LEAD = /\s*,?\s*(?:saying|that says|that reads|with the message|with the text|:)?\s*$/i;
const TITLE_LEAD = /\s*,?\s*(?:to|saying|that says|called|titled|about|:)?\s*$/i;
const UNQUOTED_TITLE = /\b((?:remind me|(?:set|add|create) (?:me )?a reminder)\b[^.!?"]*?)\s+(?:to|about) ([^.!?"]+)/i;
const PHONE = /\+\d[\d\s().-]{5,}\d/g;
const PHONE_AS_SENDER = /\b(?:did|has|from)\s*$/i;
const SENDER_VERB = /^\s*(?:texted|sent|send|text|messaged)\b/i;
const PHONE_LEAD = /\s*,?\s*(?:with the number|with number|to the number|to|at|with)?\s*$/i;
const UNIT = "(?:minutes?|hours?|days?|weeks?|months?)";
const DAY = "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|month)";
const CLOCK = "(?: at \\d{1,2}(?::\\d{2})?\\s*(?:am|pm)?)?";
const RELATIVE_TIME = new RegExp(
  [
    `\\bin (?:an? |\\d+ )${UNIT}`,
    `\\bby \\d+ ${UNIT}`,
    `\\b\\d+ ${UNIT} (?:from now|later)`,
    `\\b(?:tomorrow|tonight|today|next ${DAY})(?: (?:morning|afternoon|evening|night))?${CLOCK}`,
  ].join("|"),
  "i",
);
const REMINDER_WRITES = new Set(["add_reminder", "modify_reminder"]);
/** Tools that take a phone number the task text can give literally. */
const PHONE_TAKERS = new Set([
  "add_contact",
  "modify_contact",
  "send_message_with_phone_number",
  "search_messages",
  "search_contacts",
]);
/** Tools that look a reminder up by its quoted title. */
const REMINDER_LOOKUPS = new Set(["search_reminder", "modify_reminder", "remove_reminder"]);

/**
 * Every detail of the task text that a tool call of the trajectory needs and that the user can withhold: the quoted
 * text of a message, the contact a search looks up, a phone number a call takes, a relative time phrase or the title of a new reminder. A detail
 * qualifies only when the request left without it no longer contains or implies it.
 * @example
 * findWithholdableDetails(task, context); // [{ kind: "contact", text: "Jamal Smith", request: 'Send a text saying "Hi".' }, ...]
 */
export function findWithholdableDetails(task: GeneratedTask, context: ExecutionContext): WithholdableDetail[] {
  const description = task.description;
  const tools = new Set(task.required_tools);
  const candidates = [
    tools.has("send_message_with_phone_number") || tools.has("search_messages")
      ? withholdQuote(description, "message_text", MESSAGE_LEAD)
      : null,
    task.required_tools.some((tool) => REMINDER_LOOKUPS.has(tool)) && !tools.has("send_message_with_phone_number")
      ? withholdQuote(description, "reminder_title", TITLE_LEAD)
      : null,
    tools.has("modify_reminder") && !tools.has("send_message_with_phone_number") ? withholdNewTitle(description) : null,
    tools.has("search_contacts") ? withholdContact(description, context) : null,
    task.required_tools.some((tool) => PHONE_TAKERS.has(tool)) ? withholdPhone(description) : null,
    task.required_tools.some((tool) => REMINDER_WRITES.has(tool)) ? withholdRelativeTime(description) : null,
    tools.has("add_reminder") && !tools.has("send_message_with_phone_number") ? withholdTitle(description) : null,
    ...findLookupDetails(
      description,
      task.required_tools,
      context.databases.CONTACT.map((contact) => contact.name),
    ),
  ];
  return candidates.filter(
    (detail): detail is WithholdableDetail =>
      detail !== null &&
      detail.request !== "" &&
      detail.request !== description &&
      !detail.request.toLowerCase().includes(detail.text.toLowerCase()),
  );
}

/**
 * Turns a validated standard scenario into a multiple-user-turn one, or returns null when the task has no detail to
 * withhold (e.g. a settings or unit-conversion task). The detail is a seeded pick among the candidates.
 * @example
 * const scenario = toMultipleUserTurnScenario(task, standard, context, createRandomizer(42, "multiple-user-turn", 3));
 */
export function toMultipleUserTurnScenario(
  task: GeneratedTask,
  standard: Scenario,
  context: ExecutionContext,
  rng: Randomizer,
): Scenario | null {
  const candidates = findWithholdableDetails(task, context);
  if (candidates.length === 0) return null;
  return withholdDetail(standard, rng.pick(candidates));
}

/** The scenario whose first user message lacks `detail`; the goal keeps the full task and says when to give it. */
export function withholdDetail(standard: Scenario, detail: WithholdableDetail): Scenario {
  const note =
    `In your first message leave out ${DETAIL_LABELS[detail.kind]} ("${detail.text}"), e.g. say: ` +
    `"${detail.request}". Give "${detail.text}" only when the assistant asks for it.`;
  const messages = standard.messages.map((message) => {
    if (message.sender === "SYSTEM" && message.recipient === "USER") {
      return { ...message, content: `${message.content}\n${note}` };
    }
    if (message.sender === "USER" && message.recipient === "AGENT") return { ...message, content: detail.request };
    return message;
  });
  const { kind: _kind, denied_tool: _denied, withheld_detail: _withheld, ...rest } = standard;
  return {
    ...rest,
    name: `${standard.name}_multiple_user_turn`,
    kind: "multiple_user_turn",
    withheld_detail: { kind: detail.kind, text: detail.text },
    categories: standard.categories.map((category) =>
      category === "SINGLE_USER_TURN" ? "MULTIPLE_USER_TURN" : category,
    ),
    messages,
  };
}

/** A multiple-user-turn scenario must open without its withheld detail while the simulated user's goal has it. */
export function checkWithheldDetail(
  scenario: Pick<Scenario, "withheld_detail" | "messages" | "categories">,
  context: RefinementCtx,
): void {
  const detail = scenario.withheld_detail;
  if (detail === undefined) {
    context.addIssue({ code: "custom", path: ["withheld_detail"], message: "is required for multiple_user_turn" });
    return;
  }
  const wanted = detail.text.toLowerCase();
  const goal = scenario.messages.find((message) => message.sender === "SYSTEM" && message.recipient === "USER");
  const first = scenario.messages.find((message) => message.sender === "USER" && message.recipient === "AGENT");
  if (goal === undefined || !goal.content.toLowerCase().includes(wanted)) {
    context.addIssue({ code: "custom", path: ["messages"], message: "the user goal must contain the withheld detail" });
  }
  if (first === undefined || first.content.toLowerCase().includes(wanted)) {
    context.addIssue({
      code: "custom",
      path: ["messages"],
      message: "the first user message must leave out the withheld detail",
    });
  }
  if (!scenario.categories.includes("MULTIPLE_USER_TURN") || scenario.categories.includes("SINGLE_USER_TURN")) {
    context.addIssue({
      code: "custom",
      path: ["categories"],
      message: "must include MULTIPLE_USER_TURN instead of SINGLE_USER_TURN",
    });
  }
}

function withholdQuote(description: string, kind: WithheldDetailKind, lead: RegExp): WithholdableDetail | null {
  const quotes = [...description.matchAll(QUOTED)];
  const quote = quotes[0];
  // With two quotes (e.g. a reminder renamed in a message task) which one the call needs is ambiguous.
  if (quotes.length !== 1 || quote === undefined || quote.index === undefined) return null;
  const before = description.slice(0, quote.index).replace(lead, "");
  const after = description.slice(quote.index + quote[0].length);
  return { kind, text: quote[1] as string, request: tidy(`${before}${standIn(kind, before, after)}${after}`) };
}

/**
 * Words for a removed quote where the sentence needs an object ("shoot a quick … over", "before … is due",
 * "Delay … by 2 hours"); nothing where it reads whole without one ("Text Fredrik", "Cancel the reminder").
 */
function standIn(kind: WithheldDetailKind, before: string, after: string): string {
  if (/^\s*reminder\b/i.test(after)) return "";
  if (kind === "message_text" && /\bquick\s*$/i.test(before)) return " message ";
  const needsObject =
    /\b(?:a|an|the|before|of|for)\s*$/i.test(before) ||
    /^\s*(?:is|was)\b/i.test(after) ||
    (kind === "reminder_title" && /^\s*[A-Z][a-z]+\s*$/.test(before));
  if (!needsObject) return "";
  return kind === "reminder_title" ? " a reminder " : " something ";
}

/** A rename ('Change "A" so it says "B"'): the new title is held back, the reminder to change is still named. */
function withholdNewTitle(description: string): WithholdableDetail | null {
  const quotes = [...description.matchAll(QUOTED)];
  const last = quotes[1];
  if (quotes.length !== 2 || last?.index === undefined) return null;
  const before = description.slice(0, last.index);
  const after = description.slice(last.index + last[0].length);
  return { kind: "reminder_title", text: last[1] as string, request: tidy(`${before}something else${after}`) };
}

function withholdContact(description: string, context: ExecutionContext): WithholdableDetail | null {
  const contacts = referencedContacts(description, context.databases.CONTACT);
  const contact = contacts[0];
  if (contacts.length !== 1 || contact === undefined) return null;
  const masked = maskQuotes(description);
  const names = [contact.name, ...contact.name.split(/\s+/).filter((part) => part.length >= 3)];
  const name = names.find((candidate) => wordPattern(candidate).test(masked));
  if (name === undefined) return null;
  const word = wordPattern(name).source;
  let request = description;
  const sendText = (suffix: string) => (verb: string) => `${/^[A-Z]/.test(verb) ? "S" : "s"}end a text${suffix}`;
  request = request.replace(new RegExp(`\\b(?:text|message) ${word}(?=\\s*")`, "gi"), sendText(" saying"));
  request = request.replace(new RegExp(`\\b(?:text|message) ${word}`, "gi"), sendText(""));
  request = request.replace(new RegExp(`${word}['’]s\\b`, "gi"), "a contact's");
  request = request.replace(new RegExp(word, "gi"), "someone");
  request = tidy(
    request.replace(/(^|[.!?]\s+)([a-z])/g, (_all, start: string, letter: string) => start + letter.toUpperCase()),
  );
  // A relationship, number or other name part left in the request would still give the contact away.
  if (referencedContacts(request, context.databases.CONTACT).length > 0) return null;
  return { kind: "contact", text: name, request };
}

function wordPattern(text: string): RegExp {
  return new RegExp(`\\b${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "i");
}

function withholdPhone(description: string): WithholdableDetail | null {
  const phones = [...maskQuotes(description).matchAll(PHONE)];
  const phone = phones[0];
  // Two numbers (e.g. one to add, one to search) leave it unclear which one a call needs.
  if (phones.length !== 1 || phone === undefined) return null;
  const rawBefore = description.slice(0, phone.index);
  const after = description.slice(phone.index + phone[0].length);
  // The number as the one who texted ("Did +1… text me?", "What did +1… send me?") becomes "someone", since
  // dropping it would leave no subject.
  if (PHONE_AS_SENDER.test(rawBefore) || SENDER_VERB.test(after)) {
    return { kind: "phone_number", text: phone[0], request: tidy(`${rawBefore}someone${after}`) };
  }
  // "Whose number is +1…?", "Who does +1… belong to?" and "it's +1… now" need words in its place too.
  const stand = /\b(?:is|does)\s*$/i.test(rawBefore)
    ? "this number"
    : /\bit['’]s\s*$/i.test(rawBefore)
      ? "a new one"
      : "";
  if (stand !== "") return { kind: "phone_number", text: phone[0], request: tidy(`${rawBefore}${stand}${after}`) };
  const before = rawBefore.replace(PHONE_LEAD, "");
  return { kind: "phone_number", text: phone[0], request: tidy(`${before}${after}`) };
}

function withholdRelativeTime(description: string): WithholdableDetail | null {
  const match = RELATIVE_TIME.exec(maskQuotes(description));
  if (match === null) return null;
  const text = description.slice(match.index, match.index + match[0].length);
  const request = tidy(`${description.slice(0, match.index)}${description.slice(match.index + text.length)}`);
  return { kind: "relative_time", text, request };
}

function withholdTitle(description: string): WithholdableDetail | null {
  const quoted = withholdQuote(description, "reminder_title", TITLE_LEAD);
  if (quoted !== null) return quoted;
  if (description.includes('"')) return null;
  const match = UNQUOTED_TITLE.exec(description);
  if (match === null) return null;
  const text = (match[2] as string).trim();
  const request = tidy(description.replace(match[0], match[1] as string));
  return { kind: "reminder_title", text, request };
}
