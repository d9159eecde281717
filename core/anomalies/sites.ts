import { dataTypeOf } from "../trajectory/builder.ts";
import type { NodeOf, TrajectoryEdge, TrajectoryNode } from "../trajectory/model.ts";
import { toolCallNode } from "../trajectory/node-factories.ts";
import type { ToolType } from "../trajectory/vocabulary.ts";
import type { InjectionContext } from "./context.ts";

/** Steps an agent can repeat or redo: the work itself, not its bookkeeping. */
export const WORK_TYPES: ReadonlySet<TrajectoryNode["node_type"]> = new Set(["TOOL_CALL", "LLM_CALL", "REASONING"]);

export function isWork(node: TrajectoryNode): boolean {
  return WORK_TYPES.has(node.node_type) && node.status === "completed";
}

/** The single control edge leaving `node`, or undefined when it has none or several (a fork). */
export function singleControlOut(ctx: InjectionContext, node: TrajectoryNode): TrajectoryEdge | undefined {
  const edges = ctx.outEdges(node).filter((edge) => edge.edge_type !== "data_dependency");
  return edges.length === 1 ? edges[0] : undefined;
}

/** Completed work steps followed by exactly one control edge: places where a run of extra steps can be spliced in. */
export function spliceSites(ctx: InjectionContext): TrajectoryNode[] {
  return ctx.steps((node) => isWork(node) && singleControlOut(ctx, node) !== undefined);
}

/**
 * Splices `node` into the control edge leaving `after`: `after → node → (old target)`. The old edge now ends at
 * `node` and is labelled; the new edge is labelled too. Returns the new edge.
 */
export function spliceAfter(
  ctx: InjectionContext,
  after: TrajectoryNode,
  node: TrajectoryNode,
  metadata: Record<string, string | number | boolean>,
): TrajectoryEdge {
  const edge = singleControlOut(ctx, after);
  if (edge === undefined) throw new RangeError(`spliceAfter: ${after.node_id} has no single control edge`);
  const target = ctx.node(edge.target_node_id);
  // A fan-out (branch, handoff) belongs to the source side and stays on the old edge; a join or retry (merge,
  // recovery) belongs to the target side and moves to the new edge into it.
  const relationship = edge.relationship_type;
  const sourceSide = relationship === "branch" || relationship === "handoff";
  if (!sourceSide) edge.relationship_type = "sequential";
  ctx.insertAfter(after, node);
  ctx.moveTarget(edge, node, metadata);
  return ctx.link(node, target, sourceSide ? "sequential" : relationship, metadata);
}

/**
 * A completed tool call to build on. When the trajectory has none (an LLM-only run), one of its work steps becomes
 * a tool call, drawn like any other (first tool of a chain) and labelled as part of the anomaly. Replacing rather
 * than adding keeps the node count the trajectory was drawn with (the plan leaves no room for this rare case).
 */
export function ensureToolCall(ctx: InjectionContext, role: string): NodeOf<"TOOL_CALL">[] {
  const tools = ctx.trajectory.nodes.filter(
    (node): node is NodeOf<"TOOL_CALL"> => node.node_type === "TOOL_CALL" && node.status === "completed",
  );
  if (tools.length > 0) return preferUnclaimed(ctx, tools, (tool) => tool);
  const work = ctx.steps(isWork);
  if (work.length > 0) return [becomeToolCall(ctx, ctx.rng.pick(work), role, ctx.builder.nextTool(null))];
  const site = ctx.rng.pick(requireSites(ctx));
  const tool = ctx.fresh(toolCallNode(ctx.builder, ctx.builder.nextTool(null)));
  spliceAfter(ctx, site, tool, { role });
  ctx.markNode(tool, { role });
  return [tool];
}

/**
 * Replaces the work step `node` by a fresh call of `toolType` in its place (same id, so its edges stay); the data
 * it passes on is now the tool's output. Labelled with `role`.
 */
export function becomeToolCall(
  ctx: InjectionContext,
  node: TrajectoryNode,
  role: string,
  toolType: ToolType,
): NodeOf<"TOOL_CALL"> {
  const tool = ctx.fresh(toolCallNode(ctx.builder, toolType, node.agent_type));
  tool.node_id = node.node_id;
  ctx.replaceNode(node, tool);
  for (const edge of ctx.outEdges(tool)) {
    if (edge.edge_type === "data_dependency") {
      edge.data_type = dataTypeOf(tool);
      ctx.markEdge(edge, { role });
    }
  }
  ctx.markNode(tool, { role });
  return tool;
}

export function requireSites(ctx: InjectionContext): TrajectoryNode[] {
  const sites = spliceSites(ctx);
  if (sites.length > 0) return sites;
  // Every pattern has a work step before its ACTION; fall back to any step with one way out.
  const fallback = ctx.steps((node) => singleControlOut(ctx, node) !== undefined);
  if (fallback.length === 0)
    throw new RangeError(`trajectory ${ctx.trajectory.trajectory_id} has no step to inject into`);
  return fallback;
}

/**
 * The candidates whose node no earlier anomaly of the trajectory labelled, or all of them when there are none: a
 * further anomaly then starts at a step of its own where it can (its root cause carries its own label). With one
 * anomaly nothing is claimed and the candidates are returned as they are.
 */
export function preferUnclaimed<T>(ctx: InjectionContext, items: T[], nodeOf: (item: T) => TrajectoryNode): T[] {
  const free = items.filter((item) => !ctx.isClaimed(nodeOf(item)));
  return free.length > 0 ? free : items;
}
