import type { Trajectory } from "../trajectory/model.ts";
import { ANOMALY_TYPES, type AnomalyType } from "../trajectory/vocabulary.ts";
import { DURATION_FEATURES, FEATURE_NAMES, FEATURE_SET, trajectoryFeatures } from "./trajectory-features.ts";

/**
 * How hard a dataset is, per anomaly type: for each feature of `FEATURE_NAMES`, a histogram of its quantised value
 * over the normal trajectories and over the trajectories carrying each type. From those alone come, exactly, the
 * ROC-AUC of every single feature (a rank statistic, no training) and the recall of the best one-threshold rule at a
 * false-positive rate of at most 1%. The state is fixed-size (features × classes × bins), whatever the dataset
 * size, and merges by adding counts, so shards can be summed in any order.
 *
 * Quantisation: counts are kept exactly from 0 to `BINS - 2`, larger counts share the last bin; durations in seconds
 * go to bin `floor(4 · log2(1 + s))` (four bins per doubling, up to about 18 hours). Ranks, and so AUCs, are exact for
 * the quantised values: two values in one bin count as a tie.
 */
export const SEPARABILITY_BINS = 64;
/** The false-positive budget of the one-threshold rule. */
export const RULE_MAX_FPR = 0.01;

const CLASSES = ["normal", ...ANOMALY_TYPES] as const;
type ClassName = (typeof CLASSES)[number];
const CLASS_INDEX = new Map<string, number>(CLASSES.map((name, i) => [name, i]));
const IS_DURATION = FEATURE_NAMES.map((name) => DURATION_FEATURES.has(name));
const STRIDE = FEATURE_NAMES.length * SEPARABILITY_BINS;
const NORMAL: readonly string[] = ["normal"];

/**
 * Sparse JSON form, compact because every shard's statistics carry it (worker messages, done records): per class
 * with any trajectory, one string holding its histogram of each feature in `features` order, separated by `;`, each
 * a comma-separated list of `bin:count` over its non-empty bins (e.g. `"0:812,1:40;3:852;..."`).
 */
export interface SeparabilityJSON {
  bins: number;
  features: readonly string[];
  histograms: Partial<Record<ClassName, string>>;
}

export interface TypeSeparability {
  anomaly_type: AnomalyType;
  trajectories: number;
  /** The feature whose AUC is farthest from 0.5, and that AUC folded to ≥ 0.5 (direction does not matter). */
  best_feature: string;
  best_auc: number;
  /** The best rule `feature >= t` or `feature <= t` with FPR ≤ RULE_MAX_FPR over the normal trajectories. */
  best_rule: string;
  rule_recall: number;
  rule_fpr: number;
}

export function quantise(featureIndex: number, value: number): number {
  const bin = IS_DURATION[featureIndex] ? Math.floor(4 * Math.log2(1 + Math.max(0, value))) : Math.round(value);
  return Math.min(SEPARABILITY_BINS - 1, Math.max(0, bin));
}

/**
 * A mergeable accumulator of per-class feature histograms. Most features of a trajectory are 0 (bin 0 for every
 * feature), so `add` records only the other bins; each class's bin-0 counts are settled in `#settle` from how many
 * trajectories it added and how many of them had each feature outside bin 0.
 */
export class SeparabilityStats {
  readonly #counts = new Float64Array(CLASSES.length * STRIDE);
  /** Per class, trajectories added since the last `#settle`; per class and feature, how many were outside bin 0. */
  readonly #added = new Float64Array(CLASSES.length);
  readonly #outsideZero = new Float64Array(CLASSES.length * FEATURE_NAMES.length);
  /** Scratch space reused by `add`: the features of the trajectory, then the features outside bin 0 and their slots. */
  readonly #values = new Float64Array(FEATURE_NAMES.length);
  readonly #features = new Int32Array(FEATURE_NAMES.length);
  readonly #slots = new Int32Array(FEATURE_NAMES.length);

