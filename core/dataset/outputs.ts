import { type FormatFile, trajectoryFormat } from "../export/formats.ts";
import type { Seed } from "../random.ts";
import type { TrajectoryConfig } from "../trajectory/index.ts";
import { GENERATOR_VERSION } from "../version.ts";
import { datasetManifestSections, renderDatasetCard } from "./card.ts";
import { CONFIG_FILE_KEY, configDocument, serializeSpecConfig } from "./config-document.ts";
import { generateTrajectory } from "./generate-trajectory.ts";
import { buildManifest, type DatasetManifest, type ShardEntry, serializeManifest } from "./manifest.ts";
import type { TrajectoryDatasetSpec } from "./spec.ts";
import { createDatasetStats, type DatasetStatsJSON } from "./stats.ts";

/** A file of a finished dataset besides its shards, with its key relative to the dataset root. */
export type DatasetFile = FormatFile;

/**
 * Everything a finished dataset holds besides its shards: `manifest.json` (shards, splits, anomaly settings and
 * statistics), the spec's config as `config.yaml` (when it has one), the dataset card `README.md`, and the files the format writes beside its shards (the graph format's
 * vocabularies).
 * The CLI and the batch service both call this, so the same spec gives the same files either way.
 */
export function datasetFiles(input: {
  spec: TrajectoryDatasetSpec;
  config: TrajectoryConfig;
  shards: readonly ShardEntry[];
  /** Per-shard statistics in any order; merging is exact and order-independent. */
  shardStats: readonly DatasetStatsJSON[];
}): { manifest: DatasetManifest; files: DatasetFile[] } {
  const total = createDatasetStats();
  for (const stats of input.shardStats) total.merge(stats);
  const statistics = total.toJSON();
  const manifest = buildManifest({
    spec: input.spec,
    config: configDocument(input.config),
    shards: input.shards,
    sections: datasetManifestSections(input.config, statistics),
  });
  const files: DatasetFile[] = [
    { key: "manifest.json", body: serializeManifest(manifest), contentType: "application/json" },
    { key: "README.md", body: renderDatasetCard(manifest, statistics), contentType: "text/markdown" },
  ];
  if (input.spec.config !== undefined) {
    files.push({ key: CONFIG_FILE_KEY, body: serializeSpecConfig(input.spec.config), contentType: "application/yaml" });
  }
  files.push(...(trajectoryFormat(input.spec.format).datasetFiles?.() ?? []));
  if (input.spec.eval_set !== undefined) {
    files.push({
      key: LABELS_MANIFEST_KEY,
      body: `${JSON.stringify(labelsManifest(input.spec, input.shards), null, 2)}\n`,
      contentType: "application/json",
    });
  }
  return { manifest, files };
}

/** Where an evaluation set's labels manifest goes, relative to the dataset root. */
export const LABELS_MANIFEST_KEY = "labels/manifest.json";
export const LABELS_MANIFEST_FORMAT = "agentsynth.labels/v1";

/**
 * The private half of an evaluation set: the full spec with its secret (which regenerates the dataset and its
 * labels), the label schema, and each label file with the shard it belongs to, its size and sha256.
 */
function labelsManifest(spec: TrajectoryDatasetSpec, shards: readonly ShardEntry[]) {
  return {
    format: LABELS_MANIFEST_FORMAT,
    generator: { name: "agentsynth", version: GENERATOR_VERSION },
    keep_private:
      "This folder holds the labels and the secret that regenerates the whole dataset: publish the dataset without it.",
    label_schema: "schema/trajectory-labels.schema.json (TrajectoryLabels), one line per trajectory, in shard order",
    spec,
    shards: [...shards]
      .sort((a, b) => a.index - b.index)
      .map((shard) => ({
        index: shard.index,
        shard_key: shard.key,
        start_index: shard.start_index,
        count: shard.count,
        ...(shard.labels ?? {}),
      })),
  };
}

/**
 * Statistics of one shard without keeping its output, by generating its trajectories again (they are deterministic).
 * For the rare path where a shard was stored by an earlier attempt that died before recording its statistics.
 */
export function recomputeShardStats(
  config: TrajectoryConfig,
  seed: Seed,
  startIndex: number,
  count: number,
): DatasetStatsJSON {
  const stats = createDatasetStats();
  for (let k = 0; k < count; k++) stats.add(generateTrajectory(config, seed, startIndex + k));
  return stats.toJSON();
}
