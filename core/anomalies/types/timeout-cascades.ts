import type { AnomalyMetadata, NodeOf, TrajectoryNode } from "../../trajectory/model.ts";
import { failToolCall } from "../../trajectory/node-factories.ts";
import type { InjectionContext } from "../context.ts";
import { failConsumers } from "../propagate.ts";
import { ensureToolCall } from "../sites.ts";

/**
 * A tool call times out after waiting its usual time plus a delay, and the timeouts cascade: the next tool calls downstream time out too.
 * Each timed-out call lasts as long as its wait, and because times are recomputed along the graph, every step
 * downstream starts and ends later by the delay (nothing overlaps). Edges out of a timed-out call are labelled
 * (they carry its timeout), and so is every step downstream that starts late because of the wait: a symptom.
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
    // The call waits until its own `timeout` parameter when it has one, else its usual time plus the delay.
    const before = node.duration;
    const limit = node.tool_parameters.timeout;
    const drawn = Math.round(ctx.value(parameters.timeout_seconds) * 1000) / 1000;
    failToolCall(ctx.rng, node, "TIMEOUT");
    // A call with its own timeout stops exactly there; one without waits its usual time plus the drawn delay.
    node.duration = typeof limit === "number" ? limit : Math.round((before + drawn) * 1000) / 1000;
    const delay = Math.round((node.duration - before) * 1000) / 1000;
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
  // Every step downstream of the first timeout starts later by the wait: real symptoms, so labelled.
  const starved = failConsumers(
    ctx,
    chain,
    { timeouts: chain.length, role: "starved_consumer" },
    { keepDuration: true },
  );
  const timedOut = new Set<TrajectoryNode>([...chain, ...starved]);
  for (const node of ctx.descendants(root))
    if (!timedOut.has(node)) ctx.markNode(node, { timeouts: chain.length, role: "delayed" });
  return {
    timeouts: chain.length,
    root_node_id: root.node_id,
    added_delay_seconds: Math.round(totalDelay * 1000) / 1000,
  };
}
