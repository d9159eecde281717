import { DEFAULT_TRAJECTORY_CONFIG, generateTrajectory } from "./core/trajectory/index.ts";
for (let r = 0; r < 3; r++) {
  const ts = []; for (let i = 0; i < 5000; i++) ts.push(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, i + r * 5000));
  let t0 = performance.now(); for (const t of ts) JSON.stringify(t); const first = performance.now() - t0;
  t0 = performance.now(); for (const t of ts) JSON.stringify(t); const second = performance.now() - t0;
  console.log(`first ${(first / 5).toFixed(1)}us second ${(second / 5).toFixed(1)}us`);
}
