import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { BatchError, ConfigError, InputError } from "../../../core/errors.ts";
import {
  createInProcessJobQueue,
  type InProcessJobQueue,
  type InProcessJobQueueOptions,
  type QueueProgress,
} from "../../../core/queue/in-process.ts";
import type { TestJob } from "./fixtures/job-handlers.ts";

const HANDLERS = new URL("./fixtures/job-handlers.ts", import.meta.url);
const open: Array<{ queue: InProcessJobQueue<TestJob>; dir: string }> = [];

afterEach(async () => {
  for (const { queue, dir } of open.splice(0)) {
    await queue.close();
    await rm(dir, { recursive: true, force: true });
  }
});

async function setup(options: Partial<InProcessJobQueueOptions<TestJob>> = {}, exportName = "createRecordingHandler") {
  const dir = await mkdtemp(path.join(tmpdir(), "agentsynth-queue-"));
  const queue = createInProcessJobQueue<TestJob>({
    handler: { moduleUrl: HANDLERS, exportName, workerData: { dir } },
    concurrency: 2,
    retryDelayMs: 10,
    ...options,
  });
  open.push({ queue, dir });
  const record = async (id: string) =>
    JSON.parse(await readFile(path.join(dir, `${id}.json`), "utf8")) as {
      threadId: number;
      attempt: number;
      maxAttempts: number;
    };
  return { queue, dir, record };
}

