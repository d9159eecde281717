import { DEFAULT_TRAJECTORY_CONFIG, generateTrajectory, serializeTrajectory } from "./core/trajectory/index.ts";
const ts = []; for (let i = 0; i < 3000; i++) ts.push(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, i));
let same = 0; for (const t of ts) if (serializeTrajectory(t) === JSON.stringify(t)) same++;
console.log("same", same, "/", ts.length);
for (let r = 0; r < 5; r++) {
  let t0 = performance.now(); let a = 0; for (const t of ts) a += JSON.stringify(t).length; const j = performance.now() - t0;
  t0 = performance.now(); let b = 0; for (const t of ts) { const s = serializeTrajectory(t); b += s.length; s.charCodeAt(100); } const c = performance.now() - t0;
  console.log(`json ${(j * 1000 / 3000).toFixed(1)}us custom ${(c * 1000 / 3000).toFixed(1)}us`);
}
