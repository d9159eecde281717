import type { Randomizer } from "../../random.ts";
import type { TaskCategory } from "../vocabulary.ts";
import {
  ANALYSIS_DATASETS,
  ANALYSIS_EXTENSIONS,
  ANALYSIS_METRICS,
  ANALYSIS_PERIODS,
  ANALYSIS_QUALIFIERS,
  ANALYSIS_VERBS,
  DEVELOPMENT_APIS,
  DEVELOPMENT_COMPONENTS,
  DEVELOPMENT_SYSTEMS,
  DEVELOPMENT_VERBS,
  PHRASE_BREAKS,
  PLANNING_AUDIENCES,
  PLANNING_DEADLINES,
  PLANNING_SUBJECTS,
  PLANNING_VERBS,
  RESEARCH_DOMAINS,
  RESEARCH_QUALIFIERS,
  RESEARCH_SUBJECTS,
  RESEARCH_VERBS,
  STOPWORDS,
} from "./words.ts";

/**
 * What a task is about, read from its description: everything the content layer writes (queries, file names, LLM
 * prompts, the final answer) is derived from it, so a trajectory's text stays on its task. It is parsed from the
 * text alone, so a configured task template, a composed one and a trajectory read back all give the same topic.
 */
export interface TaskTopic {
  /** The task description. */
  readonly text: string;
  /** The thing the task is about, e.g. "churn rate" or "retry queue". */
  readonly subject: string;
  /** Where or for whom, e.g. "renewable energy" or "checkout service"; empty when the task says nothing. */
  readonly context: string;
  /** Content words of the description, lower case, in order, without repeats. */
  readonly keywords: readonly string[];
  /** A file the task names (`orders_q3.csv`), or null. */
  readonly file: string | null;
  /** An API the task names (`Stripe Payments API`), or null. */
  readonly api: string | null;
  /** `subject` as an identifier (`churn_rate`), for file names and keys. */
  readonly slug: string;
  /**
   * What kind of work the task asks for, from its opening verb and whether it names an API: `build` software,
   * `schedule` a plan, or `measure` something (research and analysis). Findings are stated accordingly.
   */
  readonly kind: TaskKind;
}

export type TaskKind = "measure" | "build" | "schedule";

const BUILD_VERBS: ReadonlySet<string> = new Set(DEVELOPMENT_VERBS.map((verb) => verb.toLowerCase()));
const SCHEDULE_VERBS: ReadonlySet<string> = new Set(PLANNING_VERBS.map((verb) => verb.toLowerCase()));

const FILE_PATTERN = /^[\w-]+\.(?:csv|xlsx|parquet|json|jsonl|pdf|docx|md|txt|log|sql|yaml|xml)$/i;
const API_PATTERN = /\b((?:[A-Z][\w.]*\s)+API)\b/;
const ARTICLES: ReadonlySet<string> = new Set(["a", "an", "the"]);
const OPENING_VERBS: ReadonlySet<string> = new Set(
  [...RESEARCH_VERBS, ...ANALYSIS_VERBS, ...DEVELOPMENT_VERBS, ...PLANNING_VERBS]
    .flatMap((verb) => verb.toLowerCase().split(" "))
    .concat(["analyse", "determine", "find", "write", "draft", "prepare", "update", "migrate", "optimize"]),
);

/**
 * A task description composed from parts of the category's vocabulary: a verb, a subject, and the context and
 * qualifiers the category has (a file for analysis, a system and API for development, an audience and deadline for
 * planning), so descriptions are varied and name things that tool calls can then work on.
 * @example
 * composeTask(rng, "analysis"); // "Evaluate churn rate in orders_q3.csv by region"
 */
export function composeTask(rng: Randomizer, category: TaskCategory): string {
  switch (category) {
    case "research":
      return `${rng.pick(RESEARCH_VERBS)} ${rng.pick(RESEARCH_SUBJECTS)} in ${rng.pick(RESEARCH_DOMAINS)}${rng.pick(RESEARCH_QUALIFIERS)}`;
    case "analysis": {
      const file = `${rng.pick(ANALYSIS_DATASETS)}_${rng.pick(ANALYSIS_PERIODS)}.${rng.pick(ANALYSIS_EXTENSIONS)}`;
      return `${rng.pick(ANALYSIS_VERBS)} ${rng.pick(ANALYSIS_METRICS)} in ${file}${rng.pick(ANALYSIS_QUALIFIERS)}`;
    }
    case "development":
      return `${rng.pick(DEVELOPMENT_VERBS)} ${rng.pick(DEVELOPMENT_COMPONENTS)} for the ${rng.pick(DEVELOPMENT_SYSTEMS)} using the ${rng.pick(DEVELOPMENT_APIS)}`;
    case "planning":
      return `${rng.pick(PLANNING_VERBS)} ${rng.pick(PLANNING_SUBJECTS)} for ${rng.pick(PLANNING_AUDIENCES)}${rng.pick(PLANNING_DEADLINES)}`;
  }
}

