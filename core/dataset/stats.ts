import type { Trajectory } from "../trajectory/model.ts";
import { SPLIT_NAMES, type SplitName } from "../trajectory/splits.ts";
import {
  ANOMALY_TYPES,
  type AnomalyType,
  NODE_TYPES,
  type NodeType,
  PATTERN_NAMES,
  type PatternName,
  SEVERITY_LEVELS,
  type SeverityLevel,
  TRAJECTORY_STATUSES,
  type TrajectoryStatus,
} from "../trajectory/vocabulary.ts";
import { type SeparabilityJSON, SeparabilityStats, sameFeatureSet } from "./separability.ts";

export const DATASET_STATS_FORMAT = "agentsynth.dataset-stats/v1";

/** Lower bounds of the node-count bins; a bin runs to the next bound (the last one is open). */
export const NODE_COUNT_BINS = [1, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 200, 500] as const;
/**
 * Lower bounds of the total-duration bins, in milliseconds. Durations are summed as integer milliseconds so merged
 * sums are exact, whatever order shards are merged in.
 */
export const DURATION_BINS_MS = [0, 15, 30, 60, 120, 180, 300, 450, 600, 900, 1200, 1800, 3600].map((s) => s * 1000);

export interface Distribution {
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  /** Per bin of the matching *_BINS constant. */
  histogram: number[];
}

/** What `toJSON` returns: plain, fixed-size, and what a worker thread posts to the main thread. */
export interface DatasetStatsJSON {
  format: typeof DATASET_STATS_FORMAT;
  trajectories: number;
  anomalous: number;
  nodes: Distribution;
  edges: number;
  duration_ms: Distribution;
  anomalous_nodes: number;
  anomalous_edges: number;
  patterns: Record<PatternName, { total: number; anomalous: number }>;
  statuses: Record<TrajectoryStatus, number>;
  node_types: Record<NodeType, number>;
  /** Trajectories per split; `unassigned` counts trajectories without a split field. */
  splits: Record<SplitName | "unassigned", { total: number; anomalous: number }>;
  anomaly_types: Record<
    AnomalyType,
    { total: number; by_severity: Record<SeverityLevel, number>; by_split: Record<SplitName | "unassigned", number> }
  >;
  /**
   * Per-class histograms of the fixed feature set (`separability.ts`), from which the manifest and card report how
   * hard each anomaly type is. Null once a part without them was merged in (a done record written by an earlier
   * version): a report over some shards only would misstate the dataset, so none is given.
   */
  separability: SeparabilityJSON | null;
}

/**
 * A mergeable accumulator of dataset statistics. Its memory is fixed (counters and histograms), whatever the
 * dataset size, so each shard worker keeps one and the main thread merges them; merging is associative and
 * commutative, so the result does not depend on how shards were spread over workers.
 */
export interface DatasetStats {
  add(trajectory: Trajectory): void;
  merge(other: DatasetStats | DatasetStatsJSON): void;
  toJSON(): DatasetStatsJSON;
}

/**
 * Creates an empty accumulator, or one holding `from` (e.g. a worker's posted `toJSON()`).
 * @example
 * const stats = createDatasetStats();
 * for (const trajectory of shard) stats.add(trajectory);
 * total.merge(stats.toJSON());
 */
export function createDatasetStats(from?: DatasetStatsJSON): DatasetStats {
  const state = emptyStats();
  // Fixed-size typed arrays (features × classes × bins); null once a part without them was merged.
  let separability: SeparabilityStats | null = new SeparabilityStats();
  const merge = (other: DatasetStatsJSON) => {
    mergeInto(state, other);
    // Absent from a record of an earlier version, or over another feature set: no report rather than a partial one.
    const histograms = other.separability as SeparabilityJSON | null | undefined;
    if (histograms === undefined) {
      if (other.trajectories > 0) separability = null;
    } else if (histograms === null || !sameFeatureSet(histograms)) separability = null;
    else separability?.merge(histograms);
  };
  if (from !== undefined) merge(from);
  return {
    add(trajectory: Trajectory): void {
      addTrajectory(state, trajectory);
      separability?.add(trajectory);
    },
    merge(other: DatasetStats | DatasetStatsJSON): void {
      merge("toJSON" in other ? other.toJSON() : other);
    },
    toJSON(): DatasetStatsJSON {
      return { ...structuredClone(state), separability: separability?.toJSON() ?? null };
    },
  };
}

/** Mean of a distribution, or null when empty. */
export function mean(distribution: Distribution): number | null {
  return distribution.count === 0 ? null : distribution.sum / distribution.count;
}

/**
 * An approximate quantile from the histogram: the lower bound of the bin holding it, clamped to the observed range.
 * Good enough for a dataset card; exact quantiles would need memory that grows with the dataset.
 */
export function approximateQuantile(distribution: Distribution, bins: readonly number[], q: number): number | null {
  if (distribution.count === 0) return null;
  const target = q * distribution.count;
  let seen = 0;
  for (let k = 0; k < distribution.histogram.length; k++) {
    seen += distribution.histogram[k] as number;
    if (seen >= target && seen > 0) {
      return Math.min(Math.max(bins[k] as number, distribution.min as number), distribution.max as number);
    }
  }
  return distribution.max;
}

function emptyDistribution(bins: readonly number[]): Distribution {
  return { count: 0, sum: 0, min: null, max: null, histogram: new Array<number>(bins.length).fill(0) };
}

