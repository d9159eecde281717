import { round3 } from "../../trajectory/builder.ts";
import { contradictQuote } from "../../trajectory/content/index.ts";
import type { AnomalyMetadata, TrajectoryNode } from "../../trajectory/model.ts";
import type { InjectionContext } from "../context.ts";
import { type QuotingStep, quotingSteps, repeatDownstream, restate, statedText } from "../misstatements.ts";
import { preferUnclaimed } from "../sites.ts";

/** A check and the work it checks: a step that states a tool's result. */
export interface VerifiedWork {
  readonly verification: TrajectoryNode;
  readonly work: QuotingStep;
}

/**
 * A verification passes wrong work: the step it checks (the nearest step before it that states a tool's result)
 * states a value its tool did not return (as a misreading does), and the check still passes it: a VALIDATION keeps `validation_result: true` and its normal
 * score, a validation LLM call answers "consistent" and repeats the wrong value, though its prompt quotes the real
 * result. Later steps that state the same result repeat the wrong value. Only text changes.
 *
 * The root cause is the wrong work step, where the wrong value enters the run (correcting it alone makes the run
 * right; the pass only lets it through). The verification that passes it is labelled `false_pass` (a symptom in
 * `anomaly_role`, though it does not follow from the error but fails to catch it): it is what sets this type apart
 * from `misread_tool_results`, where no check follows the misreading step.
 */
export function injectIncorrectVerification(ctx: InjectionContext): AnomalyMetadata {
  const error = ctx.value(ctx.config.parameters.incorrect_verifications.value_error);
  const quoting = quotingSteps(ctx);
  const sites = preferUnclaimed(ctx, verifiedWork(ctx, quoting), (site) => site.work.step);
  if (sites.length === 0) throw new RangeError("incorrect_verifications: no passing check follows a stated finding");
  const { verification, work } = ctx.rng.pick(sites);
  const { step, tool, quote } = work;
  const stated = contradictQuote(ctx.rng, quote, error);
  const shared = { value_error: round3(error) };
  restate(ctx, step, tool, stated);
  ctx.markNode(
    step,
    { ...shared, role: "wrong_work", tool_node_id: tool.node_id, returned: quote, stated },
    "root_cause",
  );
  // A validation LLM call that stated the real result now endorses the wrong one; a VALIDATION passes as it was.
  const endorses = statedText(verification)?.toLowerCase().includes(quote.toLowerCase()) === true;
  if (endorses) restate(ctx, verification, tool, stated);
  ctx.markNode(verification, { ...shared, role: "false_pass", checked_node_id: step.node_id, endorses });
  const repeats = repeatDownstream(
    ctx,
    quoting,
    step,
    tool,
    stated,
    { ...shared, role: "repeated_misreading", tool_node_id: tool.node_id, stated },
    (later) => later !== verification,
  );
  return {
    ...shared,
    verification_node_id: verification.node_id,
    checked_node_id: step.node_id,
    tool_node_id: tool.node_id,
    repeated_steps: repeats,
  };
}

/**
 * Passing checks (a VALIDATION with `validation_result: true`, a validation LLM call) and the work each checks: the
 * nearest step before it on its control path (walking back through single predecessors, past tool calls, handoffs
 * and observations) that states a tool's result, other than the final answer. Reads the graph only.
 */
export function verifiedWork(ctx: InjectionContext, quoting: readonly QuotingStep[]): VerifiedWork[] {
  const byStep = new Map(quoting.map((entry) => [entry.step, entry]));
  const found: VerifiedWork[] = [];
  for (const node of ctx.trajectory.nodes) {
    if (node.status !== "completed") continue;
    const passes =
      (node.node_type === "VALIDATION" && node.validation_result) ||
      (node.node_type === "LLM_CALL" && node.llm_purpose === "validation_analysis");
    if (!passes) continue;
    let checked = single(ctx.controlPredecessors(node));
    while (checked !== undefined && !byStep.has(checked) && PASSED_OVER.has(checked.node_type))
      checked = single(ctx.controlPredecessors(checked));
    const work = checked === undefined ? undefined : byStep.get(checked);
    if (work !== undefined && work.step.node_type !== "ACTION") found.push({ verification: node, work });
  }
  return found;
}

/** What lies between a step and the check of it without being checked work itself. */
const PASSED_OVER: ReadonlySet<string> = new Set(["TOOL_CALL", "HANDOFF", "OBSERVATION", "MEMORY_ACCESS"]);

function single<T>(items: readonly T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}