/**
 * Reads a task description: the subject is the phrase after the opening verb up to the first preposition, the
 * context the next phrase that is not only a file or API, and the file and API are the names the text contains.
 * @example
 * taskTopic("Evaluate churn rate in orders_q3.csv by region");
 * // { subject: "churn rate", context: "region", file: "orders_q3.csv", api: null, slug: "churn_rate", ... }
 */
export function taskTopic(text: string): TaskTopic {
  // Without "API" in it the pattern cannot match: most tasks skip the regex.
  const api = text.includes("API") ? (API_PATTERN.exec(text)?.[1] ?? null) : null;
  const apiWords = api === null ? null : new Set(api.toLowerCase().split(" "));
  const words = splitOnSpace(text);
  let file: string | null = null;
  const phrases: string[][] = [[]];
  const keywords: string[] = [];
  let start = 0;
  while (start < Math.min(2, words.length - 1) && OPENING_VERBS.has(clean(words[start] as string))) start++;
  for (let i = start; i < words.length; i++) {
    const raw = trimClosingPunctuation(words[i] as string);
    if (raw.length === 0) continue;
    // A file name has a dot: words without one skip the pattern.
    if (file === null && raw.includes(".") && FILE_PATTERN.test(raw)) {
      file = raw;
      continue;
    }
    const word = raw.toLowerCase();
    if (PHRASE_BREAKS.has(word)) {
      phrases.push([]);
      continue;
    }
    if (apiWords?.has(word)) continue;
    if (!ARTICLES.has(word)) (phrases.at(-1) as string[]).push(raw);
    if (!STOPWORDS.has(word) && word.length > 1 && !keywords.includes(word)) keywords.push(word);
  }
  const subject = phrases[0]?.join(" ") || keywords.slice(0, 2).join(" ") || "the task";
  const context =
    phrases
      .slice(1)
      .find((phrase) => phrase.some((word) => !STOPWORDS.has(word.toLowerCase())))
      ?.filter((word) => !STOPWORDS.has(word.toLowerCase()))
      .join(" ") ?? "";
  const opening = clean(words[0] ?? "");
  const kind: TaskKind =
    api !== null || BUILD_VERBS.has(opening) ? "build" : SCHEDULE_VERBS.has(opening) ? "schedule" : "measure";
  return { text, subject, context, keywords, file, api, slug: slugOf(subject), kind };
}

/** `subject` as a lower-case identifier, at most 40 characters. */
export function slugOf(subject: string): string {
  // The runs of [a-z0-9] joined by "_": what replacing every other run by "_" and trimming "_" gives, without regexes.
  const lower = subject.toLowerCase();
  const runs: string[] = [];
  let from = -1;
  for (let i = 0; i <= lower.length; i++) {
    const alphanumeric = i < lower.length && isAlphanumeric(lower.charCodeAt(i));
    if (alphanumeric && from < 0) from = i;
    else if (!alphanumeric && from >= 0) {
      runs.push(lower.slice(from, i));
      from = -1;
    }
  }
  const slug = runs.join("_").slice(0, 40);
  return slug.length > 0 ? slug : "task";
}

function isAlphanumeric(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}

/** `text.split(/\s+/)` without the regex: the pieces between runs of whitespace (as `\s` defines it). */
function splitOnSpace(text: string): string[] {
  const words: string[] = [];
  let from = 0;
  let i = 0;
  while (i < text.length) {
    if (!isSpace(text.charCodeAt(i))) {
      i++;
      continue;
    }
    words.push(text.slice(from, i));
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    from = i;
  }
  words.push(text.slice(from));
  return words;
}

/** Whether a UTF-16 code unit is whitespace for `\s`: ECMAScript WhiteSpace and LineTerminator. */
function isSpace(code: number): boolean {
  if (code === 32) return true;
  if (code < 160) return code >= 9 && code <= 13;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** `word.replace(/[.,;:!?"()]+$/, "")` without the regex: drops the closing run of these characters. */
function trimClosingPunctuation(word: string): string {
  let end = word.length;
  while (end > 0 && CLOSING_PUNCTUATION.includes(word.charAt(end - 1))) end--;
  return end === word.length ? word : word.slice(0, end);
}

const CLOSING_PUNCTUATION = '.,;:!?"()';

function clean(word: string): string {
  return word.toLowerCase().replace(/[^a-z-]/g, "");
}

/**
 * A topic unrelated to `topic`, for work that drifts off its task: a task composed in a category drawn from the
 * stream, redrawn (a few times at most) while it shares a keyword with the original.
 */
export function driftTopic(rng: Randomizer, topic: TaskTopic): TaskTopic {
  const own = new Set(topic.keywords);
  let drifted = taskTopic(composeTask(rng, rng.pick(DRIFT_CATEGORIES)));
  for (let attempt = 0; attempt < 4 && drifted.keywords.some((word) => own.has(word)); attempt++)
    drifted = taskTopic(composeTask(rng, rng.pick(DRIFT_CATEGORIES)));
  return drifted;
}

const DRIFT_CATEGORIES: readonly TaskCategory[] = ["research", "analysis", "development", "planning"];
