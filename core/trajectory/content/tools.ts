import type { Randomizer } from "../../random.ts";
import type { NodeOf } from "../model.ts";
import type { ToolType } from "../vocabulary.ts";
import { capitalize, flat, oneDecimal } from "./text.ts";
import type { TaskTopic } from "./topic.ts";
import {
  ANALYSIS_METHODS,
  CHANGE_VERBS,
  DOCUMENT_FORMATS,
  DOCUMENT_KINDS,
  FORMAT_EXTENSIONS,
  LANGUAGE_EXTENSIONS,
  LANGUAGES,
  MEMORY_SUFFIXES,
  PERIODS,
  SEARCH_MODIFIERS,
  SOURCE_SITES,
  TITLE_KINDS,
} from "./words.ts";

type Scalar = string | number | boolean;
type ToolNode = NodeOf<"TOOL_CALL">;

/**
 * The result field of each tool that states what the call found, in words with a number: later steps quote it, and
 * a step that misreads the result states a different number (see `contradictQuote`). Memory stores and retrieves
 * state nothing of their own.
 */
export const QUOTE_FIELDS: Readonly<Record<ToolType, string | null>> = {
  WEB_SEARCH: "top_result",
  READ_DOCUMENT: "excerpt",
  PREPARE_DOCUMENT: "summary",
  ANALYZE_DATA: "key_finding",
  DEEP_RESEARCH: "summary",
  WRITE_CODE: "summary",
  MEMORY_STORE_RETRIEVE: null,
  EXTERNAL_API: "response_excerpt",
};

/**
 * Parameters of a call of `tool` working on `topic`: queries from its keywords, the file or API it names, and where
 * the previous tool call on the path (`input`) produced something to continue from (a search's top source, a
 * report's file), that.
 */
export function toolParameters(
  rng: Randomizer,
  tool: ToolType,
  topic: TaskTopic,
  input: ToolNode | null,
): Record<string, Scalar> {
  switch (tool) {
    case "WEB_SEARCH":
      return { query: searchQuery(rng, topic), max_results: rng.int(5, 20) };
    case "READ_DOCUMENT":
      return { document: documentToRead(rng, topic, input), page_range: `1-${rng.int(2, 20)}` };
    case "ANALYZE_DATA":
      return { dataset: datasetOf(topic, input), analysis_type: rng.pick(ANALYSIS_METHODS), metric: topic.subject };
    case "EXTERNAL_API":
      return { api: apiOf(topic), endpoint: endpointOf(rng, topic), timeout: 30 };
    case "DEEP_RESEARCH":
      return {
        topic: topic.context.length > 0 ? flat(`${topic.subject} in ${topic.context}`) : topic.subject,
        depth: rng.int(1, 5),
      };
    case "WRITE_CODE": {
      const language = rng.pick(LANGUAGES);
      return {
        language,
        task: flat(`${topic.subject}${topic.context.length > 0 ? ` for ${topic.context}` : ""}`),
        file: flat(`src/${topic.slug}.${LANGUAGE_EXTENSIONS[language]}`),
      };
    }
    case "PREPARE_DOCUMENT": {
      const format = rng.pick(DOCUMENT_FORMATS);
      return { template: rng.pick(DOCUMENT_KINDS), format, title: capitalize(topic.subject) };
    }
    case "MEMORY_STORE_RETRIEVE":
      return { key: flat(`${topic.slug}:${rng.pick(MEMORY_SUFFIXES)}`) };
  }
}

/** Result of a successful call with `parameters`: counts and scores as before, and a finding stated in words. */
export function toolResult(
  rng: Randomizer,
  tool: ToolType,
  topic: TaskTopic,
  parameters: Readonly<Record<string, Scalar>>,
): Record<string, Scalar> {
  switch (tool) {
    case "WEB_SEARCH": {
      const site = rng.pick(SOURCE_SITES);
      return {
        results_count: rng.int(1, 20),
        relevance_score: Math.round(rng.float(0.6, 0.9) * 1000) / 1000,
        top_result: flat(`${capitalize(topic.subject)} ${rng.pick(TITLE_KINDS)} (${site}): ${change(rng, topic)}`),
        top_url: flat(`https://${site}/${topic.slug.replaceAll("_", "-")}-${rng.int(2019, 2024)}`),
      };
    }
    case "READ_DOCUMENT":
      return {
        pages_read: rng.int(1, 10),
        content_extracted: true,
        excerpt: flat(`${change(rng, topic)} (p. ${rng.int(1, 20)})`),
      };
    case "ANALYZE_DATA":
      return {
        insights: rng.int(3, 15),
        confidence: Math.round(rng.float(0.7, 0.95) * 1000) / 1000,
        key_finding: flat(
          `${change(rng, topic)}; ${rng.int(2, 40)}% of rows ${topic.context.length > 0 ? `concern ${topic.context}` : "are outliers"}`,
        ),
      };
    case "EXTERNAL_API": {
      const records = rng.int(1, 500);
      return {
        status_code: 200,
        response_size: rng.int(100, 5000),
        response_excerpt: flat(`${records} ${topic.slug} records from ${String(parameters.endpoint)}`),
      };
    }
    case "DEEP_RESEARCH": {
      const sources = rng.int(3, 30);
      return {
        sources_found: sources,
        summary_length: rng.int(200, 2000),
        summary: flat(`${rng.int(2, sources)} of ${sources} sources agree: ${change(rng, topic)}`),
      };
    }
    case "WRITE_CODE": {
      const lines = rng.int(10, 400);
      return {
        lines_written: lines,
        tests_passed: true,
        summary: flat(`${lines} lines in ${String(parameters.file)}; ${rng.int(3, 40)} tests pass`),
      };
    }
    case "PREPARE_DOCUMENT": {
      const pages = rng.int(1, 30);
      const format = parameters.format as (typeof DOCUMENT_FORMATS)[number];
      return {
        pages,
        status: "completed",
        summary: flat(`${pages}-page ${String(parameters.template)} on ${topic.subject}`),
        output_file: flat(`${topic.slug}_${String(parameters.template)}.${FORMAT_EXTENSIONS[format] ?? "md"}`),
      };
    }
    case "MEMORY_STORE_RETRIEVE":
      return { found: true, size_bytes: rng.int(10, 1000) };
  }
}

