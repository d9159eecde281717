import { describe, expect, it } from "vitest";
import { batchKeys } from "../../../core/batch/batch-store.ts";
import { runShardJob } from "../../../core/batch/run-shard.ts";
import type { ShardJob } from "../../../core/batch/shard-job.ts";
import { handleDeadLetter, handleShardMessage } from "../../../core/batch/shard-message.ts";
import { parseBatchSpec } from "../../../core/batch/spec.ts";
import { getBatchStatus } from "../../../core/batch/status.ts";
import { fanOutBatch, submitBatch } from "../../../core/batch/submit.ts";
import { InputError } from "../../../core/errors.ts";
import type { JobQueue } from "../../../core/queue/job-queue.ts";
import { createMemoryObjectStore } from "../../../core/storage/drivers/memory.ts";
import type { ObjectStore } from "../../../core/storage/object-store.ts";

/** A queue that only records what was sent, so tests decide when and how jobs run. */
function recordingQueue(): JobQueue<ShardJob> & { sent: ShardJob[] } {
  const sent: ShardJob[] = [];
  return {
    sent,
    async send(jobs) {
      sent.push(...jobs);
    },
  };
}

/** A store whose shard writes fail for the listed shard numbers. */
function failingShardStore(store: ObjectStore, failing: Set<number>): ObjectStore {
  return {
    ...store,
    async putIfAbsent(key, body, options) {
      const match = /shards\/(\d+)\.jsonl/.exec(key);
      if (match && failing.has(Number(match[1]))) throw new Error("disk on fire");
      return store.putIfAbsent(key, body, options);
    },
  };
}

const spec = parseBatchSpec({ kind: "trajectories", total: 7, shard_size: 2, seed: 11 });

describe("getBatchStatus", () => {
  it("returns null when no batch has the id", async () => {
    expect(await getBatchStatus(createMemoryObjectStore(), "traj-00000000000000000000")).toBeNull();
  });

  it("reports running with every shard pending right after submission", async () => {
    const store = createMemoryObjectStore();
    const queue = recordingQueue();
    const { id } = await submitBatch(store, queue, spec);
    expect(await getBatchStatus(store, id)).toStrictEqual({
      id,
      kind: "trajectories",
      status: "running",
      shards: { total: 4, done: 0, failed: 0, pending: 4 },
      manifest_key: null,
      shards_prefix: `datasets/${id}/shards/`,
      errors: [],
      hint: null,
      damaged: [],
    });
  });

  it("reports complete with the manifest key when every shard is done", async () => {
    const store = createMemoryObjectStore();
    const queue = recordingQueue();
    const { id } = await submitBatch(store, queue, spec);
    for (const job of queue.sent) await runShardJob(job, { store });
    const status = await getBatchStatus(store, id);
    expect(status).toMatchObject({ status: "complete", shards: { total: 4, done: 4, failed: 0, pending: 0 } });
    expect(status?.manifest_key).toBe(`datasets/${id}/manifest.json`);
  });

  it("writes a missing manifest when every shard is done but the last worker died before writing it", async () => {
    const store = createMemoryObjectStore();
    const queue = recordingQueue();
    const { id } = await submitBatch(store, queue, spec);
    for (const job of queue.sent) await runShardJob(job, { store });
    await store.delete(batchKeys(id).manifest);
    expect((await getBatchStatus(store, id))?.status).toBe("complete");
    expect(await store.head(batchKeys(id).manifest)).not.toBeNull();
  });

  it("shows retrying errors while attempts remain and failed once the last delivery fails", async () => {
    const memory = createMemoryObjectStore();
    const queue = recordingQueue();
    const { id } = await submitBatch(memory, queue, spec);
    const store = failingShardStore(memory, new Set([2]));
    for (const job of queue.sent) {
      await handleShardMessage(JSON.stringify(job), { attempt: 1, maxReceives: 3 }, { store }).catch(() => undefined);
    }
    const retrying = await getBatchStatus(store, id);
    expect(retrying).toMatchObject({ status: "running", shards: { done: 3, failed: 0, pending: 1 } });
    expect(retrying?.errors).toStrictEqual([
      { shard: 2, attempts: 1, final: false, code: "internal", message: "Error: disk on fire" },
    ]);

    const job = queue.sent[2]!;
    await expect(handleShardMessage(JSON.stringify(job), { attempt: 3, maxReceives: 3 }, { store })).rejects.toThrow(
      "disk on fire",
    );
    const failed = await getBatchStatus(store, id);
    expect(failed).toMatchObject({ status: "failed", shards: { total: 4, done: 3, failed: 1, pending: 0 } });
    expect(failed?.errors[0]).toMatchObject({ shard: 2, attempts: 3, final: true });
  });
});

