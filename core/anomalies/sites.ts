import type { NodeOf, TrajectoryEdge, TrajectoryNode } from "../trajectory/model.ts";
import { toolCallNode } from "../trajectory/node-factories.ts";
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
 * A completed tool call to build on. When the trajectory has none (an LLM-only run), a tool call is spliced in after
 * a work step, drawn like any other (first tool of a chain), and labelled as part of the anomaly.
 */
export function ensureToolCall(ctx: InjectionContext, role: string): NodeOf<"TOOL_CALL">[] {
  const tools = ctx.trajectory.nodes.filter(
    (node): node is NodeOf<"TOOL_CALL"> => node.node_type === "TOOL_CALL" && node.status === "completed",
  );
  if (tools.length > 0) return tools;
  const site = ctx.rng.pick(requireSites(ctx));
  const tool = ctx.fresh(toolCallNode(ctx.builder, ctx.builder.nextTool(null)));
  spliceAfter(ctx, site, tool, { role });
  ctx.markNode(tool, { role });
  return [tool];
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
