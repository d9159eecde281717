import { PEOPLE, SELF_NAMES } from "./sample-pool.ts";

// How varied a batch of tasks is, measured the way a benchmark author would look at it: distinct sentence patterns
// once the slot values (names, numbers, quoted text, places, companies, dates) are masked, chain lengths, and how
// many tasks are a single call or two requests glued together.

/**
 * The category combinations variety is measured over: the six single categories and four mixed ones (one of three
 * categories), as the figures are.
 */
export const MEASURED_COMBINATIONS: readonly (readonly string[])[] = [
  ["contact"],
  ["messaging"],
  ["reminder"],
  ["setting"],
  ["utilities"],
  ["rapid_api_search_tools"],
  ["contact", "messaging"],
  ["reminder", "utilities"],
  ["setting", "rapid_api_search_tools"],
  ["contact", "messaging", "setting"],
];

const NAME_WORDS = new Set(
  [...PEOPLE.map((p) => p.name), ...SELF_NAMES]
    .flatMap((name) => [name, ...name.split(" ")])
    .filter((w) => w.length > 1),
);
const SLOT_WORDS =
  /\b(?:Apple|Microsoft|Nvidia|Tesla|Amazon|Alphabet|Paris|Tokyo|Seattle|Chicago|London|Berlin|Thanksgiving|Independence Day|Labor Day|Memorial Day|Christmas Day|January|February|March|April|May|June|July|August|September|October|November|December)\b/g;

/**
 * The sentence pattern of a task: quoted text, numbers (phones, amounts, coordinates, dates) and proper names masked.
 * @example
 * sentencePattern('Text Fredrik Thordendal "hi"'); // 'Text NAME "Q"'
 */
export function sentencePattern(description: string): string {
  let text = description.replace(/"[^"]*"/g, '"Q"');
  text = text.replace(/[$€£¥]?[+-]?\d[\d,.:]*\s*(?:k\b|[ap]m\b|PM\b|AM\b)?/g, "N");
  text = text.replace(SLOT_WORDS, "X");
  const words = text.split(/(\s+|[,.?!:;()'’]+)/);
  const masked = words.map((word) => (NAME_WORDS.has(word) ? "NAME" : word)).join("");
  return masked.replace(/NAME(?:\s+NAME)+/g, "NAME").replace(/\bNAME\s*'s\b/g, "NAME's");
}

export interface VarietyFigures {
  tasks: number;
  distinctPatterns: number;
  meanChainLength: number;
  singleCallShare: number;
  /** Tasks that glue a second request on with "Then ...". */
  gluedThen: number;
  /** Tasks whose categories number three or more. */
  threeOrMoreCategories: number;
}

/**
 * @example
 * measureVariety(tasks.map((t) => ({ description: t.description, calls: t.required_tools.length, categories: 2 })));
 */
export function measureVariety(
  tasks: ReadonlyArray<{ description: string; calls: number; categories: number }>,
): VarietyFigures {
  const patterns = new Set(tasks.map((task) => sentencePattern(task.description)));
  const total = tasks.reduce((sum, task) => sum + task.calls, 0);
  return {
    tasks: tasks.length,
    distinctPatterns: patterns.size,
    meanChainLength: tasks.length === 0 ? 0 : total / tasks.length,
    singleCallShare: tasks.length === 0 ? 0 : tasks.filter((task) => task.calls === 1).length / tasks.length,
    gluedThen: tasks.filter((task) => /[.?!]\s+Then\b/.test(task.description)).length,
    threeOrMoreCategories: tasks.filter((task) => task.categories >= 3).length,
  };
}
