import { createRandomizer, type Randomizer, type Seed } from "../random.ts";
import type { AnomalyInjectionConfig, EffectRange } from "./anomaly-config.ts";
import { type AnomalyType, SEVERITY_LEVELS, type SeverityLevel } from "./vocabulary.ts";

/** What will be injected into one trajectory: the type and how severe. Where and how much come later. */
export interface AnomalyDecision {
  readonly type: AnomalyType;
  readonly severity: SeverityLevel;
}

/**
 * Whether trajectory `index` of the dataset `seed` is anomalous, and with which type and severity. It uses its own
 * stream, apart from generation, so it is cheap (no trajectory is built), a normal trajectory is the same whatever
 * the ratio, and splits can stratify on it without generating anything.
 * @example
 * decideAnomaly(config.anomalies, 42, 7); // null, or { type: "infinite_loops", severity: "high" }
 */
export function decideAnomaly(config: AnomalyInjectionConfig, seed: Seed, index: number): AnomalyDecision | null {
  if (!(config.ratio > 0)) return null;
  const rng = createRandomizer(seed, "anomaly", index);
  return primaryDecision(config, rng);
}

/**
 * Chance that an anomalous trajectory gets one more anomaly, while it has fewer than `max_per_trajectory`: the count
 * is 1 plus a geometric draw capped at the maximum, so most anomalous trajectories still hold one. With a maximum of
 * 3: 1 (70%), 2 (21%), 3 (9%); with 5: 70%, 21%, 6.3%, 1.9%, 0.8%.
 */
export const EXTRA_ANOMALY_CHANCE = 0.3;

/**
 * Every anomaly of trajectory `index`, the primary first (the one `decideAnomaly` returns, which splits stratify
 * on), or null for a normal trajectory. With `max_per_trajectory` above 1 the same stream goes on to draw how many
 * more (see `EXTRA_ANOMALY_CHANCE`), each with its own type, distinct from the ones before (drawn by weight among the
 * types left, so there are never more anomalies than weighted types), and its own severity. The primary decision
 * does not depend on the maximum, and at the default (1) nothing more is drawn.
 * @example
 * decideAnomalies({ ...config.anomalies, maxPerTrajectory: 3 }, 42, 7); // null, or 1 to 3 decisions
 */
export function decideAnomalies(
  config: AnomalyInjectionConfig,
  seed: Seed,
  index: number,
): readonly AnomalyDecision[] | null {
  if (!(config.ratio > 0)) return null;
  const rng = createRandomizer(seed, "anomaly", index);
  const primary = primaryDecision(config, rng);
  if (primary === null) return null;
  const decisions = [primary];
  const weights = [...config.typeWeights];
  const max = Math.min(config.maxPerTrajectory, weights.filter((weight) => weight > 0).length);
  weights[config.typeNames.indexOf(primary.type)] = 0;
  while (decisions.length < max && rng.chance(EXTRA_ANOMALY_CHANCE)) {
    const at = rng.weightedIndex(weights);
    weights[at] = 0;
    const type = config.typeNames[at] as AnomalyType;
    const severity = SEVERITY_LEVELS[rng.weightedIndex(config.severityWeights)] as SeverityLevel;
    decisions.push({ type, severity });
  }
  return decisions;
}

function primaryDecision(config: AnomalyInjectionConfig, rng: Randomizer): AnomalyDecision | null {
  if (!rng.chance(config.ratio)) return null;
  const type = config.typeNames[rng.weightedIndex(config.typeWeights)] as AnomalyType;
  const severity = SEVERITY_LEVELS[rng.weightedIndex(config.severityWeights)] as SeverityLevel;
  return { type, severity };
}

/**
 * The stream the injector of trajectory `index` draws from: where the anomaly goes and its exact size. Anomaly
 * `position` (in `decideAnomalies` order) of a trajectory with several has its own stream; the primary's is the
 * one a single anomaly uses.
 */
export function injectionRandomizer(seed: Seed, index: number, position = 0): Randomizer {
  return position === 0
    ? createRandomizer(seed, "anomaly", index, "inject")
    : createRandomizer(seed, "anomaly", index, "inject", position);
}

/**
 * A point of `range` for `severity`: each level owns one quarter of the range (low the bottom, critical the top), and
 * the exact point within it is drawn, so severity sets the effect size without making it a constant.
 */
export function effectValue(range: EffectRange, severity: SeverityLevel, rng: Randomizer): number {
  return range[0] + (range[1] - range[0]) * severityQuantile(severity, rng);
}

/** The integer counterpart of `effectValue`: every integer of the range is reachable and the count grows with severity. */
export function effectCount(range: EffectRange, severity: SeverityLevel, rng: Randomizer): number {
  const span = range[1] - range[0] + 1;
  return Math.min(range[1], range[0] + Math.floor(severityQuantile(severity, rng) * span));
}

function severityQuantile(severity: SeverityLevel, rng: Randomizer): number {
  return (SEVERITY_LEVELS.indexOf(severity) + rng.next()) / SEVERITY_LEVELS.length;
}
