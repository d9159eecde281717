import { resolveDatasetConfig } from "../dataset/resolve-config.ts";
import { BatchError } from "../errors.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import type { TrajectoryConfig } from "../trajectory/index.ts";
import { batchIdFor } from "./batch-id.ts";
import { batchKeys, saveBatchSpec } from "./batch-store.ts";
import { readRecord, type ShardDoneRecord, ShardDoneRecordSchema } from "./records.ts";
import { runShardJob } from "./run-shard.ts";
import { datasetSpecOf, type TrajectoryBatchSpec } from "./spec.ts";

export interface StoredShard {
  id: string;
  /** Absolute object key of the shard. */
  key: string;
  manifest_key: string;
  record: ShardDoneRecord;
  /** False when an identical request had stored it before. */
  created: boolean;
}

/**
 * Generates a trajectory set as a one-shard batch and stores it: same request, same id, same key, and a repeat finds
 * the shard done instead of rewriting it. The spec is saved last, so when it notifies the fan-out (deployed) the
 * shard is already done and no queue job is sent for it.
 */
export async function storeTrajectoryShard(
  store: ObjectStore,
  spec: TrajectoryBatchSpec,
  config: TrajectoryConfig = resolveDatasetConfig(datasetSpecOf(spec)),
): Promise<StoredShard> {
  const id = batchIdFor(spec);
  const keys = batchKeys(id);
  const cache = new Map([[id, { spec, config }]]);
  const outcome = await runShardJob(
    { batch_id: id, shard: 0, start_index: spec.start_index, count: spec.total },
    { store, cache },
  );
  await saveBatchSpec(store, id, spec);
  const record = outcome.record ?? (await readRecord(store, keys.shardDone(0), ShardDoneRecordSchema));
  if (record === null) throw new BatchError(`Shard 0 of ${id} reported done but has no record; retry the request.`);
  return {
    id,
    key: keys.shard(0, { gzip: spec.gzip }),
    manifest_key: keys.manifest,
    record,
    created: outcome.status !== "already_done",
  };
}
