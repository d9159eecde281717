import { generateTrajectory, parseTrajectoryConfig } from "./core/trajectory/index.ts";
const config = parseTrajectoryConfig({ data_generation: { trajectory_patterns: { multi_agent_handoffs: { min_nodes: 7, max_nodes: 7, weight: 1 } } } });
const t = generateTrajectory(config, 42, 0);
for (const n of t.nodes) console.log(n.node_id.slice(0, 8), n.node_type.padEnd(13), n.agent_type.padEnd(11), n.start_time.slice(11), n.end_time.slice(11), n.duration, n.description);
for (const e of t.edges) console.log(e.source_node_id.slice(0, 8), "->", e.target_node_id.slice(0, 8), e.edge_type, e.relationship_type, e.latency, e.creation_time.slice(11));
console.log(JSON.stringify({ ...t, nodes: t.nodes.slice(0, 2), edges: t.edges.slice(0, 1) }, null, 2));
