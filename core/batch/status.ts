import { planShards } from "../dataset/plan.ts";
import { listAll } from "../storage/list-all.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { batchKeys, loadBatchSpec } from "./batch-store.ts";
import type { FailureLedger } from "./failure-ledger.ts";
import { finalizeBatch } from "./manifest.ts";
import { mapLimit } from "./map-limit.ts";
import { RECORD_READ_CONCURRENCY, readRecord, ShardFailedRecordSchema } from "./records.ts";
import type { BatchSpec } from "./spec.ts";
import { type DoneRecordCache, verifyDoneShards } from "./verify-done.ts";

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

export type BatchState = "running" | "complete" | "failed" | "stalled" | "cancelled";

export interface BatchStatus {
  id: string;
  kind: BatchSpec["kind"];
  status: BatchState;
  shards: { total: number; done: number; failed: number; pending: number };
  /** Store key of the manifest once every shard is done, else null. */
  manifest_key: string | null;
  /** Store key prefix of the shard files: `shards/` of the dataset, or the dataset itself for Parquet (`{table}/{split}/`). */
  shards_prefix: string;
  errors: BatchShardError[];
  /** What to do, when there is something to do (stalled, failed, damaged shards, cancelled); else null. */
  hint: string | null;
  /** Shards whose done record does not match the bytes in the store: they count as pending and must be refilled. */
  damaged: number[];
}

export interface StatusOptions {
  /** Failures the store could not take (see FailureLedger). */
  ledger?: FailureLedger;
  /** Report `stalled` when pending shards exist and nothing was written for this long. Default: never. */
  stallAfterMs?: number;
  /** The clock for stall detection (epoch ms). */
  now?: () => number;
  /** Done records already read by this process. */
  cache?: DoneRecordCache;
}

/**
 * The progress of a batch, derived only from objects in the store (no database): the spec fixes the shard count, done
 * records count finished shards (when their shard has the recorded size), failed records carry errors, a marker says
 * it was cancelled. Null when no batch has the id. If every shard is done but the manifest is missing (the last
 * worker crashed before writing it), it is written here.
 */
export async function getBatchStatus(
  store: ObjectStore,
  batchId: string,
  options: StatusOptions = {},
): Promise<BatchStatus | null> {
  const spec = await loadBatchSpec(store, batchId);
  if (spec === null) return null;
  const keys = batchKeys(batchId);
  const total = planShards(spec.total, spec.shard_size, spec.start_index).length;
  const { done, damaged, lastDone } = await verifyDoneShards(store, batchId, options.cache);

  const failedInfos: Array<{ index: number; modified: number }> = [];
  for await (const info of listAll(store, keys.failedPrefix)) {
    const match = /(\d+)\.json$/.exec(info.key);
    if (match !== null && !done.has(Number(match[1]))) {
      failedInfos.push({ index: Number(match[1]), modified: info.modified ?? 0 });
    }
  }
  failedInfos.sort((a, b) => a.index - b.index);
  const records = await mapLimit(failedInfos, RECORD_READ_CONCURRENCY, ({ index }) =>
    readRecord(store, keys.shardFailed(index), ShardFailedRecordSchema),
  );
  const byShard = new Map<number, BatchShardError>();
  for (const record of records) {
    if (record !== null)
      byShard.set(record.index, {
        ...record.error,
        shard: record.index,
        attempts: record.attempts,
        final: record.final,
      });
  }
  let lastActivity = Math.max(lastDone, ...failedInfos.map((info) => info.modified));
  for (const failure of options.ledger?.failuresOf(batchId) ?? []) {
    lastActivity = Math.max(lastActivity, failure.at);
    const recorded = byShard.get(failure.shard);
    if (done.has(failure.shard) || (recorded !== undefined && (recorded.final || !failure.final))) continue;
    const { at: _at, ...error } = failure;
    byShard.set(failure.shard, error);
  }
  for (const [shard, sizes] of damaged) {
    byShard.set(shard, {
      shard,
      attempts: 0,
      final: false,
      code: "shard_damaged",
      message:
        sizes.found === null
          ? `The shard object is missing although its done record says ${sizes.expected} bytes; it is regenerated.`
          : `The shard object has ${sizes.found} bytes but its done record says ${sizes.expected} (truncated or replaced); it is regenerated.`,
    });
  }
  const errors = [...byShard.values()].sort((a, b) => a.shard - b.shard);
  const failed = errors.filter((error) => error.final).length;

  let manifestKey: string | null = null;
  if (done.size >= total && damaged.size === 0) {
    const finalized = await finalizeBatch(store, batchId, spec, options.cache);
    if (finalized.complete) manifestKey = keys.manifest;
  }
  const pending = total - done.size - failed;
  const cancelled = manifestKey === null && (await store.head(keys.cancelled)) !== null;
  if (lastActivity === 0) lastActivity = (await store.head(keys.spec))?.modified ?? 0;
  const idleMs = (options.now ?? Date.now)() - lastActivity;
  const stalled =
    options.stallAfterMs !== undefined && pending > 0 && lastActivity > 0 && idleMs > options.stallAfterMs;

  let status: BatchState;
  let hint: string | null = null;
  if (manifestKey !== null) status = "complete";
  else if (cancelled) {
    status = "cancelled";
    hint = "Cancelled: queued shards are skipped. POST the same spec to /v1/batches to resume it.";
  } else if (pending === 0 && failed > 0) {
    status = "failed";
    hint = `${failed} shard(s) failed for good (see errors). Fix the cause, then POST the same spec to /v1/batches: only the missing shards are generated.`;
  } else if (stalled) {
    status = "stalled";
    const minutes = Math.round(idleMs / 60_000);
    hint = `No shard has finished or failed for ${minutes} minute(s) while ${pending} are pending: the workers stopped or lost the jobs. POST the same spec to /v1/batches to queue the missing shards again (nothing done is redone), or DELETE /v1/batches/${batchId} to cancel.`;
  } else {
    status = "running";
    if (damaged.size > 0) {
      hint = `${damaged.size} shard(s) no longer match their records (see errors); POST the same spec to /v1/batches to regenerate them.`;
    }
  }
  return {
    id: batchId,
    kind: spec.kind,
    status,
    shards: { total, done: done.size, failed, pending },
    manifest_key: manifestKey,
    // A Parquet shard's files are in the table folders at the dataset's root; nothing is under shards/.
    shards_prefix: spec.kind === "trajectories" && spec.format === "parquet" ? keys.prefix : keys.shardsPrefix,
    errors: errors.slice(0, MAX_LISTED_ERRORS),
    hint,
    damaged: [...damaged.keys()].sort((a, b) => a - b),
  };
}
