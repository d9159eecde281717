// Runs in each thread of the shared worker pool for `agentsynth trajectories` (see shard-pool.ts).
import type { ShardDoneRecord } from "../core/batch/records.ts";
import type { ShardPlan } from "../core/dataset/plan.ts";
import { resolveDatasetConfig } from "../core/dataset/resolve-config.ts";
import type { JobHandlerFactory } from "../core/pool/job-handler.ts";
import { createFsObjectStore } from "../core/storage/drivers/fs.ts";
import { relativeShardKey } from "../core/storage/keys.ts";
import { writeShardWithRecord } from "./shard-output.ts";
import type { ShardWorkerData } from "./shard-pool.ts";

export const createCliShardHandler: JobHandlerFactory<ShardPlan, ShardDoneRecord> = (workerData) => {
  const { spec, outDir } = workerData as ShardWorkerData;
  const config = resolveDatasetConfig(spec);
  // No fsync per shard: like cp or tar, the CLI leaves flushing to the OS; the manifest's sha256 verifies the files.
  const store = createFsObjectStore({ baseDir: outDir, fsync: false });
  return async (shard, context) => {
    // A retry follows a thread that died mid-write: remove the temp file it left (no one else writes this shard).
    if (context.attempt > 1) await store.removeTemps?.(relativeShardKey(shard.shard, spec.gzip));
    return writeShardWithRecord(store, spec, config, shard, (rendered) => context.progress(rendered));
  };
};
