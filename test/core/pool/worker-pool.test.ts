import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import { createWorkerPool, type WorkerPool, WorkerPoolError } from "../../../core/pool/worker-pool.ts";
import type { PoolTestJob } from "./fixtures/pool-handlers.ts";

const HANDLERS = new URL("./fixtures/pool-handlers.ts", import.meta.url);
const pools: WorkerPool[] = [];

afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

function pool(threads = 2): WorkerPool {
  const created = createWorkerPool({
    handler: { moduleUrl: HANDLERS, exportName: "createPoolTestHandler", workerData: { label: "L" } },
    threads,
  });
  pools.push(created);
  return created;
}

async function failure(promise: Promise<unknown>): Promise<WorkerPoolError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WorkerPoolError);
  return error as WorkerPoolError;
}

describe("createWorkerPool", () => {
  it("runs jobs on worker threads and resolves to what the handler returned", async () => {
    const workers = pool();
    const results = await Promise.all(
      [1, 2, 3, 4].map((value) =>
        workers.run<{ value: number; threadId: number }>({ action: "echo", value, sleepMs: 20 }),
      ),
    );
    expect(results.map((result) => result.value)).toStrictEqual([1, 2, 3, 4]);
    expect(results.every((result) => result.threadId !== 0)).toBe(true);
    expect(new Set(results.map((result) => result.threadId)).size).toBeLessThanOrEqual(2);
  });

  it("passes the attempt to the handler", async () => {
    const result = await pool().run<{ attempt: number; maxAttempts: number }>(
      { action: "echo" } satisfies PoolTestJob,
      {
        attempt: 2,
        maxAttempts: 3,
      },
    );
    expect(result).toMatchObject({ attempt: 2, maxAttempts: 3 });
  });

  it("reports a handler's error as failed, with its message and code", async () => {
    const error = await failure(pool().run({ action: "throw" }));
    expect(error).toMatchObject({ reason: "failed", handlerCode: "storage_failed" });
    expect(error.message).toContain("disk full");
  });

  it("reports a thread that died as crashed and runs the next job on a fresh thread", async () => {
    const workers = pool(1);
    const error = await failure(workers.run({ action: "crash" }));
    expect(error.reason).toBe("crashed");
    expect(error.message).toMatch(/worker thread crashed: .*exited with code: 7/);
    expect(await workers.run({ action: "echo", value: 9 })).toMatchObject({ value: 9 });
  });

  it("stops a job that runs past its timeout and keeps serving", async () => {
    const workers = pool(1);
    const error = await failure(workers.run({ action: "hang" }, { timeoutMs: 200 }));
    expect(error).toMatchObject({
      reason: "timed_out",
      message: "the job ran longer than 200 ms; its thread was stopped",
    });
    expect(workers.running()).toBe(0);
    expect(await workers.run({ action: "echo", value: 1 })).toMatchObject({ value: 1 });
  });

  it("stops a job when its signal aborts", async () => {
    const controller = new AbortController();
    const running = pool().run({ action: "hang" }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await failure(running)).reason).toBe("aborted");
  });

  it("delivers the handler's progress to onProgress in order", async () => {
    const seen: unknown[] = [];
    await pool().run({ action: "progress" }, { onProgress: (data) => seen.push(data) });
    expect(seen).toStrictEqual([{ step: 1 }, { step: 2 }, { step: 3 }]);
  });

  it("lets running jobs finish within the close grace, then refuses new ones", async () => {
    const workers = pool();
    const running = workers.run({ action: "echo", value: 5, sleepMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await workers.close({ graceMs: 5_000 });
    expect(await running).toMatchObject({ value: 5 });
    expect((await failure(workers.run({ action: "echo" }))).reason).toBe("closed");
  });

  it("stops jobs still running when the close grace runs out", async () => {
    const workers = pool();
    const running = workers.run({ action: "hang" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await workers.close({ graceMs: 100 });
    expect((await failure(running)).reason).toBe("closed");
  });

  it("rejects a thread count below one with a ConfigError", () => {
    expect(() =>
      createWorkerPool({ handler: { moduleUrl: HANDLERS, exportName: "createPoolTestHandler" }, threads: 0 }),
    ).toThrow(ConfigError);
  });
});
