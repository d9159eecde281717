import { DEFAULT_TRAJECTORY_CONFIG, generateTrajectory } from "./core/trajectory/index.ts";
const t0 = performance.now();
for (let i = 0; i < 60000; i++) generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, i);
console.log(60000 / (performance.now() - t0) * 1000);
