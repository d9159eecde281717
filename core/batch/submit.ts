import { randomBytes } from "node:crypto";
import { withEvalSecret } from "../dataset/spec.ts";
import { NotFoundError } from "../errors.ts";
import type { JobQueue } from "../queue/job-queue.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { batchIdFor } from "./batch-id.ts";
import { batchKeys, loadBatchSpec, saveBatchSpec } from "./batch-store.ts";
import { finalizeBatch } from "./manifest.ts";
import { listRecordIndices } from "./records.ts";
import { planShardJobs, type ShardJob } from "./shard-job.ts";
import { type BatchSpec, datasetSpecOf } from "./spec.ts";

/**
 * Registers a batch: stores its normalized spec under the id derived from it. Registering the same spec again is the
 * same batch; the spec object is rewritten with identical bytes (deployed, that write is what notifies the fan-out).
 * An evaluation set without a secret gets a fresh one here, before the id is derived, so it is a new batch each time:
 * give the secret to make a resubmission the same batch.
 */
export async function registerBatch(store: ObjectStore, submitted: BatchSpec): Promise<{ id: string }> {
  const spec =
    submitted.kind === "trajectories"
      ? { ...submitted, ...withEvalSecret(datasetSpecOf(submitted), () => randomBytes(32).toString("hex")) }
      : submitted;
  const id = batchIdFor(spec);
  await saveBatchSpec(store, id, spec);
  return { id };
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
 * record is removed). Running it again while jobs are in flight may send duplicates, which the runner absorbs.
 * When nothing is missing it makes sure the manifest exists.
 */
export async function fanOutBatch(
  store: ObjectStore,
  sink: JobQueue<ShardJob>,
  batchId: string,
): Promise<FanOutResult> {
  const spec = await loadBatchSpec(store, batchId);
  if (spec === null) throw new NotFoundError(`Batch ${batchId} is not registered; submit its spec first.`);
  const keys = batchKeys(batchId);
  const done = await listRecordIndices(store, keys.donePrefix);
  const failed = await listRecordIndices(store, keys.failedPrefix);
  const jobs = planShardJobs(batchId, spec);
  const missing = jobs.filter((job) => !done.has(job.shard));
  for (const job of missing) if (failed.has(job.shard)) await store.delete(keys.shardFailed(job.shard));
  if (missing.length > 0) await sink.send(missing);
  else await finalizeBatch(store, batchId, spec);
  return { id: batchId, shards: jobs.length, enqueued: missing.length, alreadyDone: jobs.length - missing.length };
}

/** Registers and fans out in one call: what the local server and tests do where no S3 notification links the two. */
export async function submitBatch(
  store: ObjectStore,
  sink: JobQueue<ShardJob>,
  spec: BatchSpec,
): Promise<FanOutResult> {
  const { id } = await registerBatch(store, spec);
  return fanOutBatch(store, sink, id);
}
