import { DEFAULT_TRAJECTORY_CONFIG, generateTrajectory, serializeTrajectory, TrajectorySchema } from "./core/trajectory/index.ts";
const t = generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, 0);
console.log(JSON.stringify(t, null, 1).slice(0, 4000));
for (let i = 0; i < 200; i++) { const r = TrajectorySchema.safeParse(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, i)); if (!r.success) { console.log(i, JSON.stringify(r.error.issues.slice(0,3))); break; } }
let bytes = 0; const n = 20000; const t0 = performance.now();
for (let i = 0; i < n; i++) bytes += serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, i)).length;
const dt = performance.now() - t0;
console.log(`${(n / dt * 1000).toFixed(0)} traj/s, ${(bytes / n).toFixed(0)} bytes avg`);
