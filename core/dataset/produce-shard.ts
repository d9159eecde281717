import { trajectoryFormat } from "../export/formats.ts";
import { relativeShardKey } from "../storage/keys.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import type { TrajectoryConfig } from "../trajectory/index.ts";
import { ShardLabels } from "./eval-labels.ts";
import type { ShardEntry } from "./manifest.ts";
import type { ShardPlan } from "./plan.ts";
import { renderTrajectoryShard } from "./render-shard.ts";
import { generationSeed, shardCompression, type TrajectoryDatasetSpec } from "./spec.ts";
import { createDatasetStats, type DatasetStatsJSON } from "./stats.ts";
import { writeShard } from "./write-shard.ts";
import { writeTableShard } from "./write-table-shard.ts";

/**
 * Renders one shard of a dataset, writes it to `store` under its key relative to the dataset root, and returns its
 * manifest entry and statistics.
 * @example
 * const { entry, stats } = await produceTrajectoryShard(store, spec, config, { shard: 0, start_index: 0, count: 1000 });
 */
export async function produceTrajectoryShard(
  store: ObjectStore,
  spec: TrajectoryDatasetSpec,
  config: TrajectoryConfig,
  shard: ShardPlan,
  onProgress?: (rendered: number) => void,
): Promise<{ entry: ShardEntry; stats: DatasetStatsJSON }> {
  const stats = createDatasetStats();
  // An evaluation set keeps its labels apart: they are collected here and written beside the shard.
  const labels = spec.eval_set === undefined ? undefined : new ShardLabels();
  const format = trajectoryFormat(spec.format);
  if (format.layout === "tables") {
    const written = await writeTableShard(store, {
      format,
      config,
      seed: generationSeed(spec),
      shard: shard.shard,
      startIndex: shard.start_index,
      count: shard.count,
      onTrajectory: (trajectory) => stats.add(trajectory),
      ...(labels === undefined ? {} : { onLabels: labels.onLabels }),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    const labelsEntry = labels === undefined ? undefined : await labels.write(store, shard.shard);
    return {
      entry: {
        index: shard.shard,
        key: written.key,
        start_index: shard.start_index,
        count: shard.count,
        bytes: written.bytes,
        sha256: written.sha256,
        files: written.files,
        ...(labelsEntry === undefined ? {} : { labels: labelsEntry }),
      },
      stats: stats.toJSON(),
    };
  }
  const compression = shardCompression(spec);
  const key = relativeShardKey(shard.shard, compression);
  const chunks = renderTrajectoryShard({
    config,
    seed: generationSeed(spec),
    startIndex: shard.start_index,
    count: shard.count,
    gzip: spec.gzip,
    compression,
    format: spec.format,
    onTrajectory: (trajectory) => stats.add(trajectory),
    ...(labels === undefined ? {} : { onLabels: labels.onLabels }),
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  const written = await writeShard(store, key, chunks);
  const labelsEntry = labels === undefined ? undefined : await labels.write(store, shard.shard);
  return {
    entry: {
      index: shard.shard,
      key,
      start_index: shard.start_index,
      count: shard.count,
      bytes: written.bytes,
      sha256: written.sha256,
      ...(labelsEntry === undefined ? {} : { labels: labelsEntry }),
    },
    stats: stats.toJSON(),
  };
}
