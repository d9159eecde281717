import { describe, expect, it } from "vitest";
import { batchKeys } from "../../../core/batch/batch-store.ts";
import { createFailureLedger } from "../../../core/batch/failure-ledger.ts";
import { planBatch } from "../../../core/batch/plan-batch.ts";
import { readRecord, ShardDoneRecordSchema } from "../../../core/batch/records.ts";
import { runShardJob } from "../../../core/batch/run-shard.ts";
import type { ShardJob } from "../../../core/batch/shard-job.ts";
import { parseBatchSpec } from "../../../core/batch/spec.ts";
import { getBatchStatus } from "../../../core/batch/status.ts";
import { fanOutBatch, registerBatch, resumeBatches, submitBatch } from "../../../core/batch/submit.ts";
import { ConfigError } from "../../../core/errors.ts";
import type { JobQueue } from "../../../core/queue/job-queue.ts";
import { createMemoryObjectStore } from "../../../core/storage/drivers/memory.ts";
import type { ObjectStore } from "../../../core/storage/object-store.ts";

function recordingQueue(): JobQueue<ShardJob> & { sent: ShardJob[] } {
  const sent: ShardJob[] = [];
  return {
    sent,
    async send(jobs) {
      sent.push(...jobs);
    },
  };
}

const spec = parseBatchSpec({ kind: "trajectories", total: 7, shard_size: 2, seed: 21 });

/** Submits the batch and runs the given shards to completion. */
async function batchWith(store: ObjectStore, shards: number[]): Promise<{ id: string; jobs: ShardJob[] }> {
  const queue = recordingQueue();
  const { id } = await submitBatch(store, queue, spec);
  for (const job of queue.sent.filter((entry) => shards.includes(entry.shard))) await runShardJob(job, { store });
  return { id, jobs: queue.sent };
}

async function bytesOf(store: ObjectStore, key: string): Promise<Buffer> {
  return Buffer.from((await store.get(key)) as Uint8Array);
}

describe("planBatch", () => {
  it("rejects what it cannot run with every problem at once, and stores nothing", async () => {
    const store = createMemoryObjectStore();
    const bad = parseBatchSpec({
      kind: "trajectories",
      total: 2_000,
      shard_size: 1_000,
      seed: 1,
      config: { data_generation: { epoch: "nope" }, anomaly_injecton: {} },
    });
    const error = await registerBatch(store, bad).catch((caught: unknown) => caught as ConfigError);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toStrictEqual(["config.anomaly_injecton"]);
    expect((await store.list("")).keys).toStrictEqual([]);
  });

  it("applies the deployment's limits", () => {
    const limits = { maxTotal: 100, maxShardSize: 10, maxShardBytes: 1024 ** 3, maxTaskShardSize: 5 };
    const error = (() => {
      try {
        planBatch(parseBatchSpec({ kind: "trajectories", total: 200, shard_size: 20, seed: 1 }), limits);
      } catch (caught) {
        return caught as ConfigError;
      }
      return undefined;
    })();
    expect(error?.issues.map((issue) => issue.path).sort()).toStrictEqual(["shard_size", "total"]);
    const tasks = parseBatchSpec({
      kind: "tasks",
      total: 20,
      shard_size: 10,
      seed: 1,
      tasks: { categories: [["contact"]], provider: "template", max_retry_attempts: 2 },
    });
    expect(() => planBatch(tasks, limits)).toThrow(/at most 5 for task batches/);
    expect(planBatch(tasks, { ...limits, maxTaskShardSize: 10 }).estimate).toStrictEqual({
      items: 20,
      shards: 2,
      bytes: null,
      largest_shard_bytes: null,
      max_model_calls: 60,
    });
  });
});

