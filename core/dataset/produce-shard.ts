import { trajectoryFormat } from "../export/formats.ts";
import { relativeShardKey } from "../storage/keys.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import type { TrajectoryConfig } from "../trajectory/index.ts";
import type { ShardEntry } from "./manifest.ts";
import type { ShardPlan } from "./plan.ts";
import { renderTrajectoryShard } from "./render-shard.ts";
import { shardCompression, type TrajectoryDatasetSpec } from "./spec.ts";
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
  const format = trajectoryFormat(spec.format);
  if (format.layout === "tables") {
    const written = await writeTableShard(store, {
      format,
      config,
      seed: spec.seed,
      shard: shard.shard,
      startIndex: shard.start_index,
      count: shard.count,
      onTrajectory: (trajectory) => stats.add(trajectory),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    return {
      entry: {
        index: shard.shard,
        key: written.key,
        start_index: shard.start_index,
        count: shard.count,
        bytes: written.bytes,
        sha256: written.sha256,
        files: written.files,
      },
      stats: stats.toJSON(),
    };
  }
  const compression = shardCompression(spec);
  const key = relativeShardKey(shard.shard, compression);
  const chunks = renderTrajectoryShard({
    config,
    seed: spec.seed,
    startIndex: shard.start_index,
    count: shard.count,
    gzip: spec.gzip,
    compression,
    format: spec.format,
    onTrajectory: (trajectory) => stats.add(trajectory),
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  const written = await writeShard(store, key, chunks);
  return {
    entry: {
      index: shard.shard,
      key,
      start_index: shard.start_index,
      count: shard.count,
      bytes: written.bytes,
      sha256: written.sha256,
    },
    stats: stats.toJSON(),
  };
}