  add(trajectory: Trajectory): void {
    const values = trajectoryFeatures(trajectory, this.#values);
    const features = this.#features;
    const slots = this.#slots;
    let n = 0;
    for (let f = 0; f < values.length; f++) {
      const value = values[f] as number;
      if (value === 0) continue; // bin 0, whatever the feature
      const bin = quantise(f, value);
      if (bin === 0) continue;
      features[n] = f;
      slots[n++] = f * SEPARABILITY_BINS + bin;
    }
    const classes = trajectory.metadata.is_anomalous ? trajectory.metadata.anomaly_types : NORMAL;
    classes.forEach((name, k) => {
      const c = CLASS_INDEX.get(name);
      // Each class once, however many anomalies of one type the trajectory holds.
      if (c === undefined || classes.indexOf(name) !== k) return;
      this.#added[c] = (this.#added[c] as number) + 1;
      const base = c * STRIDE;
      const outside = c * FEATURE_NAMES.length;
      for (let i = 0; i < n; i++) {
        const slot = base + (slots[i] as number);
        this.#counts[slot] = (this.#counts[slot] as number) + 1;
        const at = outside + (features[i] as number);
        this.#outsideZero[at] = (this.#outsideZero[at] as number) + 1;
      }
    });
  }

  /** Adds the bin-0 counts of the trajectories added since the last call to the histograms. */
  #settle(): void {
    for (let c = 0; c < CLASSES.length; c++) {
      const added = this.#added[c] as number;
      if (added === 0) continue;
      for (let f = 0; f < FEATURE_NAMES.length; f++) {
        const slot = c * STRIDE + f * SEPARABILITY_BINS;
        const at = c * FEATURE_NAMES.length + f;
        this.#counts[slot] = (this.#counts[slot] as number) + added - (this.#outsideZero[at] as number);
        this.#outsideZero[at] = 0;
      }
      this.#added[c] = 0;
    }
  }

  merge(other: SeparabilityJSON): void {
    if (!sameFeatureSet(other))
      throw new TypeError("cannot merge separability statistics computed over a different feature set");
    for (const [name, encoded] of Object.entries(other.histograms)) {
      const c = CLASS_INDEX.get(name);
      if (c === undefined || encoded === undefined) continue;
      decode(encoded, (f, bin, count) => {
        const slot = c * STRIDE + f * SEPARABILITY_BINS + bin;
        this.#counts[slot] = (this.#counts[slot] as number) + count;
      });
    }
  }

  toJSON(): SeparabilityJSON {
    this.#settle();
    const histograms: SeparabilityJSON["histograms"] = {};
    CLASSES.forEach((name, c) => {
      let any = false;
      const features = FEATURE_NAMES.map((_, f) => {
        const pairs: string[] = [];
        for (let bin = 0; bin < SEPARABILITY_BINS; bin++) {
          const count = this.#counts[c * STRIDE + f * SEPARABILITY_BINS + bin] as number;
          if (count > 0) pairs.push(`${bin}:${count}`);
        }
        if (pairs.length > 0) any = true;
        return pairs.join(",");
      });
      if (any) histograms[name] = features.join(";");
    });
    return { bins: SEPARABILITY_BINS, features: [...FEATURE_NAMES], histograms };
  }
}

/** Calls `add(feature, bin, count)` for every `bin:count` of a class's encoded histograms (see SeparabilityJSON). */
function decode(encoded: string, add: (feature: number, bin: number, count: number) => void): void {
  const features = encoded.split(";");
  if (features.length !== FEATURE_NAMES.length)
    throw new TypeError(`separability histograms list ${features.length} features, not ${FEATURE_NAMES.length}`);
  features.forEach((pairs, f) => {
    if (pairs === "") return;
    for (const pair of pairs.split(",")) {
      const colon = pair.indexOf(":");
      const bin = Number(pair.slice(0, colon));
      const count = Number(pair.slice(colon + 1));
      if (!(Number.isInteger(bin) && bin >= 0 && bin < SEPARABILITY_BINS && Number.isInteger(count) && count >= 0))
        throw new TypeError(`malformed separability histogram entry ${JSON.stringify(pair)}`);
      add(f, bin, count);
    }
  });
}

/**
 * One class's histograms, one per feature in `FEATURE_NAMES` order (counts per bin), or null when the class has no
 * trajectory: `"normal"` or an anomaly type.
 */
export function classHistograms(json: SeparabilityJSON, name: string): Float64Array[] | null {
  const encoded = json.histograms[name as ClassName];
  if (encoded === undefined) return null;
  const dense = FEATURE_NAMES.map(() => new Float64Array(SEPARABILITY_BINS));
  decode(encoded, (f, bin, count) => {
    const histogram = dense[f] as Float64Array;
    histogram[bin] = (histogram[bin] as number) + count;
  });
  return dense;
}

/** Whether `json` was computed over this feature set and binning, so it can be merged. */
export function sameFeatureSet(json: SeparabilityJSON): boolean {
  return (
    json.bins === SEPARABILITY_BINS &&
    json.features.length === FEATURE_NAMES.length &&
    json.features.every((name, f) => name === FEATURE_NAMES[f])
  );
}

/** What `manifest.json` records under `separability` (and the dataset card renders). */
export interface SeparabilitySection {
  /** Which feature set the figures are over (`FEATURE_SET`; docs/anomalies.md, "How hard is a dataset"). */
  feature_set: string;
  features: number;
  /** The false-positive budget of `best_rule` over the normal trajectories. */
  rule_max_fpr: number;
  normal_trajectories: number;
  /** One row per anomaly type present, in vocabulary order. */
  types: TypeSeparability[];
}

