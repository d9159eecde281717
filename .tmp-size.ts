import { DEFAULT_TRAJECTORY_CONFIG, generateTrajectory } from "./core/trajectory/index.ts";
let nb = 0, eb = 0, n = 0, e = 0, tot = 0; const byType: Record<string, [number, number]> = {};
for (let i = 0; i < 2000; i++) { const t = generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 1, i); tot += JSON.stringify(t).length;
 for (const x of t.nodes) { const l = JSON.stringify(x).length; nb += l; n++; const r = byType[x.node_type] ??= [0, 0]; r[0] += l; r[1]++; }
 for (const x of t.edges) { eb += JSON.stringify(x).length; e++; } }
console.log("avg total", tot / 2000, "node", nb / n, "edge", eb / e, "nodes/traj", n / 2000, "edges/traj", e / 2000);
for (const [k, [l, c]] of Object.entries(byType)) console.log(k, (l / c).toFixed(0), c);
console.log(JSON.stringify(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 1, 3).edges[0]));
