import { type ShardDoneRecord, serializeRecord } from "../core/batch/records.ts";
import type { ShardPlan } from "../core/dataset/plan.ts";
import { produceTrajectoryShard } from "../core/dataset/produce-shard.ts";
import type { TrajectoryDatasetSpec } from "../core/dataset/spec.ts";
import { formatShardIndex } from "../core/storage/keys.ts";
import type { ObjectStore } from "../core/storage/object-store.ts";
import type { TrajectoryConfig } from "../core/trajectory/index.ts";

/**
 * Where the CLI records each finished shard (entry + statistics), as the service does under a batch's status/done/:
 * `--resume` trusts a shard only when its bytes match this record, and builds the manifest from the records.
 */
export const DONE_PREFIX = "status/done/";
export const SPEC_KEY = "spec.json";

export function doneRecordKey(index: number): string {
  return `${DONE_PREFIX}${formatShardIndex(index)}.json`;
}

/** Renders and writes one shard, then its done record (the record last: it vouches for the bytes before it). */
export async function writeShardWithRecord(
  store: ObjectStore,
  spec: TrajectoryDatasetSpec,
  config: TrajectoryConfig,
  shard: ShardPlan,
  onProgress?: (rendered: number) => void,
): Promise<ShardDoneRecord> {
  const { entry, stats } = await produceTrajectoryShard(store, spec, config, shard, onProgress);
  const record: ShardDoneRecord = { ...entry, stats };
  await store.put(doneRecordKey(shard.shard), serializeRecord(record), { contentType: "application/json" });
  return record;
}
