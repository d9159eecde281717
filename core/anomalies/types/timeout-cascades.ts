import type { AnomalyMetadata, NodeOf } from "../../trajectory/model.ts";
import { failToolCall } from "../../trajectory/node-factories.ts";
import type { InjectionContext } from "../context.ts";
import { ensureToolCall } from "../sites.ts";

/**
 * A tool call times out after waiting its usual time plus a delay, and the timeouts cascade: the next tool calls downstream time out too.
 * Each timed-out call lasts as long as its wait, and because times are recomputed along the graph, every step
 * downstream starts and ends later by the delay (nothing overlaps). Edges out of a timed-out call are labelled
 * (they carry its timeout). Steps that are merely late are not labelled: they did nothing wrong.
 */
export function injectTimeoutCascade(ctx: InjectionContext): AnomalyMetadata {
  const parameters = ctx.config.parameters.timeout_cascades;
  const wanted = ctx.count(parameters.timeouts);
  const tools = ensureToolCall(ctx, "root_timeout");
  const downstreamTools = (tool: NodeOf<"TOOL_CALL">) =>
    ctx
      .descendants(tool)
      .filter((node): node is NodeOf<"TOOL_CALL"> => node.node_type === "TOOL_CALL" && node.status === "completed");
  const root = ctx.rng.pick(tools);
  const chain = [root, ...downstreamTools(root).slice(0, wanted - 1)];
  let totalDelay = 0;
  chain.forEach((node, position) => {
    // The call waits its usual time plus the delay before giving up.
    const before = node.duration;
    const delay = Math.round(ctx.value(parameters.timeout_seconds) * 1000) / 1000;
    failToolCall(ctx.rng, node, "TIMEOUT");
    node.duration = Math.round((before + delay) * 1000) / 1000;
    totalDelay += delay;
    ctx.markNode(node, {
      timeouts: chain.length,
      role: position === 0 ? "root_timeout" : "cascaded_timeout",
      position,
      delay_seconds: delay,
      timeout_seconds: node.duration,
    });
    for (const edge of ctx.outEdges(node)) ctx.markEdge(edge, { role: "delayed", position });
  });
  return {
    timeouts: chain.length,
    root_node_id: root.node_id,
    added_delay_seconds: Math.round(totalDelay * 1000) / 1000,
  };
}
