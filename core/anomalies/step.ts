import type { Randomizer } from "../random.ts";
import type { TrajectoryConfig } from "../trajectory/config.ts";
import type { Trajectory } from "../trajectory/model.ts";
import type { AnomalyInjectionConfig } from "./config.ts";
import { decideAnomaly } from "./decide.ts";
import { injectAnomaly } from "./inject.ts";

/**
 * The anomaly step of generation, between the first finalize and the output: decides from (seed, index) whether the
 * trajectory is anomalous and, if so, injects its anomaly (which re-finalizes). A normal trajectory is returned
 * untouched, so its bytes do not depend on the anomaly settings.
 * @example
 * const draft = draftTrajectory(config, seed, index);
 * const trajectory = applyAnomalyStep(finalizeTrajectory(draft.trajectory, draft.startMs), draft.builder.ids, config, config.anomalies, seed, index);
 */
export function applyAnomalyStep(
  trajectory: Trajectory,
  ids: Randomizer,
  trajectoryConfig: TrajectoryConfig,
  anomalies: AnomalyInjectionConfig,
  seed: number,
  index: number,
): Trajectory {
  const decision = decideAnomaly(anomalies, seed, index);
  if (decision === null) return trajectory;
  return injectAnomaly({ trajectory, trajectoryConfig, ids, decision, config: anomalies, seed, index });
}
