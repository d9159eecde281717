import { buildManifest, GENERATOR_VERSION, serializeManifest } from "../dataset/manifest.ts";
import { planShards } from "../dataset/plan.ts";
import { resolveDatasetConfig } from "../dataset/resolve-config.ts";
import { BatchError } from "../errors.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { batchKeys } from "./batch-store.ts";
import { mapLimit } from "./map-limit.ts";
import { listRecordIndices, readRecord, type ShardDoneRecord, ShardDoneRecordSchema } from "./records.ts";
import { type BatchSpec, datasetSpecOf, type TaskBatchSpec } from "./spec.ts";

export const TASK_MANIFEST_FORMAT = "agentsynth.task-batch/v1";

/** Reads done records in parallel, a bounded number at a time (thousands of shards must not open thousands of sockets). */
export const RECORD_READ_CONCURRENCY = 16;

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
export async function finalizeBatch(store: ObjectStore, batchId: string, spec: BatchSpec): Promise<FinalizeResult> {
  const keys = batchKeys(batchId);
  const plan = planShards(spec.total, spec.shard_size, spec.start_index);
  const done = await listRecordIndices(store, doneRecordPrefix(batchId));
  if (plan.some((shard) => !done.has(shard.shard))) return { complete: false, written: false };
  if ((await store.head(keys.manifest)) !== null) return { complete: true, written: false };
  const records = await readDoneRecords(store, batchId, plan.length);
  const text = manifestText(spec, records);
  const written = await store.putIfAbsent(keys.manifest, text, { contentType: "application/json" });
  return { complete: true, written };
}

/** Prefix of the done records (`.../status/done/`), derived from the key layout rather than spelt out twice. */
export function doneRecordPrefix(batchId: string): string {
  return batchKeys(batchId)
    .shardDone(0)
    .replace(/[^/]+$/, "");
}

async function readDoneRecords(store: ObjectStore, batchId: string, shards: number): Promise<ShardDoneRecord[]> {
  const keys = batchKeys(batchId);
  const indices = Array.from({ length: shards }, (_, index) => index);
  return mapLimit(indices, RECORD_READ_CONCURRENCY, async (index) => {
    const record = await readRecord(store, keys.shardDone(index), ShardDoneRecordSchema);
    if (record === null)
      throw new BatchError(`Shard ${index} of ${batchId} lost its done record while the manifest was built.`);
    return record;
  });
}

function manifestText(spec: BatchSpec, shards: ShardDoneRecord[]): string {
  if (spec.kind === "trajectories") {
    const datasetSpec = datasetSpecOf(spec);
    return serializeManifest(buildManifest({ spec: datasetSpec, config: resolveDatasetConfig(datasetSpec), shards }));
  }
  return serializeTaskManifest(spec, shards);
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
