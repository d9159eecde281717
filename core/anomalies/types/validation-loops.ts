import { round3 } from "../../trajectory/builder.ts";
import type { AnomalyMetadata, NodeOf, TrajectoryNode } from "../../trajectory/model.ts";
import { validationNode } from "../../trajectory/node-factories.ts";
import type { InjectionContext } from "../context.ts";
import { freshLike, repeatOf } from "../node-copies.ts";
import { setupNodes } from "../plan.ts";
import { isWork, requireSites, singleControlOut, spliceAfter } from "../sites.ts";

type ValidationNode = NodeOf<"VALIDATION">;

/** Scores of a rejected validation: below the lowest passing score (0.7). */
const REJECTED_SCORE: readonly [number, number] = [0.4, 0.69];

/**
 * A validation keeps rejecting the work: the step it checks is redone (one more retry, but the same inputs and the
 * same output: no progress) and validated again, over and over, without converging. Each rework is a new node after
 * the rejection (as a benign revision is), never an edge back into the finished step. The loop ends at an iteration
 * limit: with a last pass for low and medium severity, still rejected (and the run carries on regardless) for high
 * and critical.
 */
export function injectValidationLoop(ctx: InjectionContext): AnomalyMetadata {
  const iterations = ctx.planned("iterations");
  // The checked step and the first (correct) rejection are legitimate; the reworks that make no progress are not.
  const { validation, producer } = ctx.unlabelled(() => pickValidation(ctx));
  const exit = singleControlOut(ctx, validation);
  if (exit === undefined) throw new RangeError("validation has no single exit edge");
  const passesAtEnd = ctx.severity === "low" || ctx.severity === "medium";
  const shared = { iterations };
  reject(ctx, validation);
  let previous: ValidationNode = validation;
  for (let iteration = 1; iteration <= iterations; iteration++) {
    // No progress: the rework repeats the step's inputs and output, so the check rejects it again.
    const rework = repeatOf(ctx, producer);
    rework.retry_count = producer.retry_count + iteration;
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
  const sites = requireSites(ctx);
  const work = sites.filter(isWork);
  const producer = ctx.rng.pick(work.length > 0 ? work : sites);
  const validation = ctx.fresh(validationNode(ctx.builder));
  spliceAfter(ctx, producer, validation, { role: "rejection" });
  return { validation, producer };
}
