import type { AnomalyType } from "../trajectory/vocabulary.ts";

/**
 * One sentence per anomaly type, for the dataset card's definitions. The full definitions (what each injector
 * changes and labels, and its effect parameters) are in docs/anomalies.md, one section per type.
 */
export const ANOMALY_SUMMARIES: Readonly<Record<AnomalyType, string>> = {
  infinite_loops:
    "a run of work steps repeats with the same inputs and outputs until an iteration limit cuts it off; each repetition is new steps after the last, no edge goes back",
  suboptimal_paths:
    "the agent redoes work it already did earlier on its path (same calls, same results) that nothing downstream uses",
  tool_failure_cascades:
    "a tool call fails with a real error code and the steps downstream of it fail in turn for lack of input",
  planning_paralysis: "the agent re-plans over and over before acting: extra planning rounds before any execution",
  memory_inconsistencies:
    "a retrieve returns a value different from the one the preceding store saved, and reports success",
  timeout_cascades:
    "a tool call hangs and times out, and the next tool calls downstream time out too; later steps are delayed, not wrong",
  handoff_failures: "a delegation between agents fails one or more times before an attempt goes through",
  validation_loops:
    "a validation keeps rejecting the reworked step without converging; each rework and re-check is a new step after the rejection",
  context_drift:
    "from a drift point on, tool calls jump to tools the transition table never leads to from the previous one",
  incomplete_responses:
    "the run stops before its final ACTION: steps still running are interrupted and nothing follows",
  misread_tool_results:
    "a step states a value its tool did not return (the prompt quotes the real result) and later steps repeat it; only the text changes",
  incorrect_verifications: "a check passes work that states a value its tool did not return; only the text changes",
  ignored_agent_inputs:
    "after a handoff, the receiving agent's step says nothing of the findings handed over, as if none were passed; only the text changes",
};

/**
 * The types that change only what steps say (docs/anomalies.md, "Content-only types"): no feature of the fixed set
 * sees them, so the card expects their single-feature AUC near 0.5.
 */
export const TEXT_ONLY_TYPES: ReadonlySet<AnomalyType> = new Set([
  "misread_tool_results",
  "incorrect_verifications",
  "ignored_agent_inputs",
]);
