import { availableParallelism } from "node:os";
import { BatchError, ConfigError } from "../errors.ts";
import { createWorkerPool, WorkerPoolError } from "../pool/worker-pool.ts";
import type {
  DeadLetter,
  InProcessJobQueue,
  InProcessJobQueueOptions,
  QueueProgress,
  QueueShutdown,
} from "./in-process-types.ts";
import { encodeJobs } from "./job-queue.ts";

export type { JobContext, JobHandler, JobHandlerFactory, JobHandlerModule } from "../pool/job-handler.ts";
export type {
  DeadLetter,
  InProcessJobQueue,
  InProcessJobQueueOptions,
  QueueProgress,
  QueueShutdown,
} from "./in-process-types.ts";

interface Delivery<Job> {
  id: number;
  job: Job;
  attempt: number;
}

/**
 * The local stand-in for SQS + Lambda workers: jobs run on the shared worker pool (core/pool) with at-least-once
 * semantics. A job whose handler throws, whose thread dies or that runs past `jobTimeoutMs` is retried after a
 * backoff, and after `maxAttempts` deliveries it goes to the dead-letter list and `onDeadLetter`. The queue hands the
 * pool at most `concurrency` jobs at a time, so queued jobs stay here, where `cancel` and `shutdown` can reach them.
 *
 * @example
 * const queue = createInProcessJobQueue<ShardJob>({
 *   handler: { moduleUrl: new URL("./shard-runner.ts", import.meta.url), exportName: "createShardHandler", workerData: { baseDir } },
 *   jobTimeoutMs: 600_000,
 * });
 * await queue.send(jobs);
 * await queue.onIdle();
 */
