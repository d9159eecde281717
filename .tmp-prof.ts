import { DEFAULT_TRAJECTORY_CONFIG, generateTrajectory, serializeTrajectory } from "./core/trajectory/index.ts";
let bytes = 0;
const t0 = performance.now();
for (let i = 0; i < 40000; i++) bytes += serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, i)).length;
console.log(40000 / (performance.now() - t0) * 1000, bytes);
