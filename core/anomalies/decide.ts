import { createRandomizer, type Randomizer, type Seed } from "../random.ts";
import { type AnomalyType, SEVERITY_LEVELS, type SeverityLevel } from "../trajectory/vocabulary.ts";
import type { AnomalyInjectionConfig, EffectRange } from "./config.ts";

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
  if (!rng.chance(config.ratio)) return null;
  const type = config.typeNames[rng.weightedIndex(config.typeWeights)] as AnomalyType;
  const severity = SEVERITY_LEVELS[rng.weightedIndex(config.severityWeights)] as SeverityLevel;
  return { type, severity };
}

/** The stream the injector of trajectory `index` draws from: where the anomaly goes and its exact size. */
export function injectionRandomizer(seed: Seed, index: number): Randomizer {
  return createRandomizer(seed, "anomaly", index, "inject");
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
