import { type FormatFile, trajectoryFormat } from "../export/formats.ts";
import { generateTrajectory, type TrajectoryConfig } from "../trajectory/index.ts";
import { datasetManifestSections, renderDatasetCard } from "./card.ts";
import { CONFIG_FILE_KEY, configDocument, serializeSpecConfig } from "./config-document.ts";
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
  return { manifest, files };
}

/**
 * Statistics of one shard without keeping its output, by generating its trajectories again (they are deterministic).
 * For the rare path where a shard was stored by an earlier attempt that died before recording its statistics.
 */
export function recomputeShardStats(
  config: TrajectoryConfig,
  seed: number,
  startIndex: number,
  count: number,
): DatasetStatsJSON {
  const stats = createDatasetStats();
  for (let k = 0; k < count; k++) stats.add(generateTrajectory(config, seed, startIndex + k));
  return stats.toJSON();
}
