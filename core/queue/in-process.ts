import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { BatchError, ConfigError } from "../errors.ts";
import { siblingModule } from "../module-url.ts";
import type { DeadLetter, InProcessJobQueue, InProcessJobQueueOptions, QueueProgress } from "./in-process-types.ts";
import { encodeJobs } from "./job-queue.ts";
import type { RunJobMessage, WorkerBootData, WorkerReply } from "./worker-protocol.ts";

export type {
  DeadLetter,
  InProcessJobQueue,
  InProcessJobQueueOptions,
  JobHandlerModule,
  QueueProgress,
} from "./in-process-types.ts";
export type { JobContext, JobHandler, JobHandlerFactory } from "./worker-protocol.ts";

interface Delivery<Job> {
  id: number;
  job: Job;
  body: string;
  attempt: number;
}

interface Slot<Job> {
  worker: Worker;
  index: number;
  current: Delivery<Job> | undefined;
  timer: NodeJS.Timeout | undefined;
  dead: boolean;
}

const WORKER_URL = siblingModule("in-process-worker", import.meta.url);

/**
 * The local stand-in for SQS + Lambda workers: jobs run on a pool of worker threads with at-least-once semantics.
 * A job whose handler throws (or whose thread crashes or times out) is retried after a backoff, and after
 * `maxAttempts` deliveries it goes to the dead-letter list and `onDeadLetter`. Idle threads do not keep the process
 * alive.
 *
 * @example
 * const queue = createInProcessJobQueue<ShardJob>({
 *   handler: { moduleUrl: new URL("./shard-runner.ts", import.meta.url), exportName: "createShardHandler", workerData: { baseDir } },
 * });
 * await queue.send(jobs);
 * await queue.onIdle();
 */
