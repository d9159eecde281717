import { type DatasetFile, datasetFiles } from "../dataset/outputs.ts";
import { planShards } from "../dataset/plan.ts";
import { resolveDatasetConfig } from "../dataset/resolve-config.ts";
import { createDatasetStats, type DatasetStatsJSON } from "../dataset/stats.ts";
import { BatchError } from "../errors.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { GENERATOR_VERSION } from "../version.ts";
import { batchKeys } from "./batch-store.ts";
import { mapLimit } from "./map-limit.ts";
import { RECORD_READ_CONCURRENCY, readRecord, type ShardDoneRecord, ShardDoneRecordSchema } from "./records.ts";
import { type BatchSpec, datasetSpecOf, type TaskBatchSpec } from "./spec.ts";
import { type DoneRecordCache, verifyDoneShards } from "./verify-done.ts";

export const TASK_MANIFEST_FORMAT = "agentsynth.task-batch/v1";

export interface FinalizeResult {
  /** Every shard is done and the manifest exists. */
  complete: boolean;
  /** This call wrote the manifest (false when it already existed or shards are missing). */
  written: boolean;
}

/**
 * Writes the batch manifest once every shard is done. Whoever finishes last calls this; concurrent or repeated calls
 * are harmless because the manifest bytes depend only on the spec and the shard records, and the write is create-only.
 */
export async function finalizeBatch(
  store: ObjectStore,
  batchId: string,
  spec: BatchSpec,
  cache?: DoneRecordCache,
): Promise<FinalizeResult> {
  const keys = batchKeys(batchId);
  const plan = planShards(spec.total, spec.shard_size, spec.start_index);
  // Only shards whose bytes match their record count: a truncated or deleted shard keeps the manifest from being written.
  const { done } = await verifyDoneShards(store, batchId, cache);
  if (plan.some((shard) => !done.has(shard.shard))) return { complete: false, written: false };
  if ((await store.head(keys.manifest)) !== null) return { complete: true, written: false };
  const { records, stats } = await readDoneRecords(store, batchId, plan.length);
  const files = datasetFilesOf(spec, records, stats);
  // The manifest goes last: its presence means the batch is complete, so everything it describes must exist first.
  for (const file of files.filter((f) => f.key !== "manifest.json")) {
    await store.put(`${keys.prefix}${file.key}`, file.body, { contentType: file.contentType });
  }
  const manifest = files.find((f) => f.key === "manifest.json") as DatasetFile;
  const written = await store.putIfAbsent(keys.manifest, manifest.body, { contentType: manifest.contentType });
  return { complete: true, written };
}

/**
 * Every done record of the batch, without its statistics, and those statistics merged as the records arrive: a
 * record's statistics (with the separability histograms, tens of kilobytes) are not all held at once. Merging is
 * exact and order-independent, so the arrival order does not matter.
 */
async function readDoneRecords(
  store: ObjectStore,
  batchId: string,
  shards: number,
): Promise<{ records: ShardDoneRecord[]; stats: DatasetStatsJSON | undefined }> {
  const keys = batchKeys(batchId);
  const indices = Array.from({ length: shards }, (_, index) => index);
  const total = createDatasetStats();
  let withStats = 0;
  const records = await mapLimit(indices, RECORD_READ_CONCURRENCY, async (index) => {
    const record = await readRecord(store, keys.shardDone(index), ShardDoneRecordSchema);
    if (record === null)
      throw new BatchError(`Shard ${index} of ${batchId} lost its done record while the manifest was built.`);
    const { stats, ...entry } = record;
    if (stats !== undefined) {
      total.merge(stats);
      withStats++;
    }
    return entry;
  });
  return { records, stats: withStats === 0 ? undefined : total.toJSON() };
}

function datasetFilesOf(
  spec: BatchSpec,
  records: ShardDoneRecord[],
  stats: DatasetStatsJSON | undefined,
): DatasetFile[] {
  if (spec.kind === "tasks") {
    return [{ key: "manifest.json", body: serializeTaskManifest(spec, records), contentType: "application/json" }];
  }
  const datasetSpec = datasetSpecOf(spec);
  const shardStats = stats === undefined ? [] : [stats];
  return datasetFiles({
    spec: datasetSpec,
    config: resolveDatasetConfig(datasetSpec),
    shards: records,
    shardStats,
  }).files;
}

function serializeTaskManifest(spec: TaskBatchSpec, shards: ShardDoneRecord[]): string {
  let tasks = 0;
  let bytes = 0;
  for (const shard of shards) {
    tasks += shard.count;
    bytes += shard.bytes;
  }
  const manifest = {
    format: TASK_MANIFEST_FORMAT,
    kind: "tasks",
    generator: { name: "agentsynth", version: GENERATOR_VERSION },
    spec,
    shards,
    totals: { tasks, bytes, shards: shards.length },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
