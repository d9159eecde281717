import { graphExportVocabularies } from "../export/graph.ts";
import type { TrajectoryConfig } from "../trajectory/index.ts";
import { datasetManifestSections, renderDatasetCard } from "./card.ts";
import { generateTrajectory } from "./generate-trajectory.ts";
import { buildManifest, type DatasetManifest, type ShardEntry, serializeManifest } from "./manifest.ts";
import type { TrajectoryDatasetSpec } from "./spec.ts";
import { createDatasetStats, type DatasetStatsJSON } from "./stats.ts";

/** A file of a finished dataset besides its shards, with its key relative to the dataset root. */
export interface DatasetFile {
  key: string;
  body: string;
  contentType: string;
}

/**
 * Everything a finished dataset holds besides its shards: `manifest.json` (shards, splits, anomaly settings and
 * statistics), the dataset card `README.md`, and for the graph format the vocabularies of its categorical columns.
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
    config: input.config,
    shards: input.shards,
    sections: datasetManifestSections(input.config, statistics),
  });
  const files: DatasetFile[] = [
    { key: "manifest.json", body: serializeManifest(manifest), contentType: "application/json" },
    { key: "README.md", body: renderDatasetCard(manifest, statistics), contentType: "text/markdown" },
  ];
  if (input.spec.format === "graph") {
    files.push({
      key: "graph-vocabularies.json",
      body: `${JSON.stringify(graphExportVocabularies(), null, 2)}\n`,
      contentType: "application/json",
    });
  }
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
