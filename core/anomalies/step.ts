import type { TrajectoryConfig } from "../trajectory/config.ts";
import { finalizeTrajectory } from "../trajectory/finalize.ts";
import type { TrajectoryDraft } from "../trajectory/generate.ts";
import type { Trajectory } from "../trajectory/model.ts";
import type { AnomalyInjectionConfig } from "./config.ts";
import { decideAnomaly } from "./decide.ts";
import { injectAnomaly } from "./inject.ts";

/**
 * The last steps of generation, after build and variance: decides from (seed, index) whether the trajectory is
 * anomalous; a normal one is just finalized (its bytes do not depend on the anomaly settings), an anomalous one gets
 * its anomaly injected, labelled and then finalized.
 * @example
 * const draft = draftTrajectory(config, seed, index);
 * const trajectory = finishTrajectory(draft, config, config.anomalies, seed, index);
 */
export function finishTrajectory(
  draft: TrajectoryDraft,
  trajectoryConfig: TrajectoryConfig,
  anomalies: AnomalyInjectionConfig,
  seed: number,
  index: number,
): Trajectory {
  const decision = decideAnomaly(anomalies, seed, index);
  if (decision === null) return finalizeTrajectory(draft.trajectory, draft.startMs);
  return injectAnomaly({
    trajectory: draft.trajectory,
    startMs: draft.startMs,
    trajectoryConfig,
    ids: draft.builder.ids,
    decision,
    config: anomalies,
    seed,
    index,
  });
}
