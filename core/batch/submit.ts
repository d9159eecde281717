import { randomBytes } from "node:crypto";
import { withEvalSecret } from "../dataset/spec.ts";
import { NotFoundError } from "../errors.ts";
import type { JobQueue } from "../queue/job-queue.ts";
import { DATASET_ROOTS } from "../storage/keys.ts";
import { listAll } from "../storage/list-all.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { batchIdFromSpecKey, batchKeys, loadBatchSpec, saveBatchSpec } from "./batch-store.ts";
import { finalizeBatch } from "./manifest.ts";
import { mapLimit } from "./map-limit.ts";
import {
  type BatchEstimate,
  type BatchLimits,
  DEFAULT_BATCH_LIMITS,
  type PlannedBatch,
  planBatch,
} from "./plan-batch.ts";
import { listRecordIndices, RECORD_READ_CONCURRENCY, readRecord, ShardFailedRecordSchema } from "./records.ts";
import { planShardJobs, type ShardJob } from "./shard-job.ts";
import { type BatchSpec, datasetSpecOf } from "./spec.ts";
import { verifyDoneShards } from "./verify-done.ts";

/**
 * Registers a batch: checks it completely (config, shard plan, jobs, the deployment's limits; see planBatch), then
 * stores its normalized spec under the id derived from it, so an invalid spec leaves nothing behind. Registering the
 * same spec again is the same batch; the spec object is rewritten with identical bytes (deployed, that write is what
 * notifies the fan-out). An evaluation set without a secret gets a fresh one here, before the id is derived, so it
 * is a new batch each time: give the secret to make a resubmission the same batch.
 */
export async function registerBatch(
  store: ObjectStore,
  submitted: BatchSpec,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): Promise<PlannedBatch> {
  const spec =
    submitted.kind === "trajectories"
      ? { ...submitted, ...withEvalSecret(datasetSpecOf(submitted), () => randomBytes(32).toString("hex")) }
      : submitted;
  const planned = planBatch(spec, limits);
  await saveBatchSpec(store, planned.id, spec);
  return planned;
}

export interface FanOutResult {
  id: string;
  shards: number;
  /** Jobs sent this time: shards without a done record. */
  enqueued: number;
  alreadyDone: number;
}

/**
 * Sends a job for every shard that is not done yet. Shards that failed for good get a fresh start (their failure
 * record is removed), shards whose bytes no longer match their done record (truncated, deleted) lose the record and
 * the damaged object and are generated again, and a cancelled batch is resumed. Running it again while jobs are in
 * flight may send duplicates, which the runner absorbs. When nothing is missing it makes sure the manifest exists.
 */
export async function fanOutBatch(
  store: ObjectStore,
  sink: JobQueue<ShardJob>,
  batchId: string,
  options: { resume?: boolean } = {},
): Promise<FanOutResult> {
  const spec = await loadBatchSpec(store, batchId);
  if (spec === null) throw new NotFoundError(`Batch ${batchId} is not registered; submit its spec first.`);
  const keys = batchKeys(batchId);
  const jobs = planShardJobs(batchId, spec);
  // Resuming after a restart leaves cancelled batches and shards that failed for good as they are.
  if (options.resume && (await store.head(keys.cancelled)) !== null) {
    return { id: batchId, shards: jobs.length, enqueued: 0, alreadyDone: 0 };
  }
  const { done, damaged } = await verifyDoneShards(store, batchId);
  const gzip = spec.kind === "trajectories" && spec.gzip;
  for (const index of damaged.keys()) {
    // The record goes first: a shard without a record is regenerated (and checked) by its job.
    await store.delete(keys.shardDone(index));
    await store.delete(keys.shard(index, { gzip }));
  }
  const failed = options.resume
    ? await finalFailures(store, batchId)
    : await listRecordIndices(store, keys.failedPrefix);
  const missing = jobs.filter((job) => !done.has(job.shard) && !(options.resume && failed.has(job.shard)));
  if (!options.resume) {
    for (const job of missing) if (failed.has(job.shard)) await store.delete(keys.shardFailed(job.shard));
    await store.delete(keys.cancelled);
  }
  if (missing.length > 0) await sink.send(missing);
  else await finalizeBatch(store, batchId, spec);
  return { id: batchId, shards: jobs.length, enqueued: missing.length, alreadyDone: jobs.length - missing.length };
}

/** Shards whose failure record is final (the queue gave up on them). */
async function finalFailures(store: ObjectStore, batchId: string): Promise<Set<number>> {
  const keys = batchKeys(batchId);
  const indices = [...(await listRecordIndices(store, keys.failedPrefix))];
  const records = await mapLimit(indices, RECORD_READ_CONCURRENCY, (index) =>
    readRecord(store, keys.shardFailed(index), ShardFailedRecordSchema),
  );
  return new Set(records.flatMap((record) => (record?.final ? [record.index] : [])));
}

const SPEC_ROOTS = Object.values(DATASET_ROOTS);

/**
 * What a restarted local server does before taking requests: every registered batch that is neither complete nor
 * cancelled gets its missing shards queued again (shards that failed for good stay failed; damaged shards are
 * refilled). Deployed, SQS redelivers unfinished jobs instead. Returns the batches that had work queued.
 */
export async function resumeBatches(store: ObjectStore, sink: JobQueue<ShardJob>): Promise<FanOutResult[]> {
  const resumed: FanOutResult[] = [];
  for (const root of SPEC_ROOTS) {
    for await (const info of listAll(store, `${root}/`)) {
      const id = batchIdFromSpecKey(info.key);
      if (id === null) continue;
      const result = await fanOutBatch(store, sink, id, { resume: true });
      if (result.enqueued > 0) resumed.push(result);
    }
  }
  return resumed;
}

/** Registers and fans out in one call: what the local server and tests do where no S3 notification links the two. */
export async function submitBatch(
  store: ObjectStore,
  sink: JobQueue<ShardJob>,
  spec: BatchSpec,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): Promise<FanOutResult & { estimate: BatchEstimate }> {
  const { id, estimate } = await registerBatch(store, spec, limits);
  return { ...(await fanOutBatch(store, sink, id)), estimate };
}
