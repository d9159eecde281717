import { parseAnomalyInjectionConfig } from "../../../core/anomalies/config.ts";
import { injectAnomaly } from "../../../core/anomalies/inject.ts";
import { planAnomaly } from "../../../core/anomalies/plan.ts";
import { finalizeTrajectory } from "../../../core/trajectory/finalize.ts";
import { DEFAULT_TRAJECTORY_CONFIG, draftTrajectory, type Trajectory } from "../../../core/trajectory/index.ts";
import type { AnomalyType, SeverityLevel } from "../../../core/trajectory/vocabulary.ts";

export const ANOMALIES = parseAnomalyInjectionConfig({ ratio: 0.2 });

/** Trajectory `index` as generation makes it before the anomaly step (finalized, normal). */
export function normalAt(seed: number, index: number): Trajectory {
  const draft = draftTrajectory(DEFAULT_TRAJECTORY_CONFIG, seed, index);
  return finalizeTrajectory(draft.trajectory, draft.startMs);
}

/**
 * Trajectory `index` with a forced anomaly type and severity injected, plus its normal counterpart: the same base
 * graph finalized without the anomaly. As in generation, the base is built with the plan's node budget (fewer nodes
 * than drawn, leaving room for the nodes the anomaly adds).
 */
export function anomalousAt(
  type: AnomalyType,
  severity: SeverityLevel,
  seed: number,
  index: number,
): { normal: Trajectory; anomalous: Trajectory } {
  const plan = planAnomaly({ type, severity }, ANOMALIES, seed, index);
  const base = draftTrajectory(DEFAULT_TRAJECTORY_CONFIG, seed, index, plan.budget);
  const normal = finalizeTrajectory(base.trajectory, base.startMs);
  const draft = draftTrajectory(DEFAULT_TRAJECTORY_CONFIG, seed, index, plan.budget);
  const anomalous = injectAnomaly({
    trajectory: draft.trajectory,
    startMs: draft.startMs,
    trajectoryConfig: DEFAULT_TRAJECTORY_CONFIG,
    ids: draft.builder.ids,
    plan,
    config: ANOMALIES,
    seed,
    index,
  });
  return { normal, anomalous };
}
