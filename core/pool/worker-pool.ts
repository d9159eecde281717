import { MessageChannel, type ResourceLimits } from "node:worker_threads";
import { Piscina } from "piscina";
import { BatchError, ConfigError } from "../errors.ts";
import { siblingModule } from "../module-url.ts";
import type { JobHandlerModule, PoolBootData, PoolOutcome, PoolTask } from "./job-handler.ts";

export type { JobContext, JobHandler, JobHandlerFactory, JobHandlerModule } from "./job-handler.ts";

export interface WorkerPoolOptions {
  handler: JobHandlerModule;
  /** Most threads at once; threads start on demand and stop after `idleTimeoutMs` without work. */
  threads: number;
  /** Per-thread heap limits (a thread over them dies, and its job fails like a crash). */
  resourceLimits?: ResourceLimits;
  /** Default 30 s: long enough that a busy queue keeps its warm threads (and their loaded handler). */
  idleTimeoutMs?: number;
}

export interface RunOptions {
  /** The job fails and its thread is stopped (and replaced on demand) when it runs longer than this. */
  timeoutMs?: number;
  /** Aborting stops the job's thread; the run rejects with a WorkerPoolError of reason "aborted". */
  signal?: AbortSignal;
  /** Receives what the handler passes to `context.progress(...)`, until the run settles. */
  onProgress?: (data: unknown) => void;
  /** Passed to the handler as `context.attempt` / `context.maxAttempts`. Default 1 / 1. */
  attempt?: number;
  maxAttempts?: number;
}

/**
 * Why a run failed: the handler threw (`failed`, with its message and code), its thread died (`crashed`), it ran past
 * its timeout (`timed_out`), it was aborted, or the pool was closed under it.
 */
export type WorkerPoolFailure = "failed" | "crashed" | "timed_out" | "aborted" | "closed";

export class WorkerPoolError extends BatchError {
  readonly reason: WorkerPoolFailure;
  /** The code of the error the handler threw (`failed` only), e.g. "storage_failed". */
  readonly handlerCode: string | undefined;
  constructor(reason: WorkerPoolFailure, message: string, options: { cause?: unknown; handlerCode?: string } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = "WorkerPoolError";
    this.reason = reason;
    this.handlerCode = options.handlerCode;
  }
}

