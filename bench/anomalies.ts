import { generateTrajectory } from "../core/dataset/generate-trajectory.ts";
import { parseTrajectoryConfig, serializeTrajectory } from "../core/trajectory/index.ts";
import { fmt } from "./measure.ts";

const COUNT = 20_000;
const ROUNDS = 3;
/** Injection may cost at most this share of end-to-end throughput (issue #3). */
const MAX_SLOWDOWN = 0.25;

function runOnce(ratio: number, seed: number): { seconds: number; bytes: number; anomalous: number } {
  const config = parseTrajectoryConfig({ anomaly_injection: { ratio } });
  let bytes = 0;
  let anomalous = 0;
  const started = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const trajectory = generateTrajectory(config, seed, i);
    if (trajectory.metadata.is_anomalous) anomalous++;
    bytes += serializeTrajectory(trajectory).length;
  }
  return { seconds: (performance.now() - started) / 1000, bytes, anomalous };
}

/**
 * End-to-end generate + serialise throughput in-process at anomaly ratio 0 and 0.2 (best of a few alternating
 * rounds, after a warm-up, so JIT and machine noise hit both alike), and the ratio of the two.
 */
export async function benchAnomalies(): Promise<string[]> {
  runOnce(0.2, 1);
  const best = { 0: Number.POSITIVE_INFINITY, 0.2: Number.POSITIVE_INFINITY } as Record<number, number>;
  let anomalous = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const ratio of [0, 0.2]) {
      const result = runOnce(ratio, 42);
      best[ratio] = Math.min(best[ratio] as number, result.seconds);
      if (ratio > 0) anomalous = result.anomalous;
    }
  }
  const normalRate = COUNT / (best[0] as number);
  const anomalousRate = COUNT / (best[0.2] as number);
  const ratio = anomalousRate / normalRate;
  return [
    `anomalies     ratio 0:   ${fmt(normalRate).padStart(7)} traj/s generate+serialize (${fmt(COUNT)} trajectories, best of ${ROUNDS})`,
    `anomalies     ratio 0.2: ${fmt(anomalousRate).padStart(7)} traj/s (${fmt(anomalous)} anomalous)`,
    `anomalies     throughput at 0.2 / at 0: ×${fmt(ratio, 3)} (target ≥ ×${fmt(1 - MAX_SLOWDOWN, 2)}: ${ratio >= 1 - MAX_SLOWDOWN ? "met" : "NOT met"})`,
  ];
}