function zeros<K extends string, V>(keys: readonly K[], make: () => V): Record<K, V> {
  return Object.fromEntries(keys.map((key) => [key, make()])) as Record<K, V>;
}

const SPLIT_KEYS = [...SPLIT_NAMES, "unassigned"] as const;

/** The counters kept as plain JSON; the separability histograms live in their own accumulator. */
type CounterState = Omit<DatasetStatsJSON, "separability">;

function emptyStats(): CounterState {
  return {
    format: DATASET_STATS_FORMAT,
    trajectories: 0,
    anomalous: 0,
    nodes: emptyDistribution(NODE_COUNT_BINS),
    edges: 0,
    duration_ms: emptyDistribution(DURATION_BINS_MS),
    anomalous_nodes: 0,
    anomalous_edges: 0,
    patterns: zeros(PATTERN_NAMES, () => ({ total: 0, anomalous: 0 })),
    statuses: zeros(TRAJECTORY_STATUSES, () => 0),
    node_types: zeros(NODE_TYPES, () => 0),
    splits: zeros(SPLIT_KEYS, () => ({ total: 0, anomalous: 0 })),
    anomaly_types: zeros(ANOMALY_TYPES, () => ({
      total: 0,
      by_severity: zeros(SEVERITY_LEVELS, () => 0),
      by_split: zeros(SPLIT_KEYS, () => 0),
    })),
  };
}

function observe(distribution: Distribution, bins: readonly number[], value: number): void {
  distribution.count++;
  distribution.sum += value;
  distribution.min = distribution.min === null ? value : Math.min(distribution.min, value);
  distribution.max = distribution.max === null ? value : Math.max(distribution.max, value);
  let bin = 0;
  while (bin + 1 < bins.length && value >= (bins[bin + 1] as number)) bin++;
  distribution.histogram[bin] = (distribution.histogram[bin] as number) + 1;
}

function splitKeyOf(trajectory: Trajectory): SplitName | "unassigned" {
  const split = (trajectory as { split?: unknown }).split;
  return typeof split === "string" && (SPLIT_NAMES as readonly string[]).includes(split)
    ? (split as SplitName)
    : "unassigned";
}

function addTrajectory(state: CounterState, trajectory: Trajectory): void {
  const { metadata } = trajectory;
  const anomalous = metadata.is_anomalous;
  const split = splitKeyOf(trajectory);
  state.trajectories++;
  if (anomalous) state.anomalous++;
  observe(state.nodes, NODE_COUNT_BINS, trajectory.nodes.length);
  observe(state.duration_ms, DURATION_BINS_MS, Math.round(trajectory.total_duration * 1000));
  state.edges += trajectory.edges.length;
  const pattern = state.patterns[trajectory.pattern];
  pattern.total++;
  if (anomalous) pattern.anomalous++;
  state.statuses[trajectory.status]++;
  state.splits[split].total++;
  if (anomalous) state.splits[split].anomalous++;
  for (const node of trajectory.nodes) {
    state.node_types[node.node_type]++;
    if (node.is_anomalous) state.anomalous_nodes++;
  }
  for (const edge of trajectory.edges) if (edge.is_anomalous) state.anomalous_edges++;
  for (const type of metadata.anomaly_types) {
    const entry = state.anomaly_types[type];
    entry.total++;
    if (metadata.anomaly_severity !== null) entry.by_severity[metadata.anomaly_severity]++;
    entry.by_split[split]++;
  }
}

function mergeDistribution(into: Distribution, from: Distribution): void {
  into.count += from.count;
  into.sum += from.sum;
  if (from.min !== null) into.min = into.min === null ? from.min : Math.min(into.min, from.min);
  if (from.max !== null) into.max = into.max === null ? from.max : Math.max(into.max, from.max);
  for (let k = 0; k < into.histogram.length; k++)
    into.histogram[k] = (into.histogram[k] as number) + (from.histogram[k] ?? 0);
}

function mergeCounts<K extends string>(into: Record<K, number>, from: Record<K, number>): void {
  for (const key of Object.keys(into) as K[]) into[key] += from[key] ?? 0;
}

function mergeInto(state: CounterState, from: DatasetStatsJSON): void {
  if (from.format !== DATASET_STATS_FORMAT) {
    throw new TypeError(`cannot merge dataset stats of format ${String(from.format)} into ${DATASET_STATS_FORMAT}`);
  }
  state.trajectories += from.trajectories;
  state.anomalous += from.anomalous;
  mergeDistribution(state.nodes, from.nodes);
  mergeDistribution(state.duration_ms, from.duration_ms);
  state.edges += from.edges;
  state.anomalous_nodes += from.anomalous_nodes;
  state.anomalous_edges += from.anomalous_edges;
  for (const pattern of PATTERN_NAMES) {
    state.patterns[pattern].total += from.patterns[pattern]?.total ?? 0;
    state.patterns[pattern].anomalous += from.patterns[pattern]?.anomalous ?? 0;
  }
  mergeCounts(state.statuses, from.statuses);
  mergeCounts(state.node_types, from.node_types);
  for (const split of SPLIT_KEYS) {
    state.splits[split].total += from.splits[split]?.total ?? 0;
    state.splits[split].anomalous += from.splits[split]?.anomalous ?? 0;
  }
  for (const type of ANOMALY_TYPES) {
    const into = state.anomaly_types[type];
    const other = from.anomaly_types[type];
    if (other === undefined) continue;
    into.total += other.total;
    mergeCounts(into.by_severity, other.by_severity);
    mergeCounts(into.by_split, other.by_split);
  }
}
