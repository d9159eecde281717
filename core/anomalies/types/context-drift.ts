import { dataTypeOf } from "../../trajectory/builder.ts";
import { driftTopic, restateStep, stepInput } from "../../trajectory/content/index.ts";
import type { AnomalyMetadata, NodeOf, TrajectoryNode } from "../../trajectory/model.ts";
import { toolCallNode } from "../../trajectory/node-factories.ts";
import { TOOL_TYPES, type ToolType } from "../../trajectory/vocabulary.ts";
import type { InjectionContext } from "../context.ts";
import {
  becomeToolCall,
  ensureToolCall,
  isWork,
  preferUnclaimed,
  requireSites,
  singleControlOut,
  spliceAfter,
} from "../sites.ts";

type ToolNode = NodeOf<"TOOL_CALL">;

/**
 * The agent loses the thread: from a drift point on, its tool calls stop following from what it was doing. Normal
 * tool sequences follow the configured transition table (each tool is a plausible next step after the previous
 * one); a drifted call jumps to a tool the table never leads to from the previous tool, with its own parameters and
 * results, and the drift persists to the end. The work drifts in content too: the drifted calls work on an unrelated
 * topic (their queries, files and results are about it), and the steps that consume their output restate it.
 * The drift fraction is the share of the path's tool calls affected.
 */
export function injectContextDrift(ctx: InjectionContext): AnomalyMetadata {
  const fraction = ctx.value(ctx.config.parameters.context_drift.drift_fraction);
  let path = preferUnclaimed(ctx, toolPath(ctx), (entry) => entry.tool);
  if (path.length === 0) {
    // No tool call follows another: two consecutive work steps become one (the one before is the anchor, the one
    // after drifts below), so the trajectory keeps its drawn node count. Only a run without two consecutive work
    // steps gets a tool call spliced in.
    const placeholder = convertPair(ctx) ?? splicePlaceholder(ctx);
    path = toolPath(ctx).filter((entry) => entry.tool === placeholder);
    // A placeholder after a call of its own tool (a retry) still drifts, away from that tool.
    if (path.length === 0) path = [{ tool: placeholder, previous: previousTool(ctx, placeholder) ?? placeholder }];
  }
  const count = Math.max(1, Math.round(fraction * path.length));
  const drifted = path.slice(path.length - count);
  const shared = { drift_fraction: Math.round(fraction * 1000) / 1000 };
  const topic = driftTopic(ctx.rng, ctx.builder.topic);
  drifted.forEach(({ tool, previous }, position) => {
    const from = previous.tool_type;
    const target = offTableTool(ctx, from, tool.tool_type);
    const replacement = ctx.fresh(toolCallNode(ctx.builder, target, tool.agent_type, null, topic));
    replacement.node_id = tool.node_id;
    ctx.replaceNode(tool, replacement);
    // Whatever leaves the call now carries its new output (and its delivery counters).
    for (const edge of ctx.outEdges(replacement)) {
      if (edge.edge_type === "data_dependency") {
        edge.data_type = dataTypeOf(replacement);
        // A step that consumes the drifted output now talks about it: the work has moved off the task.
        const consumer = ctx.node(edge.target_node_id);
        if (consumer.node_type === "LLM_CALL" || consumer.node_type === "REASONING") {
          restateStep(ctx.rng, topic, consumer, stepInput(replacement));
          ctx.markNode(consumer, { ...shared, role: "drifted_consumer" });
        }
      }
      ctx.markEdge(edge, { ...shared, role: "drifted_output" });
    }
    ctx.markNode(replacement, {
      ...shared,
      role: "drifted_step",
      position,
      previous_tool: from,
      replaced_tool: tool.tool_type,
    });
  });
  return { ...shared, drifted_steps: drifted.length, path_tool_calls: path.length };
}

/**
 * Picks a work step (failing that, a validation) whose previous work step (walking back through single predecessors) is not a tool call of the
 * same kind, and makes both tool calls where they are not: the first becomes the anchor (a tool other than the
 * second's), the second follows it in the transition table. Returns the second, or null when no pair exists.
 */
