import type { AnomalyMetadata, TrajectoryNode } from "../../trajectory/model.ts";
import type { InjectionContext } from "../context.ts";
import { repeatOf } from "../node-copies.ts";
import { isWork, requireSites, singleControlOut } from "../sites.ts";

/**
 * A detour: after some step the agent redoes work it has already done earlier on its path (the same tool calls with
 * the same parameters and results, the same reasoning), in no particular order, then carries on. Nothing downstream
 * uses the redone work, so the path is longer than it needed to be. Unlike a loop there is no cycle and the repeats
 * are not of the step just done.
 */
export function injectSuboptimalPath(ctx: InjectionContext): AnomalyMetadata {
  const extra = ctx.planned("extra_steps");
  // Sites in random order; the first with earlier work wins (a run whose only work step is last redoes that step).
  const sites = ctx.rng.shuffle(
    ctx.steps((node) => node.status === "completed" && singleControlOut(ctx, node) !== undefined),
  );
  let choice: { site: TrajectoryNode; earlier: TrajectoryNode[] } | undefined;
  for (const site of sites) {
    const earlier = earlierWork(ctx, site);
    if (earlier.length > 0) {
      choice = { site, earlier };
      break;
    }
  }
  if (choice === undefined) {
    const site = ctx.rng.pick(requireSites(ctx));
    choice = { site, earlier: [site] };
  }
  const { site, earlier } = choice;
  const exit = singleControlOut(ctx, site);
  if (exit === undefined) throw new RangeError("detour site lost its exit edge");
  const shared = { extra_steps: extra };
  let previous = site;
  for (let step = 1; step <= extra; step++) {
    const original = ctx.rng.pick(earlier);
    const copy = repeatOf(ctx, original);
    ctx.insertAfter(previous, copy);
    ctx.markNode(copy, { ...shared, role: "redundant_step", step, repeats: original.node_id });
    ctx.link(previous, copy, "sequential", { ...shared, role: "detour", step });
    previous = copy;
  }
  ctx.moveSource(exit, previous, { ...shared, role: "detour_exit" });
  return { ...shared, site_node_id: site.node_id, added_nodes: extra };
}

/** Completed work steps on the way to `site` (its ancestors), excluding the site itself. */
function earlierWork(ctx: InjectionContext, site: TrajectoryNode): TrajectoryNode[] {
  const seen = new Set<string>([site.node_id]);
  const stack = [site];
  const found: TrajectoryNode[] = [];
  while (stack.length > 0) {
    const current = stack.pop() as TrajectoryNode;
    for (const edge of ctx.inEdges(current)) {
      if (seen.has(edge.source_node_id)) continue;
      seen.add(edge.source_node_id);
      const source = ctx.node(edge.source_node_id);
      if (isWork(source)) found.push(source);
      stack.push(source);
    }
  }
  // Node-list order, so the pick does not depend on traversal order.
  const wanted = new Set(found);
  return ctx.trajectory.nodes.filter((node) => wanted.has(node));
}
