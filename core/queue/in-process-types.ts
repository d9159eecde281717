import type { JobQueue, JobSchema } from "./job-queue.ts";

// Public shapes of the in-process queue (see in-process.ts).
export interface JobHandlerModule {
  /** Module the workers import, e.g. `new URL("./shard-runner.ts", import.meta.url)`. */
  moduleUrl: string | URL;
  /** Its export that is a JobHandlerFactory: called once per worker thread, returns that thread's handler. */
  exportName: string;
  /** Passed to the factory in every thread (structured-cloneable: base dirs, config, not live objects). */
  workerData?: unknown;
}

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
}

export interface DeadLetter<Job> {
  job: Job;
  attempts: number;
  /** Message of the last failure. */
  error: string;
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
  schema?: JobSchema<Job>;
  /** Called after every change in the counts. */
  onProgress?: (progress: QueueProgress) => void;
  /** Called with what a handler passes to `context.progress(...)`. */
  onJobProgress?: (job: Job, data: unknown) => void;
  /** Called once per dead-lettered job; the queue counts as busy until the returned promise settles. */
  onDeadLetter?: (entry: DeadLetter<Job>) => unknown;
}

export interface InProcessJobQueue<Job> extends JobQueue<Job> {
  /** Resolves when nothing is queued, running, waiting to retry or being dead-lettered; the queue stays usable. */
  onIdle(): Promise<void>;
  /** Waits for idle, then stops the worker threads. */
  drain(): Promise<void>;
  progress(): QueueProgress;
  deadLetters(): ReadonlyArray<DeadLetter<Job>>;
  /** Stops the threads now; unfinished jobs are dropped and pending `onIdle` calls reject. */
  close(): Promise<void>;
}