function convertPair(ctx: InjectionContext): ToolNode | null {
  let pairs = workPairs(ctx, ctx.steps(isWork));
  // Runs whose work steps each follow a fork (one-step branches) drift at the check after a step instead.
  if (pairs.length === 0)
    pairs = workPairs(
      ctx,
      ctx.steps((node) => node.node_type === "VALIDATION" && node.status === "completed"),
    );
  if (pairs.length === 0) return null;
  const { before, after } = ctx.rng.pick(pairs);
  let anchor: ToolNode;
  if (before.node_type === "TOOL_CALL") {
    anchor = before;
  } else {
    const avoid = after.node_type === "TOOL_CALL" ? after.tool_type : null;
    // The anchor is ordinary work turned into a tool call: not part of the anomaly, so unlabelled.
    anchor = ctx.unlabelled(() =>
      becomeToolCall(ctx, before, "drift_anchor", ctx.rng.pick(TOOL_TYPES.filter((tool) => tool !== avoid))),
    );
  }
  if (after.node_type === "TOOL_CALL") return after;
  return becomeToolCall(ctx, after, "drifted_step", ctx.builder.nextTool(anchor.tool_type));
}

function workPairs(
  ctx: InjectionContext,
  candidates: readonly TrajectoryNode[],
): Array<{ before: TrajectoryNode; after: TrajectoryNode }> {
  const pairs: Array<{ before: TrajectoryNode; after: TrajectoryNode }> = [];
  for (const after of candidates) {
    // A retry repeats the failed call before it on purpose: the path cannot drift there (see `toolPath`).
    if (after.node_type === "TOOL_CALL" && after.retry_count > 0) continue;
    const before = previousWork(ctx, after);
    if (before !== null && !(before.node_type === "TOOL_CALL" && after.node_type === "TOOL_CALL"))
      pairs.push({ before, after });
  }
  return pairs;
}

function previousWork(ctx: InjectionContext, node: TrajectoryNode): TrajectoryNode | null {
  let current = node;
  for (;;) {
    const predecessors = ctx.controlPredecessors(current);
    const previous = predecessors[0];
    if (predecessors.length !== 1 || previous === undefined) return null;
    if (isWork(previous)) return previous;
    current = previous;
  }
}

/** A tool call spliced in after a drift anchor (runs with no two consecutive work steps). */
function splicePlaceholder(ctx: InjectionContext): ToolNode {
  const anchor = ctx.unlabelled(() => driftAnchor(ctx));
  const placeholder = ctx.fresh(toolCallNode(ctx.builder, ctx.builder.nextTool(anchor.tool_type), anchor.agent_type));
  spliceAfter(ctx, anchor, placeholder, { role: "drifted_step" });
  return placeholder;
}

/** A tool call with one way out to drift after; one is spliced in after a work step when no tool call has one. */
function driftAnchor(ctx: InjectionContext): ToolNode {
  const tools = ensureToolCall(ctx, "drift_anchor").filter((tool) => singleControlOut(ctx, tool) !== undefined);
  if (tools.length > 0) return ctx.rng.pick(tools);
  const site = ctx.rng.pick(requireSites(ctx));
  const tool = ctx.fresh(toolCallNode(ctx.builder, ctx.builder.nextTool(null)));
  spliceAfter(ctx, site, tool, { role: "drift_anchor" });
  ctx.markNode(tool, { role: "drift_anchor" });
  return tool;
}

/**
 * Completed tool calls that have a previous tool call on their control path (walking back through single
 * predecessors), in node-list order, excluding retries of the same tool (error recovery repeats a tool on purpose).
 */
function toolPath(ctx: InjectionContext): Array<{ tool: ToolNode; previous: ToolNode }> {
  const result: Array<{ tool: ToolNode; previous: ToolNode }> = [];
  for (const node of ctx.trajectory.nodes) {
    if (node.node_type !== "TOOL_CALL" || node.status !== "completed") continue;
    const previous = previousTool(ctx, node);
    if (previous !== null && previous.tool_type !== node.tool_type) result.push({ tool: node, previous });
  }
  return result;
}

function previousTool(ctx: InjectionContext, node: TrajectoryNode): ToolNode | null {
  let current = node;
  for (;;) {
    const predecessors = ctx.controlPredecessors(current);
    const previous = predecessors[0];
    if (predecessors.length !== 1 || previous === undefined) return null;
    // Failed attempts are not where the path came from: their retry is.
    if (previous.node_type === "TOOL_CALL" && previous.status === "completed") return previous;
    current = previous;
  }
}

/** A tool the transition table gives probability 0 after `from`, other than `from` and the tool it replaces. */
function offTableTool(ctx: InjectionContext, from: ToolType, current: ToolType): ToolType {
  const row = ctx.builder.config.toolTransitions[from];
  const choices = TOOL_TYPES.filter((tool) => tool !== from && tool !== current && !((row[tool] ?? 0) > 0));
  return ctx.rng.pick(choices.length > 0 ? choices : TOOL_TYPES.filter((tool) => tool !== from && tool !== current));
}