/** What a successful tool call found, in its own words (the field in `QUOTE_FIELDS`), or null. */
export function resultQuote(node: ToolNode): string | null {
  const field = QUOTE_FIELDS[node.tool_type];
  if (field === null || node.status !== "completed") return null;
  const value = node.tool_result[field];
  return typeof value === "string" ? value : null;
}

/** A percentage (what findings state) first, else any number. */
const PERCENT = /\d+(?:\.\d+)?(?=%)/;
const NUMBER = /\d+(?:\.\d+)?/;

/**
 * `quote` stating a value the tool did not return: its first percentage (else its first number) replaced by a different one of the same form
 * (an integer stays an integer, one decimal stays one decimal). By default the new value is between a third and three
 * times the original; with `error` (a relative error, e.g. 0.2) it is the original times 1 + error or divided by it,
 * so a small error makes a misstatement close to the truth.
 * @example
 * contradictQuote(rng, "churn rate rose 4.2% year on year"); // "churn rate rose 9.7% year on year"
 */
export function contradictQuote(rng: Randomizer, quote: string, error?: number): string {
  const match = PERCENT.exec(quote) ?? NUMBER.exec(quote);
  if (match === null) return flat(`${quote} (no change at all)`);
  const original = Number(match[0]);
  const decimals = match[0].includes(".") ? (match[0].split(".")[1] as string).length : 0;
  let replacement = match[0];
  for (let attempt = 0; replacement === match[0] && attempt < 8; attempt++) {
    const up = rng.chance(0.5);
    let factor: number;
    if (error !== undefined) factor = up ? 1 + error : 1 / (1 + error);
    else factor = up ? rng.float(1.4, 3) : rng.float(0.33, 0.7);
    const value = Math.max(decimals > 0 ? 0.1 : 1, original * factor);
    replacement = decimals > 0 ? value.toFixed(decimals) : String(Math.round(value));
  }
  if (replacement === match[0]) replacement = decimals > 0 ? (original + 1).toFixed(decimals) : String(original + 1);
  return flat(quote.slice(0, match.index) + replacement + quote.slice(match.index + match[0].length));
}

/**
 * A fact about the task's subject with a number, as a search, a document or an analysis would state it: a change in
 * a measured quantity, how a built component performs, or what a planned piece of work needs.
 */
function change(rng: Randomizer, topic: TaskTopic): string {
  const percent = oneDecimal(rng.float(0.5, 40));
  switch (topic.kind) {
    case "measure":
      return `${topic.subject} ${rng.pick(CHANGE_VERBS)} ${percent}% ${rng.pick(PERIODS)}`;
    case "build":
      switch (rng.int(0, 2)) {
        case 0:
          return `${topic.subject} cut error rates by ${percent}% in comparable systems`;
        case 1:
          return `${percent}% of requests to ${topic.api ?? topic.context} need ${topic.subject}`;
        default:
          return `${topic.subject} adds ${rng.int(5, 400)} ms p95 latency under load`;
      }
    case "schedule":
      switch (rng.int(0, 2)) {
        case 0:
          return `${topic.subject} typically takes ${rng.int(2, 16)} weeks`;
        case 1:
          return `${percent}% of similar efforts overran their schedule`;
        default:
          return `${topic.subject} needs ${rng.int(2, 12)} people${topic.context.length > 0 ? ` from ${topic.context}` : ""}`;
      }
  }
}

function searchQuery(rng: Randomizer, topic: TaskTopic): string {
  const base = topic.context.length > 0 ? `${topic.subject} ${topic.context}` : topic.subject;
  return flat(`${base} ${rng.pick(SEARCH_MODIFIERS)}`);
}

/** The top source of a search just before, else the file the task names, else a document on the subject. */
function documentToRead(rng: Randomizer, topic: TaskTopic, input: ToolNode | null): string {
  if (input !== null && input.status === "completed") {
    const produced = input.tool_result.top_url ?? input.tool_result.output_file;
    if (typeof produced === "string") return produced;
  }
  if (topic.file !== null) return topic.file;
  return flat(`${topic.slug}_${rng.pick(DOCUMENT_KINDS)}.pdf`);
}

/** The file the task names, or the records an API call just before returned, or a table named after the subject. */
function datasetOf(topic: TaskTopic, input: ToolNode | null): string {
  if (topic.file !== null) return topic.file;
  if (input !== null && input.tool_type === "EXTERNAL_API" && input.status === "completed")
    return flat(`${topic.slug}_api_response.json`);
  return flat(`${topic.slug}.csv`);
}

function apiOf(topic: TaskTopic): string {
  if (topic.api !== null) return topic.api;
  return flat(`${capitalize(topic.keywords[0] ?? topic.slug)} data API`);
}

function endpointOf(rng: Randomizer, topic: TaskTopic): string {
  const resource = topic.slug.replaceAll("_", "-");
  return flat(`/v${rng.int(1, 3)}/${resource}${rng.chance(0.5) ? "?limit=100" : ""}`);
}
