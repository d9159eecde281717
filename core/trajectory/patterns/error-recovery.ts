import type { TrajectoryBuilder } from "../builder.ts";
import type { NodeOf } from "../model.ts";
import {
  actionNode,
  failToolCall,
  observationNode,
  planningNode,
  retryToolCall,
  userEnquiryNode,
  validationNode,
} from "../node-factories.ts";
import { TOOL_ERROR_CODES } from "../vocabulary.ts";
import { append, executorStep, nextToolNode, planEstimate, startChain } from "./chain.ts";

/** Share of error_recovery trajectories whose first retry fails too (needs two spare nodes). */
const SECOND_FAILURE_PROBABILITY = 0.25;

/**
 * USER_ENQUIRY → PLANNING → steps → a failed TOOL_CALL (error code and message) → OBSERVATION of the error logs →
 * a retry of the same tool with the same parameters → VALIDATION of the recovered result → steps → ACTION. One
 * retry in four fails again and is observed and retried once more.
 */
export function buildErrorRecovery(b: TrajectoryBuilder, nodeCount: number, task: string, plannedCount: number): void {
  const rng = b.rng;
  let free = nodeCount - 7;
  const failures = free >= 2 && rng.chance(SECOND_FAILURE_PROBABILITY) ? 2 : 1;
  if (failures === 2) free -= 2;
  const before = rng.int(Math.floor(0.3 * free), Math.ceil(0.7 * free));
  const after = free - before;

  const chain = startChain(b.add(userEnquiryNode(b, task)));
  append(b, chain, planningNode(b, "PLANNER", planEstimate(rng, plannedCount - 3)));
  for (let i = 0; i < before; i++) append(b, chain, executorStep(b, chain));
  let failed: NodeOf<"TOOL_CALL"> = nextToolNode(b, chain);
  failToolCall(rng, failed, rng.pick(TOOL_ERROR_CODES));
  append(b, chain, failed);
  for (let attempt = 1; attempt <= failures; attempt++) {
    append(b, chain, observationNode(b, "error_logs", 1), "recovery");
    const retry = append(b, chain, retryToolCall(b, failed), "recovery");
    if (attempt < failures) {
      failToolCall(rng, retry, rng.pick(TOOL_ERROR_CODES));
      failed = retry;
    }
  }
  append(b, chain, validationNode(b));
  for (let i = 0; i < after; i++) append(b, chain, executorStep(b, chain));
  append(b, chain, actionNode(b, "EXECUTOR", chain.lastTool));
}
