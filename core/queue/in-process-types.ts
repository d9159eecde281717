import type { ResourceLimits } from "node:worker_threads";
import type { JobHandlerModule } from "../pool/job-handler.ts";
import type { JobQueue, JobSchema } from "./job-queue.ts";

// Public shapes of the in-process queue (see in-process.ts).
export interface QueueProgress {
  /** Jobs accepted by `send` so far. */
  sent: number;
  /** Waiting for a free worker. */
  queued: number;
  running: number;
  /** Failed at least once and waiting for their retry delay. */
  retrying: number;
  succeeded: number;
  /** Failed deliveries, counting every attempt. */
  failedAttempts: number;
  deadLettered: number;
  /** Removed by `cancel` before they ran (or before their retry). */
  cancelled: number;
}

export interface DeadLetter<Job> {
  job: Job;
  attempts: number;
  /** Message of the last failure. */
  error: string;
  /** Code of the error the handler threw last (e.g. "storage_failed"); absent after a crash or a timeout. */
  code?: string;
}

export interface InProcessJobQueueOptions<Job> {
  handler: JobHandlerModule;
  /** Worker threads; default os.availableParallelism(). */
  concurrency?: number;
  /** Deliveries per job before it is dead-lettered (SQS maxReceiveCount). Default 3. */
  maxAttempts?: number;
  /** Delay before the first retry in ms, doubled on each further one. Default 100. */
  retryDelayMs?: number;
  /** A delivery running longer than this fails and its thread is replaced (SQS visibility timeout). Default none. */
  jobTimeoutMs?: number;
  /** Per-thread heap limits; a thread over them dies and its delivery fails like a crash. */
  resourceLimits?: ResourceLimits;
  schema?: JobSchema<Job>;
  /** Called after every change in the counts. */
  onProgress?: (progress: QueueProgress) => void;
  /** Called with what a handler passes to `context.progress(...)`. */
  onJobProgress?: (job: Job, data: unknown) => void;
  /** Called with what the handler returned when a delivery succeeds. */
  onJobDone?: (job: Job, result: unknown) => void;
  /** Called once per dead-lettered job; the queue counts as busy until the returned promise settles. */
  onDeadLetter?: (entry: DeadLetter<Job>) => unknown;
}

export interface QueueShutdown<Job> {
  /** Jobs that had not finished: never started, waiting to retry, or stopped when the grace period ran out. */
  handedBack: Job[];
}

export interface InProcessJobQueue<Job> extends JobQueue<Job> {
  /** Resolves when nothing is queued, running, waiting to retry or being dead-lettered; the queue stays usable. */
  onIdle(): Promise<void>;
  /** Waits for idle, then stops the worker threads. */
  drain(): Promise<void>;
  progress(): QueueProgress;
  deadLetters(): ReadonlyArray<DeadLetter<Job>>;
  /**
   * Removes the queued jobs (and those waiting to retry) that `match` selects, e.g. every job of a cancelled batch,
   * and returns how many; running deliveries of those jobs finish, and fail without a retry.
   */
  cancel(match: (job: Job) => boolean): number;
  /**
   * Graceful stop (SIGTERM): starts nothing more, lets running deliveries finish for up to `graceMs` (default 0), then
   * stops the threads and hands back every job that did not finish, for the caller to requeue later. Pending `onIdle`
   * calls reject when jobs are handed back.
   */
  shutdown(options?: { graceMs?: number }): Promise<QueueShutdown<Job>>;
  /** Stops the threads now; unfinished jobs are dropped and pending `onIdle` calls reject. */
  close(): Promise<void>;
}
