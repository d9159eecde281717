import { DEFAULT_TRAJECTORY_CONFIG, generateTrajectory, serializeTrajectory } from "./core/trajectory/index.ts";
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const both: number[] = []; const gens: number[] = []; const sers: number[] = [];
let k = 0; let bytes = 0; let nodes = 0;
for (let r = 0; r < 8; r++) {
  let t0 = cpu();
  for (let i = 0; i < 10000; i++) { const t = generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, k++); bytes += serializeTrajectory(t).length; nodes += t.nodes.length; }
  both.push(10000 / (cpu() - t0) * 1000);
  t0 = cpu();
  const keep = [];
  for (let i = 0; i < 10000; i++) keep.push(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, k++));
  gens.push(10000 / (cpu() - t0) * 1000);
  t0 = cpu();
  for (const t of keep) serializeTrajectory(t);
  sers.push(10000 / (cpu() - t0) * 1000);
}
const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1]!.toFixed(0);
const best = (a: number[]) => Math.max(...a).toFixed(0);
console.log(`cpu-time rates: gen+ser median ${med(both)} best ${best(both)} /s | gen only median ${med(gens)} | ser only median ${med(sers)} | nodes/traj ${(nodes / 80000).toFixed(1)} bytes/traj ${(bytes / 80000).toFixed(0)}`);
