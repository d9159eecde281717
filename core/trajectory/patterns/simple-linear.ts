import type { TrajectoryBuilder } from "../builder.ts";
import { actionNode, planningNode, userEnquiryNode } from "../node-factories.ts";
import { append, executorStep, planEstimate, startChain } from "./chain.ts";

/** USER_ENQUIRY → PLANNING → n−3 executor steps → ACTION, one chain. */
export function buildSimpleLinear(b: TrajectoryBuilder, nodeCount: number, task: string, plannedCount: number): void {
  const steps = nodeCount - 3;
  const chain = startChain(b.add(userEnquiryNode(b, task)));
  append(b, chain, planningNode(b, "PLANNER", planEstimate(b.rng, plannedCount - 3)));
  for (let i = 0; i < steps; i++) append(b, chain, executorStep(b, chain));
  append(b, chain, actionNode(b, "EXECUTOR", chain.lastTool));
}
