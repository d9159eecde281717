import { describe, expect, it } from "vitest";
import { SEPARABILITY_BINS } from "../../../core/dataset/separability.ts";
import {
  createDatasetStats,
  DATASET_STATS_FORMAT,
  type DatasetStatsJSON,
  mean,
  NODE_COUNT_BINS,
} from "../../../core/dataset/stats.ts";
import { FEATURE_NAMES } from "../../../core/dataset/trajectory-features.ts";
import type { Trajectory } from "../../../core/trajectory/index.ts";
import { SPLIT_NAMES, type SplitName } from "../../../core/trajectory/splits.ts";
import { ANOMALY_TYPES } from "../../../core/trajectory/vocabulary.ts";
import { anomalousAt, normalAt } from "../anomalies/helpers.ts";

function sample(count: number): Trajectory[] {
  return Array.from({ length: count }, (_, i) => {
    const t =
      i % 4 === 0
        ? anomalousAt(i % 8 === 0 ? "infinite_loops" : "timeout_cascades", "high", 5, i).anomalous
        : normalAt(5, i);
    t.split = SPLIT_NAMES[i % 3] as SplitName;
    return t;
  });
}

describe("createDatasetStats", () => {
  const trajectories = sample(120);

  it("counts trajectories, patterns, anomaly types and splits when trajectories are added", () => {
    const stats = createDatasetStats();
    for (const t of trajectories) stats.add(t);
    const json = stats.toJSON();
    expect(json.format).toBe(DATASET_STATS_FORMAT);
    expect(json.trajectories).toBe(120);
    expect(json.anomalous).toBe(30);
    expect(json.anomaly_types.infinite_loops.total).toBe(15);
    expect(json.anomaly_types.timeout_cascades.total).toBe(15);
    expect(json.anomaly_types.infinite_loops.by_severity.high).toBe(15);
    expect(json.splits.train.total + json.splits.validation.total + json.splits.test.total).toBe(120);
    expect(json.splits.unassigned.total).toBe(0);
    expect(Object.values(json.patterns).reduce((sum, row) => sum + row.total, 0)).toBe(120);
    expect(json.nodes.sum).toBe(trajectories.reduce((sum, t) => sum + t.nodes.length, 0));
    expect(json.nodes.histogram).toHaveLength(NODE_COUNT_BINS.length);
    expect(json.nodes.histogram.reduce((a, b) => a + b, 0)).toBe(120);
    expect(mean(json.nodes)).toBeCloseTo(json.nodes.sum / 120, 10);
    expect(json.anomalous_nodes).toBe(
      trajectories.reduce((sum, t) => sum + t.nodes.filter((n) => n.is_anomalous).length, 0),
    );
  });

  it("gives the same result whatever way the trajectories are split into merged parts", () => {
    const whole = createDatasetStats();
    for (const t of trajectories) whole.add(t);
    const parts = [0, 7, 50, 51, 120].slice(0, -1).map((start, k, starts) => {
      const part = createDatasetStats();
      const end = starts[k + 1] ?? 120;
      for (const t of trajectories.slice(start, end)) part.add(t);
      return part.toJSON();
    });
    const merged = createDatasetStats();
    for (const part of parts.reverse()) merged.merge(part);
    expect(JSON.stringify(merged.toJSON())).toBe(JSON.stringify(whole.toJSON()));
    const viaObject = createDatasetStats(parts[0]);
    for (const part of parts.slice(1)) viaObject.merge(createDatasetStats(part));
    expect(viaObject.toJSON()).toStrictEqual(whole.toJSON());
  });

  it("keeps its size fixed however many trajectories are added", () => {
    const small = createDatasetStats();
    const once = createDatasetStats();
    const large = createDatasetStats();
    small.add(trajectories[0] as Trajectory);
    for (const t of trajectories) once.add(t);
    for (let k = 0; k < 5; k++) for (const t of trajectories) large.add(t);
    const shape = (value: unknown) => JSON.stringify(value, (_key, v) => (typeof v === "number" || v === null ? 0 : v));
    // The counters have one shape whatever was added.
    const counters = ({ separability: _s, ...rest }: DatasetStatsJSON) => rest;
    expect(shape(counters(large.toJSON()))).toBe(shape(counters(small.toJSON())));
    // The separability histograms are sparse (only non-empty bins are written, as `bin:count`): adding the same
    // trajectories five times over changes counts, not which bins are written, and no class has more entries than
    // features × bins.
    const bins = (json: DatasetStatsJSON) =>
      Object.entries(json.separability?.histograms ?? {}).map(([name, encoded]) => [
        name,
        encoded?.replace(/:\d+/g, ""),
      ]);
    expect(bins(large.toJSON())).toStrictEqual(bins(once.toJSON()));
    expect(bins(large.toJSON()).length).toBeGreaterThan(1);
    for (const [, encoded] of bins(large.toJSON())) {
      const entries = (encoded ?? "").split(/[;,]/).filter((entry) => entry !== "");
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.length).toBeLessThanOrEqual(FEATURE_NAMES.length * SEPARABILITY_BINS);
    }
    expect(Object.keys(large.toJSON().separability?.histograms ?? {}).length).toBeLessThanOrEqual(
      1 + ANOMALY_TYPES.length,
    );
  });

  it("refuses to merge stats of another format", () => {
    const stats = createDatasetStats();
    expect(() => stats.merge({ ...stats.toJSON(), format: "other" } as never)).toThrow(/format other/);
  });
});
