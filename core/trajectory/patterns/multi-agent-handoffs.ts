import type { TrajectoryBuilder } from "../builder.ts";
import type { TrajectoryNode } from "../model.ts";
import {
  actionNode,
  handoffNode,
  llmCallNode,
  planningNode,
  reasoningNode,
  userEnquiryNode,
  validationNode,
} from "../node-factories.ts";
import type { AgentType } from "../vocabulary.ts";
import { append, type Chain, consumeLastTool, executorStep, planEstimate, splitCount, startChain } from "./chain.ts";

/** Work passes Planner → Executor → Validator → Planner … (SPEC §2.2). */
const NEXT_AGENT: Readonly<Record<AgentType, AgentType>> = {
  PLANNER: "EXECUTOR",
  EXECUTOR: "VALIDATOR",
  VALIDATOR: "PLANNER",
  COORDINATOR: "PLANNER",
};

/**
 * USER_ENQUIRY → PLANNING (Coordinator) → segments of agent work separated by HANDOFF nodes → ACTION. The edge out
 * of a HANDOFF is a `handoff` edge, and the first node after it depends on the last node before it (the work
 * handed over).
 */
export function buildMultiAgentHandoffs(
  b: TrajectoryBuilder,
  nodeCount: number,
  task: string,
  plannedCount: number,
): void {
  const rng = b.rng;
  const middle = nodeCount - 3;
  const maxHandoffs = Math.max(1, Math.min(Math.floor((middle - 1) / 2), Math.floor(middle / 3)));
  const handoffs = rng.int(1, maxHandoffs);
  const segments = splitCount(rng, middle - handoffs, handoffs + 1, 1);
  const chain: Chain = startChain(b.add(userEnquiryNode(b, task)));
  append(b, chain, planningNode(b, "COORDINATOR", planEstimate(rng, plannedCount - 3)));
  let agent: AgentType = "PLANNER";
  let workBefore: TrajectoryNode = chain.previous;
  for (let s = 0; s < segments.length; s++) {
    const size = segments[s] as number;
    for (let i = 0; i < size; i++) {
      const node = agentStep(b, chain, agent);
      if (s > 0 && i === 0) handOver(b, chain, node, workBefore);
      else append(b, chain, node);
    }
    if (s < segments.length - 1) {
      const next: AgentType = NEXT_AGENT[agent];
      workBefore = chain.previous;
      append(b, chain, handoffNode(b, agent, next));
      agent = next;
    }
  }
  append(b, chain, actionNode(b, "EXECUTOR", chain.lastTool));
}

/** First node after a HANDOFF: reached by a handoff edge, consuming the work done before the handoff. */
function handOver(b: TrajectoryBuilder, chain: Chain, node: TrajectoryNode, workBefore: TrajectoryNode): void {
  b.add(node);
  b.handoff(chain.previous, node);
  b.dependency(workBefore, node);
  if (chain.lastTool !== workBefore) consumeLastTool(b, chain, node);
  chain.previous = node;
  if (node.node_type === "TOOL_CALL") chain.lastTool = node;
}

function agentStep(b: TrajectoryBuilder, chain: Chain, agent: AgentType): TrajectoryNode {
  const rng = b.rng;
  switch (agent) {
    case "PLANNER":
      return rng.chance(0.7)
        ? llmCallNode(b, "planning", "PLANNER", chain.lastTool)
        : reasoningNode(b, "PLANNER", chain.lastTool);
    case "VALIDATOR":
      return rng.chance(0.6) ? validationNode(b) : llmCallNode(b, "validation_analysis", "VALIDATOR", chain.lastTool);
    default:
      return executorStep(b, chain, agent);
  }
}
