import { describe, expect, it } from "vitest";
import { generateTrajectory } from "../../../core/dataset/generate-trajectory.ts";
import { datasetFiles } from "../../../core/dataset/outputs.ts";
import {
  classHistograms,
  quantise,
  RULE_MAX_FPR,
  SEPARABILITY_BINS,
  type SeparabilityJSON,
  SeparabilityStats,
  separabilityReport,
  separabilitySection,
} from "../../../core/dataset/separability.ts";
import { parseTrajectoryDatasetSpec } from "../../../core/dataset/spec.ts";
import { createDatasetStats, type DatasetStatsJSON } from "../../../core/dataset/stats.ts";
import { FEATURE_NAMES, FEATURE_SET, trajectoryFeatures } from "../../../core/dataset/trajectory-features.ts";
import { parseTrajectoryConfig, type Trajectory } from "../../../core/trajectory/index.ts";
import type { NodeOf } from "../../../core/trajectory/model.ts";
import { ANOMALY_TYPES } from "../../../core/trajectory/vocabulary.ts";

const SEED = 31;
const COUNT = 300;
const config = parseTrajectoryConfig({ anomaly_injection: { ratio: 0.5 } });
const trajectories: Trajectory[] = Array.from({ length: COUNT }, (_, i) => generateTrajectory(config, SEED, i));

/** Dataset statistics of `trajectories` cut at `cuts` (shard boundaries), one JSON per shard. */
function shardStats(cuts: readonly number[]): DatasetStatsJSON[] {
  const bounds = [0, ...cuts, COUNT];
  return bounds.slice(0, -1).map((start, k) => {
    const stats = createDatasetStats();
    for (const t of trajectories.slice(start, bounds[k + 1])) stats.add(t);
    return stats.toJSON();
  });
}

function merged(parts: readonly DatasetStatsJSON[]): DatasetStatsJSON {
  const total = createDatasetStats();
  for (const part of parts) total.merge(part);
  return total.toJSON();
}

/** The manifest and card of a dataset whose shards had these statistics (same spec and shard list each time). */
function outputs(parts: readonly DatasetStatsJSON[]): { manifest: string; card: string } {
  const spec = parseTrajectoryDatasetSpec({ seed: SEED, total: COUNT, shard_size: COUNT, anomaly_ratio: 0.5 });
  const { files } = datasetFiles({
    spec,
    config,
    shards: [{ index: 0, key: "shards/00000.jsonl", start_index: 0, count: COUNT, bytes: 1, sha256: "a".repeat(64) }],
    shardStats: parts,
  });
  const body = (key: string) => String(files.find((file) => file.key === key)?.body);
  return { manifest: body("manifest.json"), card: body("README.md") };
}

/** P(a > n) + ½ P(a = n) over every (anomalous, normal) pair, folded to ≥ 0.5: the definition, pair by pair. */
function bruteForceAuc(anomalous: readonly number[], normal: readonly number[]): number {
  let wins = 0;
  for (const a of anomalous) for (const n of normal) wins += a > n ? 1 : a === n ? 0.5 : 0;
  const auc = wins / (anomalous.length * normal.length);
  return Math.max(auc, 1 - auc);
}

