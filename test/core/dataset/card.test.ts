import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { datasetManifestSections, renderDatasetCard } from "../../../core/dataset/card.ts";
import { buildManifest, type DatasetManifest } from "../../../core/dataset/manifest.ts";
import type { SeparabilitySection } from "../../../core/dataset/separability.ts";
import { parseTrajectoryDatasetSpec } from "../../../core/dataset/spec.ts";
import { createDatasetStats, DURATION_BINS_MS, NODE_COUNT_BINS } from "../../../core/dataset/stats.ts";
import { parseAnomalyInjectionConfig } from "../../../core/trajectory/anomaly-config.ts";
import { parseSplitConfig } from "../../../core/trajectory/splits.ts";
import { anomalousAt, normalAt } from "../anomalies/helpers.ts";

function datasetCard(ratio = 0.2): string {
  return datasetOutputs(ratio).card;
}

/** A 60-trajectory dataset's manifest and card; every fifth trajectory a validation loop when `ratio` > 0. */
function datasetOutputs(ratio = 0.2): { card: string; manifest: DatasetManifest } {
  const stats = createDatasetStats();
  for (let i = 0; i < 60; i++) {
    const t = ratio > 0 && i % 5 === 0 ? anomalousAt("validation_loops", "low", 1, i).anomalous : normalAt(1, i);
    t.split = i % 10 === 0 ? "test" : "train";
    stats.add(t);
  }
  const spec = parseTrajectoryDatasetSpec({ seed: 1, total: 60, shard_size: 30, anomaly_ratio: ratio });
  const manifest = buildManifest({
    spec,
    config: {},
    shards: [
      { index: 0, key: "shards/00000.jsonl", start_index: 0, count: 30, bytes: 1000, sha256: "a".repeat(64) },
      { index: 1, key: "shards/00001.jsonl", start_index: 30, count: 30, bytes: 1000, sha256: "b".repeat(64) },
    ],
    sections: datasetManifestSections(
      { anomalies: parseAnomalyInjectionConfig({ ratio }), splits: parseSplitConfig(undefined) },
      stats.toJSON(),
    ),
  });
  return { card: renderDatasetCard(manifest, stats.toJSON()), manifest };
}

describe("renderDatasetCard", () => {
  it("describes the spec, the counts per pattern, anomaly type and split, and the distributions", () => {
    const card = datasetCard();
    expect(card).toMatch(/^---\nlicense: mit\n[\s\S]*\n---\n\n# agentsynth trajectory dataset \(trajectory format\)\n/);
    expect(card).toContain("| trajectories | 60 |");
    expect(card).toContain("| anomalous | 12 (20.0%) |");
    expect(card).toContain('"anomaly_ratio": 0.2');
    expect(card).toContain(
      "agentsynth trajectories --count 60 --seed 1 --shard-size 30 --format trajectory --anomaly-ratio 0.2 --out DIR",
    );
    expect(card).toMatch(/\| validation_loops \| 12 \| \d+ \| 0 \| \d+ \| 12 \| 0 \| 0 \| 0 \|/);
    expect(card).toContain("Configured fractions: train 0.6, validation 0.2, test 0.2");
    expect(card).toMatch(/## Patterns\n\n\| pattern \| trajectories \| share \| anomalous \|/);
    expect(card).toContain("## Nodes per trajectory");
    expect(card).toContain("## Trajectory duration");
    expect(card).toMatch(/\| test \| 6 \| \d+ \| \d+ \|/);
  });

  it("records the anomaly settings, split fractions and statistics in the manifest sections", () => {
    const stats = createDatasetStats().toJSON();
    const sections = datasetManifestSections(
      { anomalies: parseAnomalyInjectionConfig({ ratio: 0.1 }), splits: parseSplitConfig({ train: 1 }) },
      stats,
    );
    expect(sections.anomaly_injection).toMatchObject({ ratio: 0.1, severity: { low: 0.3 } });
    expect(sections.splits.fractions).toStrictEqual({ train: 1, validation: 0, test: 0 });
    // The separability histograms are not repeated in the statistics: the separability section holds what they give.
    const { separability: histograms, ...counters } = stats;
    expect(histograms).not.toBeNull();
    expect(sections.statistics).toStrictEqual({
      ...counters,
      nodes: { ...stats.nodes, unit: "nodes", bin_edges: [...NODE_COUNT_BINS, null] },
      duration_ms: { ...stats.duration_ms, unit: "milliseconds", bin_edges: [...DURATION_BINS_MS, null] },
    });
    // No trajectories, so nothing to compare: no separability section.
    expect("separability" in sections).toBe(false);
  });

  it("says how hard the dataset is, per anomaly type, in the card and the manifest", () => {
    const { card, manifest } = datasetOutputs();
    const section = manifest.separability as SeparabilitySection;
    expect(section).toMatchObject({
      feature_set: "agentsynth.trajectory-features/v1",
      rule_max_fpr: 0.01,
      normal_trajectories: 48,
    });
    expect(section.types).toHaveLength(1);
    const row = section.types[0];
    expect(row).toMatchObject({ anomaly_type: "validation_loops", trajectories: 12 });
    expect(row?.best_auc).toBeGreaterThanOrEqual(0.5);
    expect(row?.best_auc).toBeLessThanOrEqual(1);
    expect(card).toContain("## How hard is this dataset");
    expect(card).toContain(
      "| type | trajectories | best single feature | AUC | best rule (FPR ≤ 1%) | recall | FPR |\n|---|---:|---|---:|---|---:|---:|\n",
    );
    expect(card).toContain(
      `| validation_loops | 12 | \`${row?.best_feature}\` | ${row?.best_auc.toFixed(3)} | ` +
        `${row?.best_rule === "none" ? "none" : `\`${row?.best_rule}\``} | ${row?.rule_recall.toFixed(3)} |`,
    );
    expect(card).toContain("rank statistic");
    expect(card).toContain('`docs/anomalies.md` of\nthe agentsynth source ("How hard is a dataset")');
    // The section the card points to exists, and names the feature set the manifest records.
    const docs = readFileSync(new URL("../../../docs/anomalies.md", import.meta.url), "utf8");
    expect(docs).toContain("\n## How hard is a dataset\n");
    expect(docs).toContain(`\`${section.feature_set}\``);
    // The section sits after the anomaly counts, before the patterns.
    expect(card.indexOf("## Anomalies")).toBeLessThan(card.indexOf("## How hard is this dataset"));
    expect(card.indexOf("## How hard is this dataset")).toBeLessThan(card.indexOf("## Patterns"));
  });

  it("omits the separability table and section for a dataset without anomalies", () => {
    const { card, manifest } = datasetOutputs(0);
    expect(manifest.separability).toBeUndefined();
    expect("separability" in manifest).toBe(false);
    expect(card).not.toContain("How hard");
    expect(card).toContain("| anomalous | 0 (0.0%) |");
  });

  it("renders the same bytes for the same manifest and stats", () => {
    expect(datasetCard()).toBe(datasetCard());
  });
});
