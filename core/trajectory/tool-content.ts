import type { Randomizer } from "../random.ts";
import { TOOL_TYPES, type ToolErrorCode, type ToolType } from "./vocabulary.ts";

type Scalar = string | number | boolean;

/** Per-tool duration range in ms: deep research and analysis take longer than a lookup. */
export const TOOL_DURATION_MS: Readonly<Record<ToolType, readonly [number, number]>> = {
  WEB_SEARCH: [1000, 6000],
  READ_DOCUMENT: [1000, 8000],
  PREPARE_DOCUMENT: [2000, 10_000],
  ANALYZE_DATA: [3000, 15_000],
  DEEP_RESEARCH: [5000, 20_000],
  WRITE_CODE: [3000, 15_000],
  MEMORY_STORE_RETRIEVE: [200, 2000],
  EXTERNAL_API: [500, 6000],
};

/** Tools that talk to the network (SPEC §2.3 network_calls). */
export const NETWORK_TOOLS: ReadonlySet<ToolType> = new Set<ToolType>(["WEB_SEARCH", "EXTERNAL_API", "DEEP_RESEARCH"]);

/** Lower-case tool names for descriptions, precomputed. */
export const TOOL_LABELS: Readonly<Record<ToolType, string>> = Object.fromEntries(
  TOOL_TYPES.map((tool) => [tool, tool.toLowerCase()]),
) as Record<ToolType, string>;

/** SPEC §2.5 parameters, one object per call. */
export function toolParameters(rng: Randomizer, tool: ToolType): Record<string, Scalar> {
  switch (tool) {
    case "WEB_SEARCH":
      return { query: `search_term_${rng.int(1, 1000)}`, max_results: rng.int(5, 20) };
    case "READ_DOCUMENT":
      return { document_id: `doc_${rng.int(1, 1000)}`, page_range: `1-${rng.int(2, 20)}` };
    case "ANALYZE_DATA":
      return { dataset: `data_${rng.int(1, 100)}`, analysis_type: "statistical" };
    case "EXTERNAL_API":
      return { endpoint: `api_endpoint_${rng.int(1, 10)}`, timeout: 30 };
    case "DEEP_RESEARCH":
      return { topic: `topic_${rng.int(1, 500)}`, depth: rng.int(1, 5) };
    case "WRITE_CODE":
      return { language: rng.pick(LANGUAGES), task: `module_${rng.int(1, 100)}` };
    case "PREPARE_DOCUMENT":
      return { template: `template_${rng.int(1, 50)}`, format: rng.pick(FORMATS) };
    case "MEMORY_STORE_RETRIEVE":
      return { key: `key_${rng.int(1, 1000)}` };
  }
}

const LANGUAGES = ["python", "typescript", "sql", "go"] as const;
const FORMATS = ["markdown", "pdf", "html", "docx"] as const;

/** SPEC §2.5 results of a successful call. */
export function toolResult(rng: Randomizer, tool: ToolType): Record<string, Scalar> {
  switch (tool) {
    case "WEB_SEARCH":
      return { results_count: rng.int(1, 20), relevance_score: Math.round(rng.float(0.6, 0.9) * 1000) / 1000 };
    case "READ_DOCUMENT":
      return { pages_read: rng.int(1, 10), content_extracted: true };
    case "ANALYZE_DATA":
      return { insights: rng.int(3, 15), confidence: Math.round(rng.float(0.7, 0.95) * 1000) / 1000 };
    case "EXTERNAL_API":
      return { status_code: 200, response_size: rng.int(100, 5000) };
    case "DEEP_RESEARCH":
      return { sources_found: rng.int(3, 30), summary_length: rng.int(200, 2000) };
    case "WRITE_CODE":
      return { lines_written: rng.int(10, 400), tests_passed: true };
    case "PREPARE_DOCUMENT":
      return { pages: rng.int(1, 30), status: "completed" };
    case "MEMORY_STORE_RETRIEVE":
      return { found: true, size_bytes: rng.int(10, 1000) };
  }
}

/** Human-readable messages per error code, shared by normal failures and injected ones. */
export const TOOL_ERROR_MESSAGES: Readonly<Record<ToolErrorCode, string>> = {
  TIMEOUT: "timed out waiting for a response",
  RATE_LIMITED: "was rate limited by the provider",
  SERVICE_UNAVAILABLE: "could not reach the service",
  INVALID_PARAMS: "rejected its parameters",
  AUTH_FAILED: "was refused: authentication failed",
};
