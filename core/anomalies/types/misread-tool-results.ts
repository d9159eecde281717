import { round3 } from "../../trajectory/builder.ts";
import { contradictQuote } from "../../trajectory/content/index.ts";
import type { AnomalyMetadata } from "../../trajectory/model.ts";
import type { InjectionContext } from "../context.ts";
import { type QuotingStep, quotingSteps, repeatDownstream, restate } from "../misstatements.ts";
import { preferUnclaimed } from "../sites.ts";

/**
 * A tool result misread by the step that consumes it: the step states a value the tool did not return (the tool's
 * finding with its number changed by `value_error`, relative), while its prompt still quotes the real result. The
 * later steps that state the same result (often the final answer) repeat the wrong value. Only text changes: the
 * graph, statuses, timings, counts and every other field stay as in the normal run. The misreading step is the root
 * cause, the repeats its symptoms.
 */
export function injectMisreadToolResult(ctx: InjectionContext): AnomalyMetadata {
  const error = ctx.value(ctx.config.parameters.misread_tool_results.value_error);
  const quoting = quotingSteps(ctx);
  const sites = preferUnclaimed(ctx, misreadSites(quoting), (site) => site.step);
  if (sites.length === 0) throw new RangeError("misread_tool_results: no step states a tool's result");
  const { step, tool, quote } = ctx.rng.pick(sites);
  const stated = contradictQuote(ctx.rng, quote, error);
  const shared = { value_error: round3(error) };
  restate(ctx, step, tool, stated);
  ctx.markNode(
    step,
    { ...shared, role: "misreading_step", tool_node_id: tool.node_id, returned: quote, stated },
    "root_cause",
  );
  const repeats = repeatDownstream(ctx, quoting, step, tool, stated, {
    ...shared,
    role: "repeated_misreading",
    tool_node_id: tool.node_id,
    stated,
  });
  return { ...shared, tool_node_id: tool.node_id, misreading_node_id: step.node_id, repeated_steps: repeats };
}

/** Steps that state a tool's result, the final answer only when no other step does. */
export function misreadSites(quoting: readonly QuotingStep[]): QuotingStep[] {
  const steps = quoting.filter((entry) => entry.step.node_type !== "ACTION");
  return steps.length > 0 ? steps : [...quoting];
}