describe("shards whose bytes do not match their record", () => {
  it("are not counted, are reported, and fan-out regenerates them byte-identically", async () => {
    const store = createMemoryObjectStore();
    const { id } = await batchWith(store, [0, 1, 2, 3]);
    expect((await getBatchStatus(store, id))?.status).toBe("complete");
    const keys = batchKeys(id);
    const original = await bytesOf(store, keys.shard(1));
    await store.put(keys.shard(1), original.subarray(0, 100)); // truncated
    await store.delete(keys.shard(2)); // deleted, record still there

    const status = await getBatchStatus(store, id);
    expect(status?.status).toBe("running");
    expect(status?.shards).toStrictEqual({ total: 4, done: 2, failed: 0, pending: 2 });
    expect(status?.damaged).toStrictEqual([1, 2]);
    expect(status?.errors.map((error) => [error.shard, error.code])).toStrictEqual([
      [1, "shard_damaged"],
      [2, "shard_damaged"],
    ]);

    const queue = recordingQueue();
    const refill = await fanOutBatch(store, queue, id);
    expect(refill.enqueued).toBe(2);
    for (const job of queue.sent) await runShardJob(job, { store });
    expect((await bytesOf(store, keys.shard(1))).equals(original)).toBe(true);
    expect((await getBatchStatus(store, id))?.status).toBe("complete");
  });

  it("replaces a truncated shard found without its record instead of recording it", async () => {
    const store = createMemoryObjectStore();
    const { id, jobs } = await batchWith(store, [0]);
    const keys = batchKeys(id);
    const whole = await bytesOf(store, keys.shard(0));
    // A job that died mid-way: the record is gone, a partial object is left.
    await store.delete(keys.shardDone(0));
    await store.put(keys.shard(0), whole.subarray(0, whole.length - 10));
    const outcome = await runShardJob(jobs[0] as ShardJob, { store });
    expect(outcome.status).toBe("written");
    expect((await bytesOf(store, keys.shard(0))).equals(whole)).toBe(true);
    expect((await readRecord(store, keys.shardDone(0), ShardDoneRecordSchema))?.bytes).toBe(whole.length);

    // A whole shard without its record is kept as it is.
    await store.delete(keys.shardDone(0));
    expect((await runShardJob(jobs[0] as ShardJob, { store })).status).toBe("recovered");
  });
});

describe("stalled, cancelled and unrecorded failures", () => {
  it("reports stalled with what to do when pending shards see no write for the configured time", async () => {
    const store = createMemoryObjectStore();
    const { id } = await batchWith(store, [0]);
    const now = Date.now();
    expect((await getBatchStatus(store, id, { stallAfterMs: 60_000, now: () => now }))?.status).toBe("running");
    const later = await getBatchStatus(store, id, { stallAfterMs: 60_000, now: () => now + 5 * 60_000 });
    expect(later?.status).toBe("stalled");
    expect(later?.hint).toContain("POST the same spec to /v1/batches");
    expect(later?.hint).toContain(`DELETE /v1/batches/${id}`);
  });

  it("skips the shards of a cancelled batch and resumes it when the spec is submitted again", async () => {
    const store = createMemoryObjectStore();
    const { id, jobs } = await batchWith(store, [0]);
    await store.put(batchKeys(id).cancelled, "{}");
    expect((await runShardJob(jobs[1] as ShardJob, { store })).status).toBe("cancelled");
    expect((await getBatchStatus(store, id))?.status).toBe("cancelled");
    expect((await resumeBatches(store, recordingQueue())).map((result) => result.id)).toStrictEqual([]);

    const queue = recordingQueue();
    await submitBatch(store, queue, spec);
    expect(queue.sent.map((job) => job.shard)).toStrictEqual([1, 2, 3]);
    expect((await getBatchStatus(store, id))?.status).toBe("running");
  });

  it("merges failures the store could not take, with their code", async () => {
    const store = createMemoryObjectStore();
    const { id } = await batchWith(store, [0, 1, 2]);
    const ledger = createFailureLedger();
    ledger.note(id, { shard: 3, attempts: 3, final: true, code: "storage_failed", message: "read-only", at: 1 });
    const status = await getBatchStatus(store, id, { ledger });
    expect(status?.status).toBe("failed");
    expect(status?.errors).toStrictEqual([
      { shard: 3, attempts: 3, final: true, code: "storage_failed", message: "read-only" },
    ]);
  });
});

describe("resumeBatches", () => {
  it("queues the missing shards of unfinished batches only", async () => {
    const store = createMemoryObjectStore();
    const unfinished = await batchWith(store, [0, 2]);
    const other = parseBatchSpec({ kind: "trajectories", total: 2, shard_size: 2, seed: 22 });
    const finishedQueue = recordingQueue();
    await submitBatch(store, finishedQueue, other);
    for (const job of finishedQueue.sent) await runShardJob(job, { store });

    const queue = recordingQueue();
    const resumed = await resumeBatches(store, queue);
    expect(resumed.map((result) => result.id)).toStrictEqual([unfinished.id]);
    expect(queue.sent.map((job) => job.shard)).toStrictEqual([1, 3]);
  });
});