describe("fanOutBatch", () => {
  it("sends only the missing shards when a batch is submitted again", async () => {
    const store = createMemoryObjectStore();
    const first = recordingQueue();
    const { id } = await submitBatch(store, first, spec);
    await runShardJob(first.sent[0]!, { store });
    await runShardJob(first.sent[3]!, { store });
    const second = recordingQueue();
    const result = await submitBatch(store, second, spec);
    expect(result).toMatchObject({ id, shards: 4, enqueued: 2, alreadyDone: 2 });
    expect(second.sent.map((job) => job.shard)).toStrictEqual([1, 2]);
  });

  it("gives a failed shard a fresh start and clears its failure record", async () => {
    const memory = createMemoryObjectStore();
    const queue = recordingQueue();
    const { id } = await submitBatch(memory, queue, spec);
    const broken = failingShardStore(memory, new Set([1]));
    await handleShardMessage(JSON.stringify(queue.sent[1]), { attempt: 3, maxReceives: 3 }, { store: broken }).catch(
      () => undefined,
    );
    expect((await getBatchStatus(memory, id))?.shards.failed).toBe(1);
    await fanOutBatch(memory, recordingQueue(), id);
    expect(await getBatchStatus(memory, id)).toMatchObject({ status: "running", shards: { failed: 0, pending: 4 } });
  });

  it("sends nothing and ensures the manifest when every shard is done", async () => {
    const store = createMemoryObjectStore();
    const queue = recordingQueue();
    const { id } = await submitBatch(store, queue, spec);
    for (const job of queue.sent) await runShardJob(job, { store });
    await store.delete(batchKeys(id).manifest);
    const again = recordingQueue();
    expect(await fanOutBatch(store, again, id)).toMatchObject({ enqueued: 0, alreadyDone: 4 });
    expect(again.sent).toStrictEqual([]);
    expect(await store.head(batchKeys(id).manifest)).not.toBeNull();
  });

  it("fails with a clear message when the batch is not registered", async () => {
    await expect(fanOutBatch(createMemoryObjectStore(), recordingQueue(), "traj-00000000000000000000")).rejects.toThrow(
      /not registered; submit its spec first/,
    );
  });
});

describe("handleShardMessage", () => {
  it("rejects a body that is not a shard job, listing the problems", async () => {
    const store = createMemoryObjectStore();
    await expect(handleShardMessage("not json", { attempt: 1, maxReceives: 3 }, { store })).rejects.toBeInstanceOf(
      InputError,
    );
    await expect(
      handleShardMessage('{"batch_id":"x","shard":-1}', { attempt: 1, maxReceives: 3 }, { store }),
    ).rejects.toMatchObject({ issues: expect.arrayContaining([expect.objectContaining({ path: "batch_id" })]) });
  });
});

describe("handleDeadLetter", () => {
  it("marks an abandoned shard failed for good when no worker recorded an error", async () => {
    const store = createMemoryObjectStore();
    const queue = recordingQueue();
    const { id } = await submitBatch(store, queue, spec);
    const record = await handleDeadLetter(JSON.stringify(queue.sent[0]), 3, { store });
    expect(record).toMatchObject({ index: 0, attempts: 3, final: true, error: { code: "shard_abandoned" } });
    expect((await getBatchStatus(store, id))?.shards).toStrictEqual({ total: 4, done: 0, failed: 1, pending: 3 });
  });

  it("keeps the worker's last error and ignores shards that finished after all", async () => {
    const memory = createMemoryObjectStore();
    const queue = recordingQueue();
    await submitBatch(memory, queue, spec);
    const broken = failingShardStore(memory, new Set([0]));
    await handleShardMessage(JSON.stringify(queue.sent[0]), { attempt: 2, maxReceives: 3 }, { store: broken }).catch(
      () => undefined,
    );
    const record = await handleDeadLetter(JSON.stringify(queue.sent[0]), 3, { store: memory });
    expect(record?.error).toStrictEqual({ code: "internal", message: "Error: disk on fire" });

    await runShardJob(queue.sent[1]!, { store: memory });
    expect(await handleDeadLetter(JSON.stringify(queue.sent[1]), 3, { store: memory })).toBeNull();
    expect(await handleDeadLetter("garbage", 3, { store: memory })).toBeNull();
  });
});