describe("separability in the dataset statistics", () => {
  it("gives byte-identical statistics, manifest and card whatever the shard split and merge order", () => {
    const whole = shardStats([]);
    const thirds = shardStats([100, 200]);
    const uneven = shardStats([1, 2, 40, 41, 150, 299]);
    expect(uneven).toHaveLength(7);
    const reference = JSON.stringify(merged(whole));
    expect(JSON.stringify(merged(thirds))).toBe(reference);
    expect(JSON.stringify(merged(uneven))).toBe(reference);
    expect(JSON.stringify(merged([...uneven].reverse()))).toBe(reference);
    // Merged in a tree (as workers then the main thread do) rather than in a line.
    const left = merged(uneven.slice(0, 3));
    const right = merged(uneven.slice(3));
    expect(JSON.stringify(merged([right, left]))).toBe(reference);
    const expected = outputs(whole);
    expect(expected.manifest).toContain('"separability": {');
    for (const parts of [thirds, uneven, [...uneven].reverse(), [right, left]]) {
      const actual = outputs(parts);
      expect(actual.manifest).toBe(expected.manifest);
      expect(actual.card).toBe(expected.card);
    }
  });

  it("counts every trajectory once per class: normal, or each of its anomaly types", () => {
    const json = merged(shardStats([]));
    const separability = json.separability as SeparabilityJSON;
    // Every feature's histogram of a class sums to the class's trajectories.
    const counts = (name: string) =>
      (classHistograms(separability, name) ?? []).map((histogram) => histogram.reduce((sum, c) => sum + c, 0));
    const normal = json.trajectories - json.anomalous;
    expect(counts("normal")).toStrictEqual(FEATURE_NAMES.map(() => normal));
    for (const type of ANOMALY_TYPES) {
      const total = json.anomaly_types[type].total;
      expect(counts(type)).toStrictEqual(total === 0 ? [] : FEATURE_NAMES.map(() => total));
    }
  });

  it("counts a trajectory with several anomalies once under each of its types", () => {
    const twice = structuredClone(trajectories.find((t) => t.metadata.is_anomalous) as Trajectory);
    twice.metadata.anomaly_types = ["infinite_loops", "handoff_failures", "infinite_loops"];
    const stats = new SeparabilityStats();
    stats.add(twice);
    const json = stats.toJSON();
    expect(Object.keys(json.histograms)).toStrictEqual(["infinite_loops", "handoff_failures"]);
    for (const name of Object.keys(json.histograms))
      for (const histogram of classHistograms(json, name) ?? []) expect(histogram.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("merges the compact JSON form back to the same counts, and refuses a malformed one", () => {
    const stats = new SeparabilityStats();
    for (const t of trajectories) stats.add(t);
    const json = stats.toJSON();
    expect(typeof json.histograms.normal).toBe("string");
    const again = new SeparabilityStats();
    again.merge(json);
    expect(again.toJSON()).toStrictEqual(json);
    again.merge(json);
    const doubled = classHistograms(again.toJSON(), "normal");
    const single = classHistograms(json, "normal") ?? [];
    expect(single).toHaveLength(FEATURE_NAMES.length);
    single.forEach((histogram, f) => {
      expect(Array.from(doubled?.[f] ?? [])).toStrictEqual(Array.from(histogram, (c) => 2 * c));
    });
    const malformed = (normal: string) => () => new SeparabilityStats().merge({ ...json, histograms: { normal } });
    expect(malformed("0:1")).toThrow(/features/);
    expect(malformed(`0:x${";".repeat(FEATURE_NAMES.length - 1)}`)).toThrow(/malformed/);
    expect(malformed(`64:1${";".repeat(FEATURE_NAMES.length - 1)}`)).toThrow(/malformed/);
  });

  it("reports each type's best single-feature AUC and best rule as a brute force over the same features finds them", () => {
    const report = separabilityReport(merged(shardStats([100, 200])).separability ?? (null as never));
    const binned = trajectories.map((t) => Array.from(trajectoryFeatures(t), (value, f) => quantise(f, value)));
    const normal = binned.filter((_, i) => !trajectories[i]?.metadata.is_anomalous);
    expect(normal.length).toBeGreaterThan(100);
    const types = ANOMALY_TYPES.filter((type) => trajectories.some((t) => t.metadata.anomaly_types.includes(type)));
    expect(report.map((row) => row.anomaly_type)).toStrictEqual(types);
    let checked = 0;
    for (const row of report) {
      const anomalous = binned.filter((_, i) => trajectories[i]?.metadata.anomaly_types.includes(row.anomaly_type));
      expect(row.trajectories).toBe(anomalous.length);
      // Every feature's AUC pair by pair; the report's is the largest, the first such feature on a tie.
      const aucs = FEATURE_NAMES.map((_, f) =>
        bruteForceAuc(
          anomalous.map((values) => values[f] as number),
          normal.map((values) => values[f] as number),
        ),
      );
      const best = Math.max(...aucs);
      expect(row.best_auc).toBe(Math.round(best * 10_000) / 10_000);
      expect(row.best_feature).toBe(FEATURE_NAMES[aucs.indexOf(best)]);
      // Every rule `feature >= t` and `feature < t` over the bins; the report's recall is the best within the budget.
      let bestRecall = 0;
      FEATURE_NAMES.forEach((_, f) => {
        for (let t = 0; t <= SEPARABILITY_BINS; t++) {
          for (const flags of [(v: number) => v >= t, (v: number) => v < t]) {
            const fpr = normal.filter((values) => flags(values[f] as number)).length / normal.length;
            const recall = anomalous.filter((values) => flags(values[f] as number)).length / anomalous.length;
            if (fpr <= RULE_MAX_FPR && recall > bestRecall) bestRecall = recall;
          }
        }
      });
      expect(row.rule_recall).toBe(Math.round(bestRecall * 10_000) / 10_000);
      expect(row.rule_fpr).toBeLessThanOrEqual(RULE_MAX_FPR);
      // The rule as written, applied to the raw features of count features, flags what the report says.
      const rule = /^(\S+) (>=|<) (\d+)$/.exec(row.best_rule);
      if (rule !== null) {
        const f = FEATURE_NAMES.indexOf(rule[1] as string);
        const t = Number(rule[3]);
        const flags = (traj: Trajectory) => {
          const value = trajectoryFeatures(traj)[f] as number;
          return rule[2] === ">=" ? value >= t : value < t;
        };
        const normalTrajectories = trajectories.filter((t) => !t.metadata.is_anomalous);
        const typed = trajectories.filter((t) => t.metadata.anomaly_types.includes(row.anomaly_type));
        expect(row.rule_recall).toBe(Math.round((typed.filter(flags).length / typed.length) * 10_000) / 10_000);
        expect(row.rule_fpr).toBe(
          Math.round((normalTrajectories.filter(flags).length / normalTrajectories.length) * 10_000) / 10_000,
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
    // The figures are not all trivial: some type is separable, none below chance after folding.
    expect(Math.max(...report.map((row) => row.best_auc))).toBeGreaterThan(0.8);
    expect(Math.min(...report.map((row) => row.best_auc))).toBeGreaterThanOrEqual(0.5);
  });

  it("computes the features as a plain reading of their definitions does", () => {
    const at = (name: string) => FEATURE_NAMES.indexOf(name);
    let repeatsSeen = 0;
    for (const t of trajectories) {
      const values = trajectoryFeatures(t);
      const seen = new Set<string>();
      let repeats = 0;
      for (const node of t.nodes) {
        const key =
          node.node_type === "TOOL_CALL"
            ? JSON.stringify([node.node_type, node.tool_type, node.tool_parameters])
            : node.node_type === "LLM_CALL"
              ? JSON.stringify([node.node_type, node.llm_purpose, node.llm_prompt])
              : node.node_type === "MEMORY_ACCESS"
                ? JSON.stringify([node.node_type, node.memory_operation, node.memory_key])
                : null;
        if (key === null) continue;
        if (seen.has(key)) repeats++;
        seen.add(key);
      }
      const byId = new Map(t.nodes.map((node) => [node.node_id, node]));
      const backEdges = t.edges.filter((edge) => {
        const source = byId.get(edge.source_node_id);
        const target = byId.get(edge.target_node_id);
        return (
          source !== undefined && target !== undefined && Date.parse(target.start_time) < Date.parse(source.end_time)
        );
      }).length;
      expect(values[at("repeated_inputs")]).toBe(repeats);
      expect(values[at("back_edges")]).toBe(backEdges);
      expect(values[at("nodes.TOOL_CALL")]).toBe(t.nodes.filter((node) => node.node_type === "TOOL_CALL").length);
      expect(values[at("status.failed")]).toBe(t.nodes.filter((node) => node.status === "failed").length);
      expect(values[at("retries.sum")]).toBe(t.nodes.reduce((sum, node) => sum + node.retry_count, 0));
      expect(values[at("retries.max")]).toBe(Math.max(0, ...t.nodes.map((node) => node.retry_count)));
      expect(values[at("duration.max_node_s")]).toBe(Math.max(0, ...t.nodes.map((node) => node.duration)));
      expect(values[at(`trajectory_status.${t.status}`)]).toBe(1);
      const pairs = FEATURE_NAMES.flatMap((name, f) => (name.startsWith("pair.") ? [values[f] as number] : []));
      expect(pairs.reduce((a, b) => a + b, 0)).toBe(t.edges.length);
      repeatsSeen += repeats;
    }
    expect(repeatsSeen).toBeGreaterThan(0);
    // Generated loops are new spans (no edge into finished work), so build a back edge: last node → first node.
    const looped = structuredClone(trajectories[0] as Trajectory);
    const first = looped.nodes[0];
    const last = looped.nodes.at(-1);
    if (first === undefined || last === undefined) throw new Error("empty trajectory");
    const before = trajectoryFeatures(looped);
    looped.edges.push({
      ...(looped.edges[0] as Trajectory["edges"][number]),
      source_node_id: last.node_id,
      target_node_id: first.node_id,
    });
    const after = trajectoryFeatures(looped);
    expect(after[at("back_edges")]).toBe((before[at("back_edges")] as number) + 1);
    const pair = at(`pair.${last.node_type}>${first.node_type}`);
    expect(after[pair]).toBe((before[pair] as number) + 1);
  });

  it("counts a tool call as repeated when its parameters have the same JSON, copied or not, and not when reordered", () => {
    const at = FEATURE_NAMES.indexOf("repeated_inputs");
    const base = structuredClone(
      trajectories.find((t) => t.nodes.some((n) => n.node_type === "TOOL_CALL")) as Trajectory,
    );
    const call = base.nodes.find((node): node is NodeOf<"TOOL_CALL"> => node.node_type === "TOOL_CALL");
    if (call === undefined) throw new Error("no tool call");
    const withCall = (parameters: NodeOf<"TOOL_CALL">["tool_parameters"]) => {
      const t = structuredClone(base);
      t.nodes.push({ ...call, node_id: "00000000-0000-4000-8000-000000000000", tool_parameters: parameters });
      return (trajectoryFeatures(t)[at] as number) - (trajectoryFeatures(base)[at] as number);
    };
    const reordered = Object.fromEntries(Object.entries(call.tool_parameters).reverse());
    expect(withCall({ ...call.tool_parameters })).toBe(1);
    expect(withCall({ ...call.tool_parameters, extra: 1 })).toBe(0);
    if (Object.keys(reordered).length > 1) expect(withCall(reordered)).toBe(0);
  });

  it("gives the same histograms however often they are read between adds", () => {
    const once = new SeparabilityStats();
    const often = new SeparabilityStats();
    for (const t of trajectories.slice(0, 40)) {
      once.add(t);
      often.add(t);
      often.toJSON();
    }
    expect(often.toJSON()).toStrictEqual(once.toJSON());
    expect(often.toJSON()).toStrictEqual(once.toJSON());
  });

  it("bins counts exactly up to 62 and durations four bins per doubling", () => {
    const count = FEATURE_NAMES.indexOf("nodes.TOOL_CALL");
    const duration = FEATURE_NAMES.indexOf("duration.total_s");
    expect([0, 1, 62, 63, 500].map((v) => quantise(count, v))).toStrictEqual([0, 1, 62, 63, 63]);
    expect([0, 1, 3, 15, 1e9].map((v) => quantise(duration, v))).toStrictEqual([0, 4, 8, 16, 63]);
  });

  it("gives no section without normal trajectories, or when a part without histograms was merged", () => {
    const anomalousOnly = new SeparabilityStats();
    for (const t of trajectories.filter((t) => t.metadata.is_anomalous)) anomalousOnly.add(t);
    expect(separabilitySection(anomalousOnly.toJSON())).toBeUndefined();
    const normalOnly = new SeparabilityStats();
    for (const t of trajectories.filter((t) => !t.metadata.is_anomalous)) normalOnly.add(t);
    expect(separabilitySection(normalOnly.toJSON())).toBeUndefined();
    expect(separabilitySection(null)).toBeUndefined();

    const [first, second] = shardStats([150]) as [DatasetStatsJSON, DatasetStatsJSON];
    const section = separabilitySection(merged([first, second]).separability);
    expect(section).toMatchObject({ feature_set: FEATURE_SET, features: FEATURE_NAMES.length, rule_max_fpr: 0.01 });
    expect(section?.normal_trajectories).toBe(trajectories.filter((t) => !t.metadata.is_anomalous).length);
    // A done record of an earlier version has no histograms: a report over half the dataset would misstate it.
    const { separability: _dropped, ...older } = second;
    expect(merged([first, older as DatasetStatsJSON]).separability).toBeNull();
    expect(merged([older as DatasetStatsJSON, first]).separability).toBeNull();
    // Nor over another feature set; an empty part without histograms changes nothing.
    const otherSet = { ...second, separability: { ...(second.separability as SeparabilityJSON), features: ["x"] } };
    expect(merged([first, otherSet as DatasetStatsJSON]).separability).toBeNull();
    const { separability: _none, ...emptyOlder } = createDatasetStats().toJSON();
    expect(merged([first, second, emptyOlder as DatasetStatsJSON])).toStrictEqual(merged([first, second]));
  });
});
