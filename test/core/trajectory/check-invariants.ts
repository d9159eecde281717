import {
  AGENT_TYPES,
  edgeReliabilityScore,
  isAcyclic,
  isNodeFailed,
  nodePerformanceScore,
  reachableFrom,
  TOOL_TYPES,
  type Trajectory,
  type TrajectoryNode,
} from "../../../core/trajectory/index.ts";

/**
 * Every invariant a normal trajectory must satisfy, checked independently of the engine's own bookkeeping.
 * Returns the violations (empty when the trajectory is sound) so a failure names what broke.
 */
export function trajectoryViolations(t: Trajectory, bounds?: { minNodes: number; maxNodes: number }): string[] {
  const problems: string[] = [];
  const fail = (message: string) => problems.push(message);
  const byId = new Map<string, TrajectoryNode>();
  for (const node of t.nodes) {
    if (byId.has(node.node_id)) fail(`duplicate node id ${node.node_id}`);
    byId.set(node.node_id, node);
  }
  if (bounds !== undefined && (t.nodes.length < bounds.minNodes || t.nodes.length > bounds.maxNodes)) {
    fail(`node count ${t.nodes.length} outside [${bounds.minNodes}, ${bounds.maxNodes}]`);
  }
  const starts = t.nodes.filter((node) => node.node_type === "USER_ENQUIRY");
  const actions = t.nodes.filter((node) => node.node_type === "ACTION");
  if (starts.length !== 1) fail(`expected one USER_ENQUIRY, got ${starts.length}`);
  if (actions.length !== 1) fail(`expected one ACTION, got ${actions.length}`);
  if (t.nodes[0]?.node_type !== "USER_ENQUIRY") fail("first node is not the USER_ENQUIRY");
  if (t.nodes.at(-1)?.node_type !== "ACTION") fail("last node is not the ACTION");

  const edgeIds = new Set<string>();
  const pairs = new Set<string>();
  const outgoing = new Map<string, number>();
  let dangling = false;
  const incoming = new Map<string, number>();
  for (const edge of t.edges) {
    if (edgeIds.has(edge.edge_id) || byId.has(edge.edge_id)) fail(`duplicate id ${edge.edge_id}`);
    edgeIds.add(edge.edge_id);
    const source = byId.get(edge.source_node_id);
    const target = byId.get(edge.target_node_id);
    if (source === undefined || target === undefined) {
      fail(`edge ${edge.edge_id} has a missing endpoint`);
      dangling = true;
      continue;
    }
    const pair = `${edge.source_node_id}>${edge.target_node_id}`;
    if (pairs.has(pair)) fail(`two edges between the same nodes ${pair}`);
    pairs.add(pair);
    if (edge.source_node_id === edge.target_node_id) fail(`self loop on ${edge.source_node_id}`);
    if (edge.edge_type !== "data_dependency") {
      outgoing.set(edge.source_node_id, (outgoing.get(edge.source_node_id) ?? 0) + 1);
      incoming.set(edge.target_node_id, (incoming.get(edge.target_node_id) ?? 0) + 1);
    }
    if (edge.edge_type === "handoff" && source.node_type !== "HANDOFF") fail("handoff edge not leaving a HANDOFF node");
    // Timing: the target starts no earlier than the source's end plus the edge latency; the edge fires at the end.
    const ready = Date.parse(source.end_time) + Math.round(edge.latency * 1000);
    if (Date.parse(target.start_time) < ready) fail(`edge ${edge.edge_id}: target starts before source end + latency`);
    if (edge.creation_time !== source.end_time) fail(`edge ${edge.edge_id}: creation_time is not the source end`);
    const failed = isNodeFailed(source);
    if (edge.error_count !== source.retry_count + (failed ? 1 : 0)) fail(`edge ${edge.edge_id}: error_count`);
    if (edge.reliability_score !== edgeReliabilityScore(edge)) fail(`edge ${edge.edge_id}: reliability_score`);
  }
  // Control flow: every node but the ACTION passes control on; every node but the start receives it.
  for (const node of t.nodes) {
    const outs = outgoing.get(node.node_id) ?? 0;
    const ins = incoming.get(node.node_id) ?? 0;
    if (node.node_type === "ACTION" && outs !== 0) fail("ACTION has outgoing control edges");
    if (node.node_type !== "ACTION" && outs === 0) fail(`${node.node_type} ${node.node_id} is a dead end`);
    if (node.node_type === "USER_ENQUIRY" && ins !== 0) fail("USER_ENQUIRY has incoming edges");
    if (node.node_type !== "USER_ENQUIRY" && ins === 0)
      fail(`${node.node_type} ${node.node_id} has no incoming control edge`);
  }
  const start = starts[0];
  if (start !== undefined && !dangling) {
    const reached = reachableFrom(t, start.node_id);
    if (reached.size !== t.nodes.length) fail(`${t.nodes.length - reached.size} nodes unreachable from USER_ENQUIRY`);
  }
  if (!dangling && !isAcyclic(t)) fail("graph has a cycle");

  let minStart = Number.POSITIVE_INFINITY;
  let maxEnd = Number.NEGATIVE_INFINITY;
  let completed = 0;
  let durationMs = 0;
  for (const node of t.nodes) {
    const startMs = Date.parse(node.start_time);
    const endMs = Date.parse(node.end_time);
    if (endMs - startMs !== Math.round(node.duration * 1000)) fail(`${node.node_id}: end - start != duration`);
    if (!(node.duration > 0)) fail(`${node.node_id}: non-positive duration`);
    minStart = Math.min(minStart, startMs);
    maxEnd = Math.max(maxEnd, endMs);
    durationMs += Math.round(node.duration * 1000);
    if (node.status === "completed") completed++;
    if (node.performance_score !== nodePerformanceScore(node)) fail(`${node.node_id}: performance_score`);
    if ((node.status === "completed") !== (node.error_code === null)) fail(`${node.node_id}: error_code vs status`);
    if (node.node_type === "TOOL_CALL" && node.tool_success !== (node.status === "completed"))
      fail("tool_success vs status");
    if (node.node_type === "HANDOFF" && node.source_agent === node.target_agent) fail("handoff to the same agent");
    if (node.is_anomalous || node.anomaly_type !== null) fail(`${node.node_id}: anomaly label on a normal node`);
  }
  if (start !== undefined && Date.parse(start.start_time) !== minStart) fail("USER_ENQUIRY does not start first");
  if (Date.parse(t.start_time) !== minStart) fail("trajectory start_time is not the earliest node start");
  if (Date.parse(t.end_time) !== maxEnd) fail("trajectory end_time is not the latest node end");
  if (Math.round(t.total_duration * 1000) !== maxEnd - minStart) fail("total_duration != end - start");

  const m = t.metadata;
  const n = t.nodes.length;
  const expectAgents = AGENT_TYPES.filter((agent) => t.nodes.some((node) => node.agent_type === agent));
  const expectTools = TOOL_TYPES.filter((tool) =>
    t.nodes.some((node) => node.node_type === "TOOL_CALL" && node.tool_type === tool),
  );
  const checks: Array<[string, unknown, unknown]> = [
    ["total_nodes", m.total_nodes, n],
    ["total_edges", m.total_edges, t.edges.length],
    ["total_tool_calls", m.total_tool_calls, t.nodes.filter((node) => node.node_type === "TOOL_CALL").length],
    ["total_handoffs", m.total_handoffs, t.nodes.filter((node) => node.node_type === "HANDOFF").length],
    ["total_errors", m.total_errors, n - completed],
    ["completion_rate", m.completion_rate, Math.round((completed / n) * 10_000) / 10_000],
    ["average_node_duration", m.average_node_duration, Math.round(durationMs / n) / 1000],
    ["agent_types", m.agent_types.join(), expectAgents.join()],
    ["tool_usage", m.tool_usage.join(), expectTools.join()],
    ["status", t.status, "completed"],
    ["success", m.success, completed / n > 0.8 && (n - completed) / n < 0.2],
    ["is_anomalous", m.is_anomalous, false],
    ["anomaly_types", m.anomaly_types.length, 0],
  ];
  for (const [name, actual, expected] of checks) {
    if (actual !== expected) fail(`metadata.${name} is ${String(actual)}, expected ${String(expected)}`);
  }
  return problems;
}
