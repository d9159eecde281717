import { DEFAULT_TRAJECTORY_CONFIG, generateTrajectory } from "./core/trajectory/index.ts";
const t = generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, 3);
const check = new Function("o", "return %HasFastProperties(o)");
console.log("traj", check(t), "meta", check(t.metadata));
for (const n of t.nodes.slice(0, 6)) console.log(n.node_type, check(n));
for (const e of t.edges.slice(0, 3)) console.log(e.edge_type, check(e));