export function createInProcessJobQueue<Job>(options: InProcessJobQueueOptions<Job>): InProcessJobQueue<Job> {
  const concurrency = positiveInteger(options.concurrency ?? availableParallelism(), "concurrency");
  const maxAttempts = positiveInteger(options.maxAttempts ?? 3, "maxAttempts");
  const retryDelayMs = options.retryDelayMs ?? 100;
  const jobTimeoutMs = options.jobTimeoutMs;
  const moduleUrl = String(options.handler?.moduleUrl ?? "");
  const exportName = options.handler?.exportName ?? "";
  if (moduleUrl === "" || exportName === "") {
    throw new ConfigError("[queue] [in-process] `handler` needs a `moduleUrl` and an `exportName`.", [
      { path: "handler", message: "must be { moduleUrl, exportName, workerData? }", value: options.handler },
    ]);
  }

  const slots: Array<Slot<Job> | undefined> = Array.from({ length: concurrency }, () => undefined);
  const ready: Delivery<Job>[] = [];
  const retryTimers = new Set<NodeJS.Timeout>();
  const deadLetters: DeadLetter<Job>[] = [];
  let idleWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  let nextId = 0;
  let closed = false;
  let reporting = 0;
  const counts = { sent: 0, running: 0, retrying: 0, succeeded: 0, failedAttempts: 0 };

  const progress = (): QueueProgress => ({
    sent: counts.sent,
    queued: ready.length,
    running: counts.running,
    retrying: counts.retrying,
    succeeded: counts.succeeded,
    failedAttempts: counts.failedAttempts,
    deadLettered: deadLetters.length,
  });
  const isIdle = (): boolean => ready.length === 0 && counts.running === 0 && counts.retrying === 0 && reporting === 0;

  const changed = (): void => {
    options.onProgress?.(progress());
    if (isIdle() && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const waiter of waiters) waiter.resolve();
    }
  };

  const spawn = (index: number): Slot<Job> => {
    const boot: WorkerBootData = { moduleUrl, exportName, workerData: options.handler.workerData, workerIndex: index };
    const slot: Slot<Job> = {
      worker: new Worker(WORKER_URL, { workerData: boot }),
      index,
      current: undefined,
      timer: undefined,
      dead: false,
    };
    slot.worker.on("message", (reply: WorkerReply) => onReply(slot, reply));
    slot.worker.on("error", (error) => onThreadLost(slot, `worker thread crashed: ${error.message}`));
    slot.worker.on("exit", (code) => onThreadLost(slot, `worker thread exited with code ${code}`));
    slot.worker.unref();
    slots[index] = slot;
    return slot;
  };

  const pump = (): void => {
    if (closed) return;
    for (let index = 0; index < slots.length && ready.length > 0; index++) {
      const existing = slots[index];
      if (existing?.current !== undefined) continue;
      const slot = existing ?? spawn(index);
      const delivery = ready.shift()!;
      slot.current = delivery;
      counts.running += 1;
      slot.worker.ref();
      if (jobTimeoutMs !== undefined) {
        slot.timer = setTimeout(() => {
          retire(slot);
          fail(release(slot), `the job ran longer than ${jobTimeoutMs} ms`);
          pump();
          changed();
        }, jobTimeoutMs);
      }
      const message: RunJobMessage = {
        type: "run",
        id: delivery.id,
        body: delivery.body,
        attempt: delivery.attempt,
        maxAttempts,
      };
      slot.worker.postMessage(message);
    }
  };

  /** Frees the slot's delivery (if any) and returns it. */
  const release = (slot: Slot<Job>): Delivery<Job> | undefined => {
    const delivery = slot.current;
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.current = undefined;
    if (delivery !== undefined) {
      counts.running -= 1;
      if (!slot.dead) slot.worker.unref();
    }
    return delivery;
  };

  /** Takes a thread out of the pool (it is replaced on demand) and stops it. */
  const retire = (slot: Slot<Job>): void => {
    slot.dead = true;
    if (slots[slot.index] === slot) slots[slot.index] = undefined;
    slot.worker.terminate().catch(() => undefined);
  };

  const fail = (delivery: Delivery<Job> | undefined, error: string): void => {
    if (delivery === undefined) return;
    counts.failedAttempts += 1;
    if (delivery.attempt >= maxAttempts) {
      const entry: DeadLetter<Job> = { job: delivery.job, attempts: delivery.attempt, error };
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
    counts.retrying += 1;
    const timer = setTimeout(
      () => {
        retryTimers.delete(timer);
        counts.retrying -= 1;
        ready.push({ ...delivery, attempt: delivery.attempt + 1 });
        pump();
        changed();
      },
      retryDelayMs * 2 ** (delivery.attempt - 1),
    );
    retryTimers.add(timer);
  };

  const onReply = (slot: Slot<Job>, reply: WorkerReply): void => {
    if (slot.dead || slot.current?.id !== reply.id) return;
    if (reply.type === "progress") {
      options.onJobProgress?.(slot.current.job, reply.data);
      return;
    }
    const delivery = release(slot);
    if (reply.type === "done") counts.succeeded += 1;
    else fail(delivery, reply.error);
    pump();
    changed();
  };

  const onThreadLost = (slot: Slot<Job>, reason: string): void => {
    if (slot.dead) return;
    retire(slot);
    fail(release(slot), reason);
    pump();
    changed();
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const timer of retryTimers) clearTimeout(timer);
    retryTimers.clear();
    counts.retrying = 0;
    const dropped = ready.length + counts.running;
    ready.length = 0;
    const threads = slots.filter((slot): slot is Slot<Job> => slot !== undefined);
    for (const slot of threads) {
      slot.dead = true;
      release(slot);
    }
    slots.fill(undefined);
    await Promise.all(threads.map((slot) => slot.worker.terminate()));
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const waiter of waiters) {
      if (dropped === 0) waiter.resolve();
      else
        waiter.reject(new BatchError(`[queue] [in-process] The queue was closed with ${dropped} job(s) unfinished.`));
    }
  };

  const onIdle = (): Promise<void> => {
    if (isIdle()) return Promise.resolve();
    return new Promise((resolve, reject) => idleWaiters.push({ resolve, reject }));
  };

  return {
    async send(jobs: readonly Job[]): Promise<void> {
      if (closed) throw new BatchError("[queue] [in-process] The queue is closed: create a new one to send jobs.");
      const bodies = encodeJobs(jobs, options.schema);
      bodies.forEach((body) => {
        // The job the handler sees is the JSON round trip, exactly as an SQS consumer would see it.
        ready.push({ id: nextId++, job: JSON.parse(body) as Job, body, attempt: 1 });
      });
      counts.sent += bodies.length;
      pump();
      changed();
    },
    onIdle,
    async drain(): Promise<void> {
      await onIdle();
      await close();
    },
    progress,
    deadLetters: () => [...deadLetters],
    close,
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
