import type { PatternName, TaskCategory, ToolType } from "./vocabulary.ts";

export interface PatternSettings {
  minNodes: number;
  maxNodes: number;
  weight: number;
}

/** SPEC §4.1: the original's shipped config.yaml. */
export const DEFAULT_PATTERNS: Readonly<Record<PatternName, PatternSettings>> = {
  simple_linear: { minNodes: 5, maxNodes: 10, weight: 0.3 },
  branched_analysis: { minNodes: 10, maxNodes: 20, weight: 0.25 },
  multi_agent_handoffs: { minNodes: 15, maxNodes: 25, weight: 0.2 },
  complex_research: { minNodes: 20, maxNodes: 40, weight: 0.15 },
  error_recovery: { minNodes: 10, maxNodes: 30, weight: 0.1 },
};

/**
 * The fewest nodes each pattern's structure needs (start, planning, the pattern's core shape, final ACTION).
 * A `min_nodes` below this is a config error rather than a silently bigger trajectory.
 */
export const STRUCTURAL_MIN_NODES: Readonly<Record<PatternName, number>> = {
  // USER_ENQUIRY, PLANNING, one step, ACTION
  simple_linear: 4,
  // USER_ENQUIRY, PLANNING, two branches of (step, VALIDATION), ACTION
  branched_analysis: 7,
  // USER_ENQUIRY, PLANNING, step, HANDOFF, step, ACTION
  multi_agent_handoffs: 6,
  // USER_ENQUIRY, PLANNING, two parallel gathering tools, synthesis, VALIDATION, ACTION
  complex_research: 7,
  // USER_ENQUIRY, PLANNING, failed TOOL_CALL, OBSERVATION, retry TOOL_CALL, VALIDATION, ACTION
  error_recovery: 7,
};

/** Keeps one trajectory a bounded amount of work and output. */
export const MAX_NODES_LIMIT = 1000;

/** Which task category each pattern draws its description from (SPEC §2.2; `planning` is no longer dead). */
export const PATTERN_TASK_CATEGORIES: Readonly<Record<PatternName, readonly TaskCategory[]>> = {
  simple_linear: ["analysis", "planning"],
  branched_analysis: ["analysis"],
  multi_agent_handoffs: ["development", "planning"],
  complex_research: ["research"],
  error_recovery: ["development"],
};

/** SPEC §2.8: the original's tool-transition table (each row sums to 1); generation actually follows it. */
export const DEFAULT_TOOL_TRANSITIONS: Readonly<Record<ToolType, Readonly<Partial<Record<ToolType, number>>>>> = {
  WEB_SEARCH: { READ_DOCUMENT: 0.4, ANALYZE_DATA: 0.2, DEEP_RESEARCH: 0.3, EXTERNAL_API: 0.1 },
  READ_DOCUMENT: { WEB_SEARCH: 0.2, PREPARE_DOCUMENT: 0.3, ANALYZE_DATA: 0.25, MEMORY_STORE_RETRIEVE: 0.25 },
  ANALYZE_DATA: { WEB_SEARCH: 0.2, PREPARE_DOCUMENT: 0.25, WRITE_CODE: 0.25, MEMORY_STORE_RETRIEVE: 0.3 },
  DEEP_RESEARCH: { WEB_SEARCH: 0.3, READ_DOCUMENT: 0.3, ANALYZE_DATA: 0.25, EXTERNAL_API: 0.15 },
  WRITE_CODE: { PREPARE_DOCUMENT: 0.2, ANALYZE_DATA: 0.3, MEMORY_STORE_RETRIEVE: 0.2, EXTERNAL_API: 0.3 },
  MEMORY_STORE_RETRIEVE: { WEB_SEARCH: 0.2, PREPARE_DOCUMENT: 0.3, ANALYZE_DATA: 0.3, WRITE_CODE: 0.2 },
  PREPARE_DOCUMENT: { WEB_SEARCH: 0.2, ANALYZE_DATA: 0.3, MEMORY_STORE_RETRIEVE: 0.4, EXTERNAL_API: 0.1 },
  EXTERNAL_API: { PREPARE_DOCUMENT: 0.2, ANALYZE_DATA: 0.4, WRITE_CODE: 0.1, MEMORY_STORE_RETRIEVE: 0.3 },
};

/** Fixed default so output never depends on the wall clock. */
export const DEFAULT_EPOCH = "2024-06-01T10:00:00.000Z";
