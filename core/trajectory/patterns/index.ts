import type { TrajectoryBuilder } from "../builder.ts";
import type { PatternName } from "../vocabulary.ts";
import { buildBranchedAnalysis } from "./branched-analysis.ts";
import { buildComplexResearch } from "./complex-research.ts";
import { buildErrorRecovery } from "./error-recovery.ts";
import { buildMultiAgentHandoffs } from "./multi-agent-handoffs.ts";
import { buildSimpleLinear } from "./simple-linear.ts";

/**
 * Builds a pattern's nodes and edges into `b`: exactly `nodeCount` nodes, durations and latencies drawn.
 * `plannedCount` is the size the run was drawn with, which its plan estimates (`planned_steps`); it exceeds
 * `nodeCount` when the anomaly step will add the difference.
 */
export type PatternBuilder = (b: TrajectoryBuilder, nodeCount: number, task: string, plannedCount: number) => void;

export const PATTERN_BUILDERS: Readonly<Record<PatternName, PatternBuilder>> = {
  simple_linear: buildSimpleLinear,
  branched_analysis: buildBranchedAnalysis,
  multi_agent_handoffs: buildMultiAgentHandoffs,
  complex_research: buildComplexResearch,
  error_recovery: buildErrorRecovery,
};
