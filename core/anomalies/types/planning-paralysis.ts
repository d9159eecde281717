import type { AnomalyMetadata, NodeOf, TrajectoryNode } from "../../trajectory/model.ts";
import { llmCallNode } from "../../trajectory/node-factories.ts";
import type { InjectionContext } from "../context.ts";
import { repeatOf } from "../node-copies.ts";

/** Share of extra rounds that are a PLANNING node; the rest are planning LLM calls. */
const PLANNING_NODE_SHARE = 0.7;

/**
 * The agent keeps re-planning instead of acting: after its plan, a run of further planning rounds (PLANNING nodes and
 * planning LLM calls by the planner, each a new plan for the same work) comes before the first execution step.
 * The execution that the plan led to now starts after the last round.
 */
export function injectPlanningParalysis(ctx: InjectionContext): AnomalyMetadata {
  const rounds = ctx.planned("extra_rounds");
  const plans = ctx.trajectory.nodes.filter((node): node is NodeOf<"PLANNING"> => node.node_type === "PLANNING");
  const plan = plans[0];
  if (plan === undefined) throw new RangeError("trajectory has no PLANNING node");
  const exits = ctx.outEdges(plan).filter((edge) => edge.edge_type !== "data_dependency");
  const shared = { extra_rounds: rounds };
  let previous: TrajectoryNode = plan;
  for (let round = 1; round <= rounds; round++) {
    // No progress: a planning round restates the plan it started from (same strategy and estimate), where a
    // benign re-plan revises it.
    const node = ctx.rng.chance(PLANNING_NODE_SHARE)
      ? repeatOf(ctx, plan)
      : ctx.fresh(llmCallNode(ctx.builder, "planning", "PLANNER"));
    ctx.insertAfter(previous, node);
    ctx.markNode(node, { ...shared, role: "replanning", round });
    ctx.link(previous, node, "sequential", { ...shared, role: "replanning", round });
    previous = node;
  }
  for (const edge of exits) ctx.moveSource(edge, previous, { ...shared, role: "delayed_execution" });
  return { ...shared, plan_node_id: plan.node_id, added_nodes: rounds };
}