export function createInProcessJobQueue<Job>(options: InProcessJobQueueOptions<Job>): InProcessJobQueue<Job> {
  const concurrency = positiveInteger(options.concurrency ?? availableParallelism(), "concurrency");
  const maxAttempts = positiveInteger(options.maxAttempts ?? 3, "maxAttempts");
  const retryDelayMs = options.retryDelayMs ?? 100;
  const jobTimeoutMs = options.jobTimeoutMs;
  if (jobTimeoutMs !== undefined) positiveInteger(jobTimeoutMs, "jobTimeoutMs");
  const pool = createWorkerPool({
    handler: options.handler,
    threads: concurrency,
    ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
  });

  const ready: Delivery<Job>[] = [];
  const running = new Set<Delivery<Job>>();
  const retrying = new Map<Delivery<Job>, NodeJS.Timeout>();
  const cancelledIds = new Set<number>();
  const deadLetters: DeadLetter<Job>[] = [];
  let idleWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  let nextId = 0;
  let stopped = false;
  let reporting = 0;
  const counts = { sent: 0, succeeded: 0, failedAttempts: 0, cancelled: 0 };

  const progress = (): QueueProgress => ({
    sent: counts.sent,
    queued: ready.length,
    running: running.size,
    retrying: retrying.size,
    succeeded: counts.succeeded,
    failedAttempts: counts.failedAttempts,
    deadLettered: deadLetters.length,
    cancelled: counts.cancelled,
  });
  const isIdle = (): boolean => ready.length === 0 && running.size === 0 && retrying.size === 0 && reporting === 0;

  const changed = (): void => {
    options.onProgress?.(progress());
    if (isIdle() && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const waiter of waiters) waiter.resolve();
    }
  };

  const pump = (): void => {
    while (!stopped && running.size < concurrency && ready.length > 0) {
      const delivery = ready.shift()!;
      running.add(delivery);
      pool
        .run(delivery.job, {
          attempt: delivery.attempt,
          maxAttempts,
          ...(jobTimeoutMs === undefined ? {} : { timeoutMs: jobTimeoutMs }),
          ...(options.onJobProgress === undefined
            ? {}
            : { onProgress: (data: unknown) => options.onJobProgress?.(delivery.job, data) }),
        })
        .then(
          (result) => {
            if (!running.delete(delivery)) return;
            cancelledIds.delete(delivery.id);
            counts.succeeded += 1;
            options.onJobDone?.(delivery.job, result);
          },
          (error: unknown) => {
            // A delivery the pool stopped because the queue is shutting down stays in `running`: stop() hands it back.
            if (error instanceof WorkerPoolError && error.reason === "closed") return;
            if (!running.delete(delivery)) return;
            const code = error instanceof WorkerPoolError ? error.handlerCode : undefined;
            fail(delivery, error instanceof Error ? error.message : String(error), code);
          },
        )
        .finally(() => {
          pump();
          changed();
        });
    }
  };

  const fail = (delivery: Delivery<Job>, message: string, code?: string): void => {
    counts.failedAttempts += 1;
    if (cancelledIds.delete(delivery.id)) {
      counts.cancelled += 1;
      return;
    }
    if (delivery.attempt >= maxAttempts) {
      const entry: DeadLetter<Job> = {
        job: delivery.job,
        attempts: delivery.attempt,
        error: message,
        ...(code === undefined ? {} : { code }),
      };
      deadLetters.push(entry);
      if (options.onDeadLetter) {
        reporting += 1;
        Promise.resolve()
          .then(() => options.onDeadLetter?.(entry))
          .catch((reportError: unknown) => {
            entry.error += `; reporting the dead letter failed: ${reportError instanceof Error ? reportError.message : String(reportError)}`;
          })
          .finally(() => {
            reporting -= 1;
            changed();
          });
      }
      return;
    }
    const timer = setTimeout(
      () => {
        retrying.delete(delivery);
        ready.push({ ...delivery, attempt: delivery.attempt + 1 });
        pump();
        changed();
      },
      retryDelayMs * 2 ** (delivery.attempt - 1),
    );
    timer.unref();
    retrying.set(delivery, timer);
  };

  /** Stops everything and returns the jobs that did not finish. */
  const stop = async (graceMs: number): Promise<Job[]> => {
    stopped = true;
    const handedBack = ready.splice(0).map((delivery) => delivery.job);
    for (const [delivery, timer] of retrying) {
      clearTimeout(timer);
      handedBack.push(delivery.job);
    }
    retrying.clear();
    const unfinished = [...running];
    await pool.close({ graceMs });
    // Deliveries still in `running` after the pool closed were stopped (or never reported back): hand them back.
    for (const delivery of unfinished) if (running.delete(delivery)) handedBack.push(delivery.job);
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const waiter of waiters) {
      if (handedBack.length === 0) waiter.resolve();
      else
        waiter.reject(
          new BatchError(`[queue] [in-process] The queue was closed with ${handedBack.length} job(s) unfinished.`),
        );
    }
    return handedBack;
  };

  const onIdle = (): Promise<void> => {
    if (isIdle()) return Promise.resolve();
    return new Promise((resolve, reject) => idleWaiters.push({ resolve, reject }));
  };

  return {
    async send(jobs: readonly Job[]): Promise<void> {
      if (stopped) throw new BatchError("[queue] [in-process] The queue is closed: create a new one to send jobs.");
      const bodies = encodeJobs(jobs, options.schema);
      for (const body of bodies) {
        // The job the handler sees is the JSON round trip, exactly as an SQS consumer would see it.
        ready.push({ id: nextId++, job: JSON.parse(body) as Job, attempt: 1 });
      }
      counts.sent += bodies.length;
      pump();
      changed();
    },
    onIdle,
    async drain(): Promise<void> {
      await onIdle();
      await stop(0);
    },
    progress,
    deadLetters: () => [...deadLetters],
    cancel(match: (job: Job) => boolean): number {
      let removed = 0;
      for (let index = ready.length - 1; index >= 0; index--) {
        if (match(ready[index]!.job)) {
          ready.splice(index, 1);
          removed += 1;
        }
      }
      for (const [delivery, timer] of retrying) {
        if (!match(delivery.job)) continue;
        clearTimeout(timer);
        retrying.delete(delivery);
        removed += 1;
      }
      for (const delivery of running) if (match(delivery.job)) cancelledIds.add(delivery.id);
      counts.cancelled += removed;
      if (removed > 0) changed();
      return removed;
    },
    async shutdown(shutdownOptions = {}): Promise<QueueShutdown<Job>> {
      if (stopped) return { handedBack: [] };
      return { handedBack: await stop(shutdownOptions.graceMs ?? 0) };
    },
    async close(): Promise<void> {
      if (!stopped) await stop(0);
    },
  };
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`[queue] [in-process] Invalid ${field} ${value}: use an integer of at least 1.`, [
      { path: field, message: "must be an integer >= 1", value },
    ]);
  }
  return value;
}
