import { injectAnomaly } from "../../../core/anomalies/inject.ts";
import { planAnomaly } from "../../../core/anomalies/plan.ts";
import { ConfigError } from "../../../core/errors.ts";
import {
  type AnomalyDifficulty,
  type AnomalyInjectionConfig,
  parseAnomalyInjectionConfig,
} from "../../../core/trajectory/anomaly-config.ts";
import { finalizeTrajectory } from "../../../core/trajectory/finalize.ts";
import {
  draftTrajectory,
  parseTrajectoryConfig,
  type Trajectory,
  type TrajectoryConfig,
} from "../../../core/trajectory/index.ts";
import type { AnomalyType, SeverityLevel } from "../../../core/trajectory/vocabulary.ts";

/** The default anomaly settings at ratio 0.2 (difficulty realistic). */
export const ANOMALIES = parseAnomalyInjectionConfig({ ratio: 0.2 });

/** Trajectory and anomaly configs per difficulty: `easy` keeps normal runs clean, the others add benign noise. */
export function configAt(difficulty: AnomalyDifficulty) {
  let found = CONFIGS.get(difficulty);
  if (found === undefined) {
    const config = parseTrajectoryConfig({ anomaly_injection: { ratio: 0.2, difficulty } });
    found = { config, anomalies: config.anomalies };
    CONFIGS.set(difficulty, found);
  }
  return found;
}

/** Parsing a config is far slower than generating a trajectory: parse each difficulty once. */
const CONFIGS = new Map<AnomalyDifficulty, { config: TrajectoryConfig; anomalies: AnomalyInjectionConfig }>();

/** Trajectory `index` as generation makes it before the anomaly step (finalized, normal). */
export function normalAt(seed: number, index: number, difficulty: AnomalyDifficulty = "realistic"): Trajectory {
  const draft = draftTrajectory(configAt(difficulty).config, seed, index);
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
  difficulty: AnomalyDifficulty = "realistic",
): { normal: Trajectory; anomalous: Trajectory } {
  const { config, anomalies } = configAt(difficulty);
  const plan = planAnomaly({ type, severity }, anomalies, seed, index);
  const base = draftTrajectory(config, seed, index, plan.budget);
  const normal = finalizeTrajectory(base.trajectory, base.startMs);
  const draft = draftTrajectory(config, seed, index, plan.budget);
  const anomalous = injectAnomaly({
    trajectory: draft.trajectory,
    startMs: draft.startMs,
    trajectoryConfig: config,
    ids: draft.builder.ids,
    plan,
    config: anomalies,
    seed,
    index,
  });
  return { normal, anomalous };
}

/** The ConfigError `parseAnomalyInjectionConfig` throws for `input` (fails the test when it throws none). */
export function anomalyConfigError(input: unknown): ConfigError {
  try {
    parseAnomalyInjectionConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}
