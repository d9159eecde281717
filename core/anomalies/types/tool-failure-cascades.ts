import type { AnomalyMetadata, TrajectoryNode } from "../../trajectory/model.ts";
import { failToolCall } from "../../trajectory/node-factories.ts";
import { TOOL_LABELS } from "../../trajectory/tool-content.ts";
import { applyNodeVariance } from "../../trajectory/variance.ts";
import { TOOL_ERROR_CODES, type ToolErrorCode } from "../../trajectory/vocabulary.ts";
import { type InjectionContext, STEP_TYPES } from "../context.ts";
import { failConsumers } from "../propagate.ts";
import { ensureToolCall } from "../sites.ts";

/** Root causes that fail fast; a TIMEOUT root is a timeout cascade instead. */
const ROOT_ERROR_CODES = TOOL_ERROR_CODES.filter((code) => code !== "TIMEOUT");
/** A step whose input is missing gives up quickly: this share of its normal duration. */
const DEPENDENT_DURATION_FACTOR: readonly [number, number] = [0.1, 0.5];

/**
 * One tool call fails, and the failure propagates: the next steps downstream of it (along its control and data
 * edges, in execution order) fail in turn because their input is missing, up to the cascade length. Everything the
 * cascade touches is labelled, including the edges out of failed nodes (they deliver nothing).
 */
export function injectToolFailureCascade(ctx: InjectionContext): AnomalyMetadata {
  const length = ctx.count(ctx.config.parameters.tool_failure_cascades.cascade_length);
  const tools = ensureToolCall(ctx, "root_failure");
  // Every tool call has a step after it (the run ends in an ACTION), so any can start a cascade.
  const root = ctx.rng.pick(tools);
  const code = ctx.rng.pick(ROOT_ERROR_CODES) as ToolErrorCode;
  failToolCall(ctx.rng, root, code);
  applyNodeVariance(root, ctx.rng);
  const shared = { cascade_length: length };
  ctx.markNode(root, { ...shared, role: "root_failure", depth: 0 });
  const failed: TrajectoryNode[] = [root];
  dependents(ctx, root)
    .slice(0, length)
    .forEach((node, k) => {
      failDependent(ctx, node, root.tool_type);
      ctx.markNode(node, { ...shared, role: "propagated_failure", depth: k + 1 });
      failed.push(node);
    });
  failed.push(...failConsumers(ctx, failed, { ...shared, role: "starved_consumer" }));
  for (const node of failed) {
    for (const edge of ctx.outEdges(node)) ctx.markEdge(edge, { ...shared, role: "failure_propagation" });
  }
  return { ...shared, root_node_id: root.node_id, root_error_code: code, failed_nodes: failed.length };
}

function dependents(ctx: InjectionContext, root: TrajectoryNode): TrajectoryNode[] {
  return ctx
    .descendants(root)
    .filter((node) => node.status === "completed" && (STEP_TYPES.has(node.node_type) || node.node_type === "ACTION"));
}

function failDependent(ctx: InjectionContext, node: TrajectoryNode, rootTool: keyof typeof TOOL_LABELS): void {
  if (node.node_type === "TOOL_CALL") {
    failToolCall(ctx.rng, node, "INVALID_PARAMS");
    applyNodeVariance(node, ctx.rng);
    return;
  }
  node.status = "failed";
  node.error_code = "UPSTREAM_FAILED";
  node.error_message = `${node.node_type.toLowerCase()} failed: its input from ${TOOL_LABELS[rootTool]} is missing`;
  node.duration = Math.max(1, Math.round(node.duration * 1000 * ctx.rng.float(...DEPENDENT_DURATION_FACTOR))) / 1000;
  if (node.node_type === "VALIDATION") node.validation_result = false;
  else if (node.node_type === "MEMORY_ACCESS") node.memory_success = false;
  else if (node.node_type === "HANDOFF") node.handoff_success = false;
}