/**
 * The manifest section for a dataset's separability histograms, or undefined when there is nothing to compare: no
 * histograms (`null`, see `DatasetStatsJSON.separability`), no normal trajectories, or no anomalous ones.
 */
export function separabilitySection(json: SeparabilityJSON | null): SeparabilitySection | undefined {
  if (json === null) return undefined;
  const types = separabilityReport(json);
  if (types.length === 0) return undefined;
  const normal = classHistograms(json, "normal") as Float64Array[];
  return {
    feature_set: FEATURE_SET,
    features: FEATURE_NAMES.length,
    rule_max_fpr: RULE_MAX_FPR,
    normal_trajectories: total(normal[0] as Float64Array),
    types,
  };
}

/** Per anomaly type present in `json` (with normal trajectories to compare against), its separability figures. */
export function separabilityReport(json: SeparabilityJSON): TypeSeparability[] {
  const normal = classHistograms(json, "normal");
  if (normal === null) return [];
  const report: TypeSeparability[] = [];
  for (const type of ANOMALY_TYPES) {
    const anomalous = classHistograms(json, type);
    if (anomalous === null) continue;
    let best = { feature: "", auc: 0.5 };
    let rule = { text: "none", recall: 0, fpr: 0 };
    FEATURE_NAMES.forEach((feature, f) => {
      const n = normal[f] as Float64Array;
      const a = anomalous[f] as Float64Array;
      const auc = foldedAuc(n, a);
      if (auc > best.auc || best.feature === "") best = { feature, auc };
      const candidate = bestRule(feature, f, n, a);
      if (candidate.recall > rule.recall) rule = candidate;
    });
    report.push({
      anomaly_type: type,
      trajectories: total(anomalous[0] as Float64Array),
      best_feature: best.feature,
      best_auc: round4(best.auc),
      best_rule: rule.text,
      rule_recall: round4(rule.recall),
      rule_fpr: round4(rule.fpr),
    });
  }
  return report;
}

function total(histogram: Float64Array): number {
  let sum = 0;
  for (const count of histogram) sum += count;
  return sum;
}

/** P(anomalous > normal) + ½ P(tie), folded so that 0.3 and 0.7 both report 0.7. */
function foldedAuc(normal: Float64Array, anomalous: Float64Array): number {
  const nTotal = total(normal);
  const aTotal = total(anomalous);
  if (nTotal === 0 || aTotal === 0) return 0.5;
  let below = 0;
  let wins = 0;
  for (let bin = 0; bin < SEPARABILITY_BINS; bin++) {
    const n = normal[bin] as number;
    const a = anomalous[bin] as number;
    wins += a * (below + n / 2);
    below += n;
  }
  const auc = wins / (nTotal * aTotal);
  return Math.max(auc, 1 - auc);
}

/** The threshold rule on one feature with the highest recall among those whose FPR is at most RULE_MAX_FPR. */
function bestRule(
  feature: string,
  f: number,
  normal: Float64Array,
  anomalous: Float64Array,
): { text: string; recall: number; fpr: number } {
  const nTotal = total(normal);
  const aTotal = total(anomalous);
  let best = { text: "none", recall: 0, fpr: 0 };
  if (nTotal === 0 || aTotal === 0) return best;
  // value >= bin: suffix sums; value <= bin: prefix sums.
  let nAbove = 0;
  let aAbove = 0;
  for (let bin = SEPARABILITY_BINS - 1; bin >= 0; bin--) {
    nAbove += normal[bin] as number;
    aAbove += anomalous[bin] as number;
    const fpr = nAbove / nTotal;
    if (fpr <= RULE_MAX_FPR && aAbove / aTotal > best.recall)
      best = { text: `${feature} >= ${binLabel(f, bin)}`, recall: aAbove / aTotal, fpr };
  }
  let nBelow = 0;
  let aBelow = 0;
  for (let bin = 0; bin < SEPARABILITY_BINS; bin++) {
    nBelow += normal[bin] as number;
    aBelow += anomalous[bin] as number;
    const fpr = nBelow / nTotal;
    if (fpr <= RULE_MAX_FPR && aBelow / aTotal > best.recall)
      best = { text: `${feature} < ${binLabel(f, bin + 1)}`, recall: aBelow / aTotal, fpr };
  }
  return best;
}

/** A bin's lower bound as the value it stands for: the count itself, or seconds for a duration. */
function binLabel(f: number, bin: number): string {
  if (!IS_DURATION[f]) return String(bin);
  return `${Math.round((2 ** (bin / 4) - 1) * 10) / 10}s`;
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
