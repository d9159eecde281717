import {
  isNodeFailed,
  nodePerformanceScore,
  reachableFrom,
  type Trajectory,
  type TrajectoryEdge,
  type TrajectoryNode,
  TrajectorySchema,
  topologicalOrder,
} from "../../../core/trajectory/index.ts";

/**
 * What every anomalous trajectory must still satisfy: schema, coherent times and no back edge (loops are runs of new
 * spans), every node reachable from the start, metrics recomputed, labels consistent with the trajectory's type and
 * with its `metadata.anomalies` entry (one root cause, every labelled node and edge listed). Returns the
 * violations so a failure names what broke.
 */
export function anomalousViolations(t: Trajectory): string[] {
  const problems: string[] = [];
  const fail = (message: string) => problems.push(message);
  const parsed = TrajectorySchema.safeParse(t);
  if (!parsed.success) fail(`schema: ${parsed.error.issues[0]?.message} at ${parsed.error.issues[0]?.path.join(".")}`);
  const byId = new Map<string, TrajectoryNode>(t.nodes.map((node) => [node.node_id, node]));
  const type = t.metadata.anomaly_types[0];
  if (!t.metadata.is_anomalous || t.metadata.anomaly_types.length !== 1 || t.metadata.anomaly_severity === null) {
    fail("trajectory labels missing");
  }
  if (t.metadata.anomaly_metadata?.type !== type) fail("trajectory anomaly_metadata.type");
  const back = new Set(topologicalOrder(t).backEdges.map((e) => (t.edges[e] as TrajectoryEdge).edge_id));
  for (const edge of t.edges) {
    const source = byId.get(edge.source_node_id);
    const target = byId.get(edge.target_node_id);
    if (source === undefined || target === undefined) {
      fail(`edge ${edge.edge_id} dangles`);
      continue;
    }
    if (edge.creation_time !== source.end_time) fail(`edge ${edge.edge_id}: creation_time`);
    // A loop or retry is a run of new spans, never an edge back into a finished node.
    if (back.has(edge.edge_id)) fail(`back edge ${edge.edge_id}`);
    else if (Date.parse(target.start_time) < Date.parse(source.end_time) + Math.round(edge.latency * 1000)) {
      fail(`edge ${edge.edge_id}: target starts before source end + latency`);
    }
    if (edge.is_anomalous !== (edge.anomaly_type !== null)) fail(`edge ${edge.edge_id}: label fields disagree`);
    if (edge.is_anomalous && (edge.anomaly_type !== type || edge.anomaly_metadata === undefined))
      fail(`edge ${edge.edge_id}: label`);
    if (!edge.is_anomalous && edge.anomaly_metadata !== undefined) fail(`edge ${edge.edge_id}: metadata without label`);
    if (edge.is_anomalous !== (edge.anomaly_role === "symptom")) fail(`edge ${edge.edge_id}: anomaly_role`);
  }
  let completed = 0;
  for (const node of t.nodes) {
    if (Date.parse(node.end_time) - Date.parse(node.start_time) !== Math.round(node.duration * 1000)) {
      fail(`${node.node_id}: end - start != duration`);
    }
    if (node.status === "completed") completed++;
    if (node.performance_score !== nodePerformanceScore(node)) fail(`${node.node_id}: performance_score`);
    if (node.node_type === "TOOL_CALL" && node.tool_success !== (node.status === "completed"))
      fail("tool_success vs status");
    if (node.node_type === "HANDOFF" && node.handoff_success !== (node.status === "completed"))
      fail("handoff_success vs status");
    if (node.node_type === "MEMORY_ACCESS" && node.memory_success !== (node.status === "completed"))
      fail("memory_success vs status");
    if (node.is_anomalous !== (node.anomaly_type !== null)) fail(`${node.node_id}: label fields disagree`);
    if (
      node.is_anomalous &&
      (node.anomaly_type !== type || node.anomaly_metadata?.severity !== t.metadata.anomaly_severity)
    ) {
      fail(`${node.node_id}: label`);
    }
    if (!node.is_anomalous && node.anomaly_metadata !== undefined) fail(`${node.node_id}: metadata without label`);
    if (node.is_anomalous !== (node.anomaly_role !== null)) fail(`${node.node_id}: anomaly_role`);
  }
  const start = t.nodes.find((node) => node.node_type === "USER_ENQUIRY");
  if (start === undefined || reachableFrom(t, start.node_id).size !== t.nodes.length) fail("unreachable nodes");
  if (!t.nodes.some((node) => node.is_anomalous)) fail("no node labelled");
  const entries = t.metadata.anomalies;
  const entry = entries[0];
  if (entries.length !== 1 || entry === undefined) fail("metadata.anomalies: one entry expected");
  else {
    const roots = t.nodes.filter((node) => node.anomaly_role === "root_cause");
    const root = byId.get(entry.root_cause_node_id);
    if (roots.length !== 1 || roots[0] !== root) fail("exactly one root cause, the one metadata.anomalies names");
    if (root !== undefined && entry.responsible_agent !== root.agent_type) fail("responsible_agent");
    if (entry.anomaly_type !== type || entry.severity !== t.metadata.anomaly_severity) fail("entry type/severity");
    const labelled = t.nodes.filter((node) => node.anomaly_role !== null).map((node) => node.node_id);
    if (JSON.stringify(labelled) !== JSON.stringify(entry.node_ids)) fail("metadata.anomalies node_ids");
    const edges = t.edges.filter((edge) => edge.anomaly_role !== null).map((edge) => edge.edge_id);
    if (JSON.stringify(edges) !== JSON.stringify(entry.edge_ids)) fail("metadata.anomalies edge_ids");
  }
  const m = t.metadata;
  if (m.total_nodes !== t.nodes.length || m.total_edges !== t.edges.length) fail("metadata totals");
  if (m.total_errors !== t.nodes.filter(isNodeFailed).length) fail("metadata.total_errors");
  if (m.completion_rate !== Math.round((completed / t.nodes.length) * 10_000) / 10_000)
    fail("metadata.completion_rate");
  return problems;
}
