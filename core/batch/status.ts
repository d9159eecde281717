import { planShards } from "../dataset/plan.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { batchKeys, loadBatchSpec } from "./batch-store.ts";
import { finalizeBatch, RECORD_READ_CONCURRENCY } from "./manifest.ts";
import { mapLimit } from "./map-limit.ts";
import { listRecordIndices, readRecord, ShardFailedRecordSchema } from "./records.ts";
import type { BatchSpec } from "./spec.ts";

/** Errors listed in a status reply; the counts stay exact beyond it. */
export const MAX_LISTED_ERRORS = 50;

export interface BatchShardError {
  shard: number;
  attempts: number;
  /** True once the queue gave up on the shard (it sits in the dead-letter queue). */
  final: boolean;
  code: string;
  message: string;
}

export interface BatchStatus {
  id: string;
  kind: BatchSpec["kind"];
  status: "running" | "complete" | "failed";
  shards: { total: number; done: number; failed: number; pending: number };
  /** Store key of the manifest once every shard is done, else null. */
  manifest_key: string | null;
  /** Store key prefix of the shard files. */
  shards_prefix: string;
  errors: BatchShardError[];
}

/**
 * The progress of a batch, derived only from objects in the store (no database): the spec fixes the shard count, done
 * records count finished shards, failed records carry errors. Null when no batch has the id.
 * If every shard is done but the manifest is missing (the last worker crashed before writing it), it is written here.
 */
export async function getBatchStatus(store: ObjectStore, batchId: string): Promise<BatchStatus | null> {
  const spec = await loadBatchSpec(store, batchId);
  if (spec === null) return null;
  const keys = batchKeys(batchId);
  const total = planShards(spec.total, spec.shard_size, spec.start_index).length;
  const done = await listRecordIndices(store, keys.donePrefix);
  const failedIndices = [...(await listRecordIndices(store, keys.failedPrefix))].filter((index) => !done.has(index));

  const errors: BatchShardError[] = [];
  let failed = 0;
  const records = await mapLimit(
    failedIndices.sort((a, b) => a - b),
    RECORD_READ_CONCURRENCY,
    (index) => readRecord(store, keys.shardFailed(index), ShardFailedRecordSchema),
  );
  for (const record of records) {
    if (record === null) continue;
    if (record.final) failed += 1;
    if (errors.length < MAX_LISTED_ERRORS) {
      errors.push({ shard: record.index, attempts: record.attempts, final: record.final, ...record.error });
    }
  }

  let manifestKey: string | null = null;
  if (done.size >= total) {
    const finalized = await finalizeBatch(store, batchId, spec);
    if (finalized.complete) manifestKey = keys.manifest;
  }
  const pending = total - done.size - failed;
  const status = manifestKey !== null ? "complete" : pending === 0 && failed > 0 ? "failed" : "running";
  return {
    id: batchId,
    kind: spec.kind,
    status,
    shards: { total, done: done.size, failed, pending },
    manifest_key: manifestKey,
    shards_prefix: keys.shardsPrefix,
    errors,
  };
}
