import type { Seed } from "../random.ts";
import type { TrajectoryConfig } from "../trajectory/config.ts";
import { finalizeTrajectory } from "../trajectory/finalize.ts";
import type { TrajectoryDraft } from "../trajectory/generate.ts";
import type { Trajectory } from "../trajectory/model.ts";
import { injectAnomaly } from "./inject.ts";
import type { AnomalyPlan } from "./plan.ts";

export { planAnomalyStep } from "./plan.ts";

/**
 * The last steps of generation, after build and variance. `plan` is `planAnomalyStep(config.anomalies, seed,
 * index)`, made before the draft so the draft leaves room for the nodes the anomaly adds: a normal trajectory
 * (null plan) is just finalized (its bytes do not depend on the anomaly settings), an anomalous one gets its anomaly
 * injected, labelled and then finalized.
 * @example
 * const plan = planAnomalyStep(config.anomalies, seed, index);
 * const draft = draftTrajectory(config, seed, index, plan?.budget);
 * const trajectory = finishTrajectory(draft, config, plan, seed, index);
 */
export function finishTrajectory(
  draft: TrajectoryDraft,
  trajectoryConfig: TrajectoryConfig,
  plan: AnomalyPlan | null,
  seed: Seed,
  index: number,
): Trajectory {
  if (plan === null) return finalizeTrajectory(draft.trajectory, draft.startMs, draft.endpoints);
  return injectAnomaly({
    trajectory: draft.trajectory,
    startMs: draft.startMs,
    trajectoryConfig,
    ids: draft.builder.ids,
    topic: draft.builder.topic,
    plan,
    config: trajectoryConfig.anomalies,
    seed,
    index,
  });
}
