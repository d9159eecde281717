import { planStrategy, restateStep, stepInput, toolParameters } from "../trajectory/content/index.ts";
import type { NodeOf, TrajectoryNode } from "../trajectory/model.ts";
import type { InjectionContext } from "./context.ts";

/**
 * How an agent that makes no progress repeats itself in a real trace: not byte for byte. A model sampled again
 * words the same request and the same answer differently, while what it asks and what it learns stay the same; code
 * that repeats a call (a poll, a framework retry) sends the identical request, so exact repeats are the benign ones.
 * Beyond `easy`, a repetition of `original` is worded again from the generator's own phrasings (a search query drawn
 * again for the task, a model step restated on the same input), so no wording occurs only in anomalies and telling
 * "the same work again" from new work takes reading, not string equality. A plan is restated in other words with
 * the same steps, estimate and resources; other steps repeat as they were.
 */
export function rephraseRepeat(ctx: InjectionContext, original: TrajectoryNode, copy: TrajectoryNode): void {
  const topic = ctx.builder.topic;
  switch (copy.node_type) {
    case "TOOL_CALL":
      if (copy.tool_type === "WEB_SEARCH") {
        const query = toolParameters(ctx.rng, "WEB_SEARCH", topic, null).query;
        copy.tool_parameters = { ...copy.tool_parameters, ...(query === undefined ? {} : { query }) };
      }
      return;
    case "LLM_CALL":
    case "REASONING":
      restateStep(ctx.rng, topic, copy, stepInput(inputTool(ctx, original)));
      return;
    case "PLANNING":
      // The same plan in other words: its steps, estimate and resources do not move (a revision's do).
      copy.planning_output = { ...copy.planning_output, strategy: planStrategy(ctx.rng, topic) };
      return;
    default:
      return;
  }
}

/** The tool call whose result `node` consumes (its data dependency), or null. */
function inputTool(ctx: InjectionContext, node: TrajectoryNode): NodeOf<"TOOL_CALL"> | null {
  for (const edge of ctx.inEdges(node)) {
    if (edge.edge_type !== "data_dependency") continue;
    const source = ctx.node(edge.source_node_id);
    if (source.node_type === "TOOL_CALL") return source;
  }
  return null;
}
