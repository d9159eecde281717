import { restateStep, resultQuote } from "../trajectory/content/index.ts";
import type { AnomalyMetadata, NodeOf, TrajectoryNode } from "../trajectory/model.ts";
import type { InjectionContext } from "./context.ts";

type ToolNode = NodeOf<"TOOL_CALL">;

/**
 * What the content-only types build on: steps that state what a tool call upstream of them returned, and the means
 * to make them state something else. Only text changes; ids, types, statuses, timings and edges stay as they were.
 */

/** What a step says it found: an LLM call's response, a reasoning step's conclusion, the final answer; else null. */
export function statedText(node: TrajectoryNode): string | null {
  switch (node.node_type) {
    case "LLM_CALL":
      return node.llm_response;
    case "REASONING":
      return node.reasoning_output.conclusion;
    case "ACTION":
      return node.final_output;
    default:
      return null;
  }
}

/** A completed step that states `quote`, what the completed tool call `tool` upstream of it returned. */
export interface QuotingStep {
  readonly step: TrajectoryNode;
  readonly tool: ToolNode;
  readonly quote: string;
}

/**
 * Every completed step that states a completed tool call's result (its `resultQuote`, in any case), with the latest
 * such tool call upstream of it, in node-list order. Reads the graph only: no draw from the stream.
 */
export function quotingSteps(ctx: InjectionContext): QuotingStep[] {
  const tools: Array<{ tool: ToolNode; quote: string; below: Set<TrajectoryNode> }> = [];
  for (const node of ctx.trajectory.nodes) {
    if (node.node_type !== "TOOL_CALL" || node.status !== "completed") continue;
    const quote = resultQuote(node);
    if (quote !== null) tools.push({ tool: node, quote: quote.toLowerCase(), below: new Set(ctx.descendants(node)) });
  }
  const found: QuotingStep[] = [];
  if (tools.length === 0) return found;
  for (const step of ctx.trajectory.nodes) {
    const text = step.status === "completed" ? statedText(step)?.toLowerCase() : undefined;
    if (text === undefined) continue;
    for (let i = tools.length - 1; i >= 0; i--) {
      const entry = tools[i] as (typeof tools)[number];
      if (entry.below.has(step) && text.includes(entry.quote)) {
        found.push({ step, tool: entry.tool, quote: resultQuote(entry.tool) as string });
        break;
      }
    }
  }
  return found;
}

/** Rewrites what `step` says so it states `stated` about `tool`'s result (null, null: as if it had no input). */
export function restate(ctx: InjectionContext, step: TrajectoryNode, tool: ToolNode | null, stated: string | null) {
  restateStep(ctx.rng, ctx.builder.topic, step, { tool, stated });
}

/**
 * The later steps that state what `tool` returned, downstream of `from`, now state `stated` instead (null: nothing
 * of it): the agent carries its misreading forward, up to the final answer. Each is labelled a symptom with
 * `metadata`; returns how many.
 */
export function repeatDownstream(
  ctx: InjectionContext,
  quoting: readonly QuotingStep[],
  from: TrajectoryNode,
  tool: ToolNode,
  stated: string | null,
  metadata: AnomalyMetadata,
  reach: (step: TrajectoryNode) => boolean = () => true,
): number {
  const below = new Set(ctx.descendants(from));
  let count = 0;
  for (const entry of quoting) {
    if (entry.tool !== tool || !below.has(entry.step) || !reach(entry.step)) continue;
    restate(ctx, entry.step, stated === null ? null : tool, stated);
    ctx.markNode(entry.step, metadata);
    count++;
  }
  return count;
}
