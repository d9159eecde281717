import { round3 } from "../../trajectory/builder.ts";
import type { AnomalyMetadata, NodeOf, TrajectoryNode } from "../../trajectory/model.ts";
import { validationNode } from "../../trajectory/node-factories.ts";
import type { InjectionContext } from "../context.ts";
import { freshLike } from "../node-copies.ts";
import { setupNodes } from "../plan.ts";
import { isWork, requireSites, singleControlOut, spliceAfter } from "../sites.ts";

type ValidationNode = NodeOf<"VALIDATION">;

/** Scores of a rejected validation: below the lowest passing score (0.7). */
const REJECTED_SCORE: readonly [number, number] = [0.3, 0.69];

/**
 * A validation keeps rejecting the work: the step it checks is redone (a new attempt, new content, one more retry)
 * and validated again, over and over, without converging. Each rejection has a back edge to the step being
 * reworked (a real cycle), and the loop ends at an iteration limit: with a last pass for low and medium severity,
 * still rejected (and the run carries on regardless) for high and critical.
 */
export function injectValidationLoop(ctx: InjectionContext): AnomalyMetadata {
  const iterations = ctx.planned("iterations");
  const { validation, producer } = pickValidation(ctx);
  const exit = singleControlOut(ctx, validation);
  if (exit === undefined) throw new RangeError("validation has no single exit edge");
  const passesAtEnd = ctx.severity === "low" || ctx.severity === "medium";
  const shared = { iterations };
  reject(ctx, validation);
  ctx.markNode(producer, { ...shared, role: "reworked_step", iteration: 0 });
  ctx.markNode(validation, { ...shared, role: "rejection", iteration: 0 });
  let previous: ValidationNode = validation;
  for (let iteration = 1; iteration <= iterations; iteration++) {
    ctx.link(previous, producer, "recovery", { ...shared, role: "back_edge", iteration });
    const rework = freshLike(ctx, producer);
    rework.retry_count = iteration;
    const check = freshLike(ctx, validation) as ValidationNode;
    check.validation_criteria = [...validation.validation_criteria];
    check.description = validation.description;
    const last = iteration === iterations;
    if (!(last && passesAtEnd)) reject(ctx, check);
    ctx.insertAfter(previous, rework);
    ctx.insertAfter(rework, check);
    ctx.link(previous, rework, "recovery", { ...shared, role: "rework", iteration });
    ctx.link(rework, check, "sequential", { ...shared, role: "revalidation", iteration });
    ctx.markNode(rework, { ...shared, role: "rework", iteration });
    ctx.markNode(check, { ...shared, role: check.validation_result ? "final_pass" : "rejection", iteration });
    previous = check;
  }
  ctx.moveSource(exit, previous, { ...shared, role: "loop_exit" });
  return { ...shared, validation_node_id: validation.node_id, converged: passesAtEnd, added_nodes: 2 * iterations };
}

function reject(ctx: InjectionContext, node: ValidationNode): void {
  node.validation_result = false;
  node.validation_score = round3(ctx.rng.float(...REJECTED_SCORE));
}

/**
 * A validation directly after a work step. Where the pattern does not always have one, the plan left room for a new
 * validation, which is spliced in after a work step (so the node count does not depend on what the graph has).
 */
function pickValidation(ctx: InjectionContext): { validation: ValidationNode; producer: TrajectoryNode } {
  const candidates: Array<{ validation: ValidationNode; producer: TrajectoryNode }> = [];
  if (setupNodes("validation_loops", ctx.trajectory.pattern) > 0) return spliceValidation(ctx);
  for (const node of ctx.trajectory.nodes) {
    if (node.node_type !== "VALIDATION" || node.status !== "completed" || singleControlOut(ctx, node) === undefined)
      continue;
    const producers = ctx.controlPredecessors(node);
    const producer = producers[0];
    if (producers.length === 1 && producer !== undefined && isWork(producer))
      candidates.push({ validation: node, producer });
  }
  if (candidates.length > 0) return ctx.rng.pick(candidates);
  return spliceValidation(ctx);
}

function spliceValidation(ctx: InjectionContext): { validation: ValidationNode; producer: TrajectoryNode } {
  const producer = ctx.rng.pick(requireSites(ctx).filter(isWork));
  const validation = ctx.fresh(validationNode(ctx.builder));
  spliceAfter(ctx, producer, validation, { role: "rejection" });
  return { validation, producer };
}
