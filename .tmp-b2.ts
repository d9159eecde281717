import { DEFAULT_TRAJECTORY_CONFIG, generateTrajectory, serializeTrajectory } from "./core/trajectory/index.ts";
const rounds: number[] = []; const gens: number[] = [];
let k = 0;
for (let r = 0; r < 8; r++) {
  let bytes = 0; const t0 = performance.now();
  for (let i = 0; i < 10000; i++) bytes += serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, k++)).length;
  rounds.push(10000 / (performance.now() - t0) * 1000);
  const t1 = performance.now();
  for (let i = 0; i < 10000; i++) generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, k++);
  gens.push(10000 / (performance.now() - t1) * 1000);
}
rounds.sort((a, b) => b - a); gens.sort((a, b) => b - a);
console.log("gen+ser best", rounds[0]?.toFixed(0), "median", rounds[4]?.toFixed(0), "| gen only best", gens[0]?.toFixed(0), "median", gens[4]?.toFixed(0));
