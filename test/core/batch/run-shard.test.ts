import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { batchIdFor } from "../../../core/batch/batch-id.ts";
import { batchKeys, saveBatchSpec } from "../../../core/batch/batch-store.ts";
import { runShardJob } from "../../../core/batch/run-shard.ts";
import { planShardJobs } from "../../../core/batch/shard-job.ts";
import { datasetSpecOf, parseBatchSpec, type TrajectoryBatchSpec } from "../../../core/batch/spec.ts";
import { datasetFiles, recomputeShardStats } from "../../../core/dataset/outputs.ts";
import { renderTrajectoryShard } from "../../../core/dataset/render-shard.ts";
import { resolveDatasetConfig } from "../../../core/dataset/resolve-config.ts";
import { summarize } from "../../../core/dataset/write-shard.ts";
import { InputError, NotFoundError } from "../../../core/errors.ts";
import { createMemoryObjectStore } from "../../../core/storage/drivers/memory.ts";

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

async function registered(input: Record<string, unknown>) {
  const store = createMemoryObjectStore();
  const spec = parseBatchSpec({ kind: "trajectories", ...input }) as TrajectoryBatchSpec;
  const id = batchIdFor(spec);
  await saveBatchSpec(store, id, spec);
  return { store, spec, id, jobs: planShardJobs(id, spec) };
}

describe("runShardJob", () => {
  it("writes the same bytes as renderTrajectoryShard when it runs a trajectory shard", async () => {
    const { store, spec, id, jobs } = await registered({ total: 12, shard_size: 5, seed: 42, anomaly_ratio: 0.5 });
    const outcome = await runShardJob(jobs[1]!, { store });
    const stored = await store.get(batchKeys(id).shard(1));
    const expected = await collect(
      renderTrajectoryShard({
        config: resolveDatasetConfig(datasetSpecOf(spec)),
        seed: 42,
        startIndex: 5,
        count: 5,
        gzip: false,
      }),
    );
    expect(outcome.status).toBe("written");
    expect(Buffer.from(stored!).equals(expected)).toBe(true);
    expect(outcome.record).toStrictEqual({
      index: 1,
      key: "shards/00001.jsonl",
      start_index: 5,
      count: 5,
      ...(await summarize(Readable.from([expected]))),
      stats: recomputeShardStats(resolveDatasetConfig(datasetSpecOf(spec)), 42, 5, 5),
    });
    expect(outcome.record?.stats?.trajectories).toBe(5);
  });

  it("writes gzip shards under .jsonl.gz when the spec asks for gzip", async () => {
    const { store, id, jobs } = await registered({ total: 3, shard_size: 3, seed: 1, gzip: true });
    await runShardJob(jobs[0]!, { store });
    const bytes = await store.get(batchKeys(id).shard(0, { gzip: true }));
    expect(bytes?.[0]).toBe(0x1f);
    expect(bytes?.[1]).toBe(0x8b);
  });

  it("returns already_done without rewriting anything when a job is delivered twice", async () => {
    const { store, id, jobs } = await registered({ total: 4, shard_size: 2, seed: 3 });
    await runShardJob(jobs[0]!, { store });
    const before = await store.head(batchKeys(id).shard(0));
    const recordBefore = await store.head(batchKeys(id).shardDone(0));
    const again = await runShardJob(jobs[0]!, { store });
    expect(again).toStrictEqual({ status: "already_done", record: null, manifestWritten: false });
    expect(await store.head(batchKeys(id).shard(0))).toStrictEqual(before);
    expect(await store.head(batchKeys(id).shardDone(0))).toStrictEqual(recordBefore);
  });

  it("records a shard without regenerating it when a crash left the shard but no record", async () => {
    const { store, id, jobs } = await registered({ total: 4, shard_size: 2, seed: 3 });
    const first = await runShardJob(jobs[0]!, { store });
    await store.delete(batchKeys(id).shardDone(0));
    const before = await store.head(batchKeys(id).shard(0));
    const second = await runShardJob(jobs[0]!, { store });
    expect(second.status).toBe("recovered");
    expect(second.record).toStrictEqual(first.record);
    expect(await store.head(batchKeys(id).shard(0))).toStrictEqual(before);
  });

  it("writes the manifest exactly once, from the job that finishes the last shard", async () => {
    // With anomalies, so the manifest's separability section is merged from the done records too.
    const { store, spec, id, jobs } = await registered({ total: 12, shard_size: 5, seed: 8, anomaly_ratio: 0.5 });
    const outcomes = [];
    for (const job of jobs) outcomes.push(await runShardJob(job, { store }));
    expect(outcomes.map((outcome) => outcome.manifestWritten)).toStrictEqual([false, false, true]);
    const manifest = Buffer.from((await store.get(batchKeys(id).manifest))!).toString("utf8");
    const datasetSpec = datasetSpecOf(spec);
    const records = outcomes.map((outcome) => outcome.record!);
    const { files } = datasetFiles({
      spec: datasetSpec,
      config: resolveDatasetConfig(datasetSpec),
      shards: records.map(({ stats: _stats, ...entry }) => entry),
      shardStats: records.map((record) => record.stats!),
    });
    expect(manifest).toBe(files.find((file) => file.key === "manifest.json")?.body);
    expect(JSON.parse(manifest).statistics.trajectories).toBe(12);
    expect(JSON.parse(manifest).separability.types.length).toBeGreaterThan(0);
    const card = Buffer.from((await store.get(`${batchKeys(id).prefix}README.md`))!).toString("utf8");
    expect(card).toBe(files.find((file) => file.key === "README.md")?.body);
    expect(card).toContain("## How hard is this dataset");
  });

  it("rejects a job whose start or count disagrees with the plan", async () => {
    const { store, jobs } = await registered({ total: 4, shard_size: 2, seed: 3 });
    await expect(runShardJob({ ...jobs[1]!, count: 3 }, { store })).rejects.toBeInstanceOf(InputError);
    await expect(runShardJob({ ...jobs[1]!, shard: 7 }, { store })).rejects.toThrow(/does not match the batch plan/);
  });

  it("fails with NotFoundError when the batch was never registered", async () => {
    const store = createMemoryObjectStore();
    const job = { batch_id: "traj-00000000000000000000", shard: 0, start_index: 0, count: 1 };
    await expect(runShardJob(job, { store })).rejects.toBeInstanceOf(NotFoundError);
  });
});
