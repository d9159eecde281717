import { TOOL_TYPES, type ToolErrorCode, type ToolType } from "./vocabulary.ts";

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

/** Human-readable messages per error code, shared by normal failures and injected ones. */
export const TOOL_ERROR_MESSAGES: Readonly<Record<ToolErrorCode, string>> = {
  TIMEOUT: "timed out waiting for a response",
  RATE_LIMITED: "was rate limited by the provider",
  SERVICE_UNAVAILABLE: "could not reach the service",
  INVALID_PARAMS: "rejected its parameters",
  AUTH_FAILED: "was refused: authentication failed",
};
