import type { AnomalyMetadata, TrajectoryNode } from "../../trajectory/model.ts";
import type { InjectionContext } from "../context.ts";
import { repeatOf } from "../node-copies.ts";
import { isWork, requireSites, singleControlOut } from "../sites.ts";

/**
 * A run of work steps repeats with identical inputs and outputs (no progress) until an iteration limit cuts it off.
 * As a tracer records it, every repetition is a new span: the iterations are new nodes chained one after another
 * (the same representation as a benign retry or a poll), never an edge back into a finished node. What marks the
 * loop is its meaning: nothing changes from one iteration to the next, and the run does not progress through it.
 */
export function injectInfiniteLoop(ctx: InjectionContext): AnomalyMetadata {
  const wanted = ctx.planned("loop_length");
  // The loop adds exactly the nodes its plan left room for. Where no run of `wanted` steps exists, a shorter body
  // that divides that number repeats more often (a single step always does).
  const added = wanted * ctx.planned("iterations");
  const bodies = requireSites(ctx).map((tail) => {
    const body = loopBody(ctx, tail, wanted);
    let length = body.length;
    while (added % length !== 0) length--;
    return body.slice(body.length - length);
  });
  const longest = Math.max(...bodies.map((candidate) => candidate.length));
  const body = ctx.rng.pick(bodies.filter((candidate) => candidate.length === longest));
  const tail = body.at(-1) as TrajectoryNode;
  const head = body[0] as TrajectoryNode;
  const loopLength = body.length;
  const iterations = added / loopLength;
  const shared = { loop_length: loopLength, iterations };
  const exit = singleControlOut(ctx, tail);
  if (exit === undefined) throw new RangeError("loop tail lost its exit edge");
  // The body's first pass is legitimate work and stays unlabelled; the first repetition is the root cause.

  let previousTail = tail;
  let anchor = tail;
  for (let iteration = 1; iteration <= iterations; iteration++) {
    let previous = previousTail;
    body.forEach((original, position) => {
      const copy = repeatOf(ctx, original);
      ctx.insertAfter(anchor, copy);
      anchor = copy;
      ctx.markNode(
        copy,
        { ...shared, role: "repetition", iteration, position, repeats: original.node_id },
        iteration === 1 && position === 0 ? "root_cause" : "symptom",
      );
      ctx.link(previous, copy, "sequential", { ...shared, role: "repetition", iteration });
      previous = copy;
    });
    previousTail = previous;
  }
  ctx.moveSource(exit, previousTail, { ...shared, role: "loop_exit" });
  return { ...shared, head_node_id: head.node_id, added_nodes: loopLength * iterations };
}

/** Up to `wanted` consecutive work steps ending at `tail`, each the single control predecessor of the next. */
function loopBody(ctx: InjectionContext, tail: TrajectoryNode, wanted: number): TrajectoryNode[] {
  const body: TrajectoryNode[] = [tail];
  while (body.length < wanted) {
    const predecessors = ctx.controlPredecessors(body[0] as TrajectoryNode);
    const previous = predecessors[0];
    if (predecessors.length !== 1 || previous === undefined || !isWork(previous)) break;
    if (singleControlOut(ctx, previous) === undefined) break;
    body.unshift(previous);
  }
  return body;
}
