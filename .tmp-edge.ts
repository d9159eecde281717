import { DEFAULT_TRAJECTORY_CONFIG, generateTrajectory, type TrajectoryEdge } from "./core/trajectory/index.ts";
const edges: TrajectoryEdge[][] = []; for (let i = 0; i < 3000; i++) edges.push(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, i).edges);
function edgeJson(e: TrajectoryEdge): string {
  let s = '{"edge_id":"' + e.edge_id + '","source_node_id":"' + e.source_node_id + '","target_node_id":"' + e.target_node_id + '","edge_type":"' + e.edge_type + '","relationship_type":"' + e.relationship_type + '"';
  if (e.edge_type === "data_dependency") s += ',"data_type":"' + e.data_type + '","data_size_bytes":' + e.data_size_bytes;
  else if (e.edge_type === "handoff") s += ',"data_size_bytes":' + e.data_size_bytes;
  s += ',"creation_time":"' + e.creation_time + '","latency":' + e.latency + ',"probability":' + e.probability + ',"confidence":' + e.confidence + ',"success_rate":' + e.success_rate + ',"error_count":' + e.error_count + ',"timeout_count":' + e.timeout_count + ',"reliability_score":' + e.reliability_score + ',"is_anomalous":' + e.is_anomalous + ',"anomaly_type":' + (e.anomaly_type === null ? "null" : '"' + e.anomaly_type + '"');
  return s + "}";
}
function arr(list: TrajectoryEdge[]) { let s = "["; for (let i = 0; i < list.length; i++) { if (i) s += ","; s += edgeJson(list[i]!); } return s + "]"; }
console.log(arr(edges[0]!) === JSON.stringify(edges[0]));
for (let r = 0; r < 4; r++) {
  let t0 = performance.now(); let a = 0; for (const l of edges) a += JSON.stringify(l).length; const j = performance.now() - t0;
  t0 = performance.now(); let b = 0; for (const l of edges) { const s = arr(l); b += s.length; s.charCodeAt(s.length >> 1); } const c = performance.now() - t0;
  console.log(`json ${(j * 1000 / 3000).toFixed(1)}us custom ${(c * 1000 / 3000).toFixed(1)}us`);
}