describe("createInProcessJobQueue", () => {
  it("runs every job on worker threads when jobs are sent", async () => {
    const { queue, dir, record } = await setup();
    const jobs = Array.from({ length: 8 }, (_, i) => ({ id: `job-${i}`, sleepMs: 30 }));

    await queue.send(jobs);
    await queue.onIdle();

    expect((await readdir(dir)).sort()).toStrictEqual(jobs.map((job) => `${job.id}.json`).sort());
    const threads = new Set(await Promise.all(jobs.map(async (job) => (await record(job.id)).threadId)));
    expect(threads.size).toBe(2);
    expect(threads.has(0)).toBe(false);
    expect(queue.progress()).toStrictEqual({
      sent: 8,
      queued: 0,
      running: 0,
      retrying: 0,
      succeeded: 8,
      failedAttempts: 0,
      deadLettered: 0,
      cancelled: 0,
    });
  });

  it("retries a job that fails once and succeeds on the second attempt", async () => {
    const { queue, record } = await setup();

    await queue.send([{ id: "flaky", failTimes: 1 }]);
    await queue.onIdle();

    expect(await record("flaky")).toMatchObject({ attempt: 2, maxAttempts: 3 });
    expect(queue.progress()).toMatchObject({ succeeded: 1, failedAttempts: 1, deadLettered: 0 });
    expect(queue.deadLetters()).toStrictEqual([]);
  });

  it("dead-letters a poison job after maxAttempts while the other jobs succeed", async () => {
    const reported: unknown[] = [];
    const { queue } = await setup({
      maxAttempts: 3,
      onDeadLetter: async (entry) => {
        reported.push(entry);
      },
    });

    await queue.send([{ id: "good-1" }, { id: "bad", poison: true }, { id: "good-2" }]);
    await queue.onIdle();

    const expected = { job: { id: "bad", poison: true }, attempts: 3, error: "poison job bad" };
    expect(queue.deadLetters()).toStrictEqual([expected]);
    expect(reported).toStrictEqual([expected]);
    expect(queue.progress()).toMatchObject({ succeeded: 2, failedAttempts: 3, deadLettered: 1 });
  });

  it("retries on a fresh thread when a worker thread dies mid-job", async () => {
    const { queue, record } = await setup({ concurrency: 1 });

    await queue.send([{ id: "crashy", crashOnce: true }, { id: "after" }]);
    await queue.onIdle();

    expect((await record("crashy")).attempt).toBe(2);
    expect((await record("after")).attempt).toBe(1);
    expect(queue.progress()).toMatchObject({ succeeded: 2, failedAttempts: 1 });
  });

  it("fails a delivery that runs past jobTimeoutMs", async () => {
    const { queue } = await setup({ jobTimeoutMs: 150, maxAttempts: 1 });

    await queue.send([{ id: "slow", sleepMs: 5_000 }]);
    await queue.onIdle();

    expect(queue.deadLetters()).toStrictEqual([
      {
        job: { id: "slow", sleepMs: 5_000 },
        attempts: 1,
        error: "the job ran longer than 150 ms; its thread was stopped",
      },
    ]);
  });

  it("retries a job that hung past jobTimeoutMs on a fresh thread, and it succeeds", async () => {
    // Generous: the timeout also covers starting a fresh thread, which is slow on a loaded machine.
    const { queue, record } = await setup({ jobTimeoutMs: 4_000, concurrency: 1 });

    await queue.send([{ id: "hangs-once", hangOnce: true }, { id: "next" }]);
    await queue.onIdle();

    expect((await record("hangs-once")).attempt).toBeGreaterThanOrEqual(2);
    expect(queue.progress()).toMatchObject({ succeeded: 2, deadLettered: 0 });
    expect(queue.progress().failedAttempts).toBeGreaterThanOrEqual(1);
  });

  it("cancels the queued and retry-waiting jobs a predicate selects, and runs the others", async () => {
    const { queue, dir } = await setup({ concurrency: 1, retryDelayMs: 5_000 });

    await queue.send([
      { id: "b1-flaky", failTimes: 1 },
      { id: "b2-a", sleepMs: 50 },
      { id: "b1-a" },
      { id: "b2-b" },
      { id: "b1-b" },
    ]);
    // Wait until b1-flaky has failed once and waits for its (long) retry delay.
    while (queue.progress().retrying === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const removed = queue.cancel((job) => job.id.startsWith("b1-"));
    await queue.onIdle();

    expect(removed).toBe(3);
    expect((await readdir(dir)).sort()).toStrictEqual(["b2-a.json", "b2-b.json"]);
    expect(queue.progress()).toMatchObject({ sent: 5, succeeded: 2, cancelled: 3, queued: 0, retrying: 0 });
  });

  it("hands back unstarted and unfinished jobs on shutdown after letting running ones finish within the grace", async () => {
    const { queue, dir } = await setup({ concurrency: 1 });

    await queue.send([{ id: "quick", sleepMs: 100 }, { id: "waiting-1" }, { id: "waiting-2" }]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const { handedBack } = await queue.shutdown({ graceMs: 5_000 });

    expect(await readdir(dir)).toStrictEqual(["quick.json"]);
    expect(handedBack).toStrictEqual([{ id: "waiting-1" }, { id: "waiting-2" }]);
    await expect(queue.send([{ id: "late" }])).rejects.toBeInstanceOf(BatchError);
  });

  it("stops a running job when the shutdown grace runs out and hands it back", async () => {
    const { queue, dir } = await setup({ concurrency: 1 });

    await queue.send([{ id: "slow", sleepMs: 5_000 }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    const { handedBack } = await queue.shutdown({ graceMs: 100 });

    expect(performance.now() - started).toBeLessThan(2_000);
    expect(handedBack).toStrictEqual([{ id: "slow", sleepMs: 5_000 }]);
    expect(await readdir(dir)).toStrictEqual([]);
    expect(queue.progress()).toMatchObject({ failedAttempts: 0, deadLettered: 0 });
  });

  it("reports progress counts and in-job progress as jobs run", async () => {
    const snapshots: QueueProgress[] = [];
    const jobProgress: unknown[] = [];
    const { queue } = await setup({
      onProgress: (progress) => snapshots.push(progress),
      onJobProgress: (job, data) => jobProgress.push({ job: job.id, data }),
    });

    await queue.send([{ id: "a" }, { id: "b" }]);
    await queue.onIdle();

    expect(snapshots[0]).toMatchObject({ sent: 2 });
    expect(snapshots.at(-1)).toMatchObject({ sent: 2, succeeded: 2, running: 0, queued: 0 });
    expect(jobProgress.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toStrictEqual([
      { job: "a", data: { id: "a", step: "written" } },
      { job: "b", data: { id: "b", step: "written" } },
    ]);
  });

  it("dead-letters jobs with a clear message when the handler export is not a factory", async () => {
    const { queue } = await setup({ maxAttempts: 1 }, "notAFactory");

    await queue.send([{ id: "x" }]);
    await queue.onIdle();

    expect(queue.deadLetters()[0]?.error).toMatch(/has no function export named "notAFactory"/);
  });

  it("rejects jobs that do not match the schema before queueing any", async () => {
    const schema = z.strictObject({ id: z.string().min(1) });
    const { queue } = await setup({ schema });

    const error = await queue.send([{ id: "ok" }, { id: "" }]).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues[0]).toMatchObject({ path: "jobs.1.id", value: "" });
    expect(queue.progress().sent).toBe(0);
  });

  it("finishes queued work and refuses new jobs after drain", async () => {
    const { queue, dir } = await setup();

    await queue.send([{ id: "a", sleepMs: 20 }, { id: "b", sleepMs: 20 }, { id: "c" }]);
    await queue.drain();

    expect((await readdir(dir)).sort()).toStrictEqual(["a.json", "b.json", "c.json"]);
    await expect(queue.send([{ id: "late" }])).rejects.toBeInstanceOf(BatchError);
  });

  it("rejects pending onIdle calls when closed with work unfinished", async () => {
    const { queue } = await setup({ concurrency: 1 });

    await queue.send([{ id: "long", sleepMs: 2_000 }]);
    const idle = queue.onIdle();
    await queue.close();

    await expect(idle).rejects.toThrow("closed with 1 job(s) unfinished");
  });

  it("rejects an invalid concurrency with a ConfigError", () => {
    expect(() =>
      createInProcessJobQueue({
        handler: { moduleUrl: HANDLERS, exportName: "createRecordingHandler" },
        concurrency: 0,
      }),
    ).toThrow(ConfigError);
  });
});
