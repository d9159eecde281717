import { finishTrajectory, planAnomalyStep } from "../anomalies/step.ts";
import type { Seed } from "../random.ts";
import type { TrajectoryConfig } from "../trajectory/config.ts";
import { draftTrajectory } from "../trajectory/generate.ts";
import type { Trajectory } from "../trajectory/model.ts";

/**
 * Generates trajectory `index` of the dataset `(config, seed)` by composing the two layers, which know nothing of
 * each other's internals: the anomaly plan (when `config.anomalies` picks this index: type, severity, how many nodes
 * it adds) → the trajectory engine's draft (pattern, benign noise, variance), leaving room for those nodes → the
 * anomaly step (inject and label) → finalize. Pure: the result depends only on its arguments, whatever shard or
 * worker asks for it; a normal trajectory is the same whatever the anomaly ratio.
 * @example
 * const trajectory = generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, 0);
 * serializeTrajectory(trajectory); // one JSONL line
 */
export function generateTrajectory(config: TrajectoryConfig, seed: Seed, index: number): Trajectory {
  const plan = planAnomalyStep(config.anomalies, seed, index);
  const draft = draftTrajectory(config, seed, index, plan?.budget);
  return finishTrajectory(draft, config, plan, seed, index);
}