export interface WorkerPool {
  readonly threads: number;
  /** Runs one job on a thread; resolves to the handler's result, rejects with a WorkerPoolError. */
  run<Result = unknown>(job: unknown, options?: RunOptions): Promise<Result>;
  /** Jobs running on a thread right now. */
  running(): number;
  /**
   * Refuses new runs, waits up to `graceMs` (default 0) for the running ones to finish, then stops every thread; runs
   * still unfinished reject with reason "closed".
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

const WORKER_URL = siblingModule("pool-worker", import.meta.url).href;

/**
 * The one worker-thread pool of the project (piscina underneath), shared by the CLI's shard writer and the local job
 * queue: threads load a handler module once and run one job at a time; a job that hangs past its timeout, or whose
 * thread dies, fails with a WorkerPoolError and its thread is replaced on demand; idle threads do not keep the process
 * alive. Retrying is the caller's policy (the queue's attempts and dead letters).
 *
 * @example
 * const pool = createWorkerPool({ handler: { moduleUrl, exportName: "createShardHandler", workerData }, threads: 4 });
 * const result = await pool.run(job, { timeoutMs: 60_000, onProgress: console.log });
 * await pool.close();
 */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const threads = options.threads;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new ConfigError(`[pool] Invalid threads ${threads}: use an integer of at least 1.`, [
      { path: "threads", message: "must be an integer >= 1", value: threads },
    ]);
  }
  const moduleUrl = String(options.handler?.moduleUrl ?? "");
  const exportName = options.handler?.exportName ?? "";
  if (moduleUrl === "" || exportName === "") {
    throw new ConfigError("[pool] `handler` needs a `moduleUrl` and an `exportName`.", [
      { path: "handler", message: "must be { moduleUrl, exportName, workerData? }", value: options.handler },
    ]);
  }
  const boot: PoolBootData = { moduleUrl, exportName, workerData: options.handler.workerData };
  const piscina = new Piscina({
    filename: WORKER_URL,
    name: "runTask",
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: options.idleTimeoutMs ?? 30_000,
    concurrentTasksPerWorker: 1,
    // Blocking idle threads in Atomics.wait would stall their event loop (progress ports, stream cleanup) between jobs.
    atomics: "disabled",
    workerData: boot,
    ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
  });
  const runs = new Map<Promise<unknown>, AbortController>();
  let closing = false;

  const run = <Result>(job: unknown, runOptions: RunOptions = {}): Promise<Result> => {
    if (closing) {
      return Promise.reject(
        new WorkerPoolError("closed", "[pool] The worker pool is closed: create a new one to run jobs."),
      );
    }
    const controller = new AbortController();
    let stoppedFor: "timed_out" | "aborted" | undefined;
    const stop = (reason: "timed_out" | "aborted") => {
      stoppedFor ??= reason;
      controller.abort();
    };
    const timer =
      runOptions.timeoutMs === undefined ? undefined : setTimeout(() => stop("timed_out"), runOptions.timeoutMs);
    const onAbort = () => stop("aborted");
    if (runOptions.signal?.aborted) stop("aborted");
    runOptions.signal?.addEventListener("abort", onAbort, { once: true });
    const channel = runOptions.onProgress === undefined ? undefined : new MessageChannel();
    channel?.port1.on("message", (data: unknown) => runOptions.onProgress?.(data));
    const task: PoolTask = {
      job,
      attempt: runOptions.attempt ?? 1,
      maxAttempts: runOptions.maxAttempts ?? 1,
      ...(channel === undefined ? {} : { progress: channel.port2 }),
    };
    const settled = (async (): Promise<Result> => {
      let outcome: PoolOutcome;
      try {
        outcome = (await piscina.run(task, {
          signal: controller.signal,
          ...(channel === undefined ? {} : { transferList: [channel.port2] }),
        })) as PoolOutcome;
      } catch (error) {
        throw threadFailure(error, stoppedFor, runOptions.timeoutMs);
      } finally {
        clearTimeout(timer);
        runOptions.signal?.removeEventListener("abort", onAbort);
        // Progress posted after the result is stale: stop listening as soon as the run settles.
        channel?.port1.close();
      }
      if (outcome.ok) return outcome.value as Result;
      throw new WorkerPoolError(
        "failed",
        outcome.message,
        outcome.code === undefined ? {} : { handlerCode: outcome.code },
      );
    })();
    runs.set(settled, controller);
    const forget = () => runs.delete(settled);
    settled.then(forget, forget);
    return settled;
  };

  function threadFailure(error: unknown, stoppedFor: "timed_out" | "aborted" | undefined, timeoutMs?: number) {
    if (stoppedFor === "timed_out") {
      return new WorkerPoolError("timed_out", `the job ran longer than ${timeoutMs} ms; its thread was stopped`);
    }
    if (closing) return new WorkerPoolError("closed", "the worker pool was closed before the job finished");
    if (stoppedFor === "aborted") return new WorkerPoolError("aborted", "the job was stopped before it finished");
    // The handler's own errors come back as values (pool-worker.ts), so a rejected run means the thread died.
    const message = error instanceof Error ? error.message : String(error);
    return new WorkerPoolError("crashed", `worker thread crashed: ${message}`, { cause: error });
  }

  return {
    threads,
    run,
    running: () => runs.size,
    async close(closeOptions = {}) {
      if (closing) return;
      closing = true;
      const graceMs = closeOptions.graceMs ?? 0;
      if (runs.size > 0 && graceMs > 0) {
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        });
        await Promise.race([Promise.allSettled([...runs.keys()]), graceOver]);
        clearTimeout(timer);
      }
      for (const controller of runs.values()) controller.abort();
      await Promise.allSettled([...runs.keys()]);
      await piscina.destroy();
    },
  };
}
