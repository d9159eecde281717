import { DEFAULT_TRAJECTORY_CONFIG, generateTrajectory, serializeTrajectory } from "./core/trajectory/index.ts";
const n = 20000;
for (let i = 0; i < 3000; i++) serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 7, i));
for (let round = 0; round < 3; round++) {
  let t0 = performance.now();
  const ts = [];
  for (let i = 0; i < n; i++) ts.push(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, i));
  const gen = performance.now() - t0;
  t0 = performance.now();
  let bytes = 0; let nodes = 0;
  for (const t of ts) { bytes += serializeTrajectory(t).length; nodes += t.nodes.length; }
  const ser = performance.now() - t0;
  console.log(`gen ${(n / gen * 1000).toFixed(0)}/s  ser ${(n / ser * 1000).toFixed(0)}/s  both ${(n / (gen + ser) * 1000).toFixed(0)}/s  nodes ${(nodes / n).toFixed(1)} bytes ${(bytes / n).toFixed(0)}`);
}
