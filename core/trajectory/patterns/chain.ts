import type { Randomizer } from "../../random.ts";
import type { TrajectoryBuilder } from "../builder.ts";
import type { NodeOf, TrajectoryNode } from "../model.ts";
import { llmCallNode, reasoningNode, toolCallNode } from "../node-factories.ts";
import type { AgentType, RelationshipType, ToolType } from "../vocabulary.ts";

/**
 * A sequence being built: the node to continue from and the last tool call on this path (the Markov state for the
 * next tool, and the producer a later reasoning step consumes).
 */
export interface Chain {
  previous: TrajectoryNode;
  lastTool: NodeOf<"TOOL_CALL"> | null;
}

export function startChain(previous: TrajectoryNode, lastTool: NodeOf<"TOOL_CALL"> | null = null): Chain {
  return { previous, lastTool };
}

/**
 * Adds `node` after the chain's current node with an execution edge. A node that works on results (reasoning,
 * LLM call, validation) and does not directly follow the last tool call gets a data_dependency edge from it:
 * it consumes that tool's output.
 */
export function append<N extends TrajectoryNode>(
  b: TrajectoryBuilder,
  chain: Chain,
  node: N,
  relationship: RelationshipType = "sequential",
): N {
  b.add(node);
  b.link(chain.previous, node, relationship);
  consumeLastTool(b, chain, node);
  chain.previous = node;
  if (node.node_type === "TOOL_CALL") chain.lastTool = node;
  return node;
}

/** The data_dependency rule of `append`, for nodes linked some other way (e.g. after a handoff). */
export function consumeLastTool(b: TrajectoryBuilder, chain: Chain, node: TrajectoryNode): void {
  const tool = chain.lastTool;
  if (tool === null || tool === chain.previous) return;
  const type = node.node_type;
  if (type === "REASONING" || type === "LLM_CALL" || type === "VALIDATION") b.dependency(tool, node);
}

/**
 * The tool call that follows the chain's last tool in the Markov table. When that tool call is the step just before,
 * the new call continues from its output (reads the source a search found, analyses the records an API returned).
 */
export function nextToolNode(
  b: TrajectoryBuilder,
  chain: Chain,
  agent: AgentType = "EXECUTOR",
  initial?: readonly ToolType[],
): NodeOf<"TOOL_CALL"> {
  const last = chain.lastTool;
  const tool = b.nextTool(last === null ? null : last.tool_type, initial);
  return toolCallNode(b, tool, agent, last !== null && last === chain.previous ? last : null);
}

/** SPEC §2.2 executor step: tool call 0.6, LLM reasoning call 0.2, reasoning 0.2. */
export function executorStep(b: TrajectoryBuilder, chain: Chain, agent: AgentType = "EXECUTOR"): TrajectoryNode {
  const roll = b.rng.next();
  if (roll < 0.6) return nextToolNode(b, chain, agent);
  if (roll < 0.8) return llmCallNode(b, "reasoning", agent, chain.lastTool);
  return reasoningNode(b, agent, chain.lastTool);
}

/** How far a plan's step estimate strays from the steps the run is sized for (a plan is a guess, not a count). */
const PLAN_ESTIMATE_SPREAD: readonly [number, number] = [0.7, 1.3];

/**
 * A PLANNING node's `planned_steps`: the steps the run is sized for times a factor drawn from `PLAN_ESTIMATE_SPREAD`,
 * at least 1. It tracks the run's size without being a function of the node count, which a rule could key on.
 */
export function planEstimate(rng: Randomizer, steps: number): number {
  return Math.max(1, Math.round(steps * rng.float(PLAN_ESTIMATE_SPREAD[0], PLAN_ESTIMATE_SPREAD[1])));
}

/** Splits `total` into `parts` sizes, each at least `minEach`, the rest spread at random. */
export function splitCount(rng: Randomizer, total: number, parts: number, minEach: number): number[] {
  const sizes = new Array<number>(parts).fill(minEach);
  for (let left = total - parts * minEach; left > 0; left--) {
    const k = rng.int(0, parts - 1);
    sizes[k] = (sizes[k] as number) + 1;
  }
  return sizes;
}
