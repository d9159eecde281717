import type { TrajectoryBuilder } from "../builder.ts";
import type { NodeOf, TrajectoryNode } from "../model.ts";
import { actionNode, planningNode, reasoningNode, userEnquiryNode, validationNode } from "../node-factories.ts";
import { append, type Chain, nextToolNode, planEstimate, splitCount, startChain } from "./chain.ts";

/**
 * USER_ENQUIRY → PLANNING, which fans out into 2–4 parallel branches (tool calls and reasoning, each ending in a
 * VALIDATION); every branch merges into the final ACTION.
 */
export function buildBranchedAnalysis(
  b: TrajectoryBuilder,
  nodeCount: number,
  task: string,
  plannedCount: number,
): void {
  const rng = b.rng;
  const slots = nodeCount - 3;
  const branchCount = Math.min(rng.int(2, 4), Math.floor(slots / 2));
  const sizes = splitCount(rng, slots, branchCount, 2);
  const user = b.add(userEnquiryNode(b, task));
  const planning = b.add(planningNode(b, "PLANNER", planEstimate(rng, plannedCount - 3)));
  b.link(user, planning);
  const ends: TrajectoryNode[] = [];
  let lastTool: NodeOf<"TOOL_CALL"> | null = null;
  for (const size of sizes) {
    const chain: Chain = startChain(planning);
    for (let i = 0; i < size - 1; i++) {
      const node = rng.chance(0.6) ? nextToolNode(b, chain) : reasoningNode(b, "EXECUTOR", chain.lastTool);
      append(b, chain, node, i === 0 ? "branch" : "sequential");
    }
    ends.push(append(b, chain, validationNode(b)));
    lastTool = chain.lastTool ?? lastTool;
  }
  const action = b.add(actionNode(b, "EXECUTOR", lastTool));
  for (const end of ends) b.link(end, action, "merge");
}
