import type { MessagePort } from "node:worker_threads";

/** What runs on the pool's threads: a module whose factory export builds one handler per thread. */

export interface JobHandlerModule {
  /** Module the threads import, e.g. `siblingModule("shard-worker", import.meta.url)`. */
  moduleUrl: string | URL;
  /** Its export that is a JobHandlerFactory: called once per worker thread, returns that thread's handler. */
  exportName: string;
  /** Passed to the factory in every thread (structured-cloneable: base dirs, config, not live objects). */
  workerData?: unknown;
}

/** What a job handler is told about the delivery it is handling. */
export interface JobContext {
  /** 1 on the first delivery, then 2, 3, ... on retries (like SQS's ApproximateReceiveCount). */
  attempt: number;
  /** Deliveries before the job is given up on (like maxReceiveCount): `attempt === maxAttempts` is the last try. */
  maxAttempts: number;
  /** Reports progress within the job to the caller's `onProgress`. Must be structured-cloneable. */
  progress(data: unknown): void;
}

/** Handles one job; what it resolves to (structured-cloneable) is what the pool's `run` resolves to. */
export type JobHandler<Job, Result = unknown> = (job: Job, context: JobContext) => Result | Promise<Result>;

/**
 * The export the pool loads in each worker thread: called once per thread with the module's `workerData`, it returns
 * the handler for that thread's jobs (build stores and configs here, not per job).
 *
 * @example
 * export const createShardHandler: JobHandlerFactory<ShardJob> = async (data) => {
 *   const store = createFsObjectStore({ baseDir: (data as { baseDir: string }).baseDir });
 *   return (job) => runShardJob(ShardJobSchema.parse(job), { store });
 * };
 */
export type JobHandlerFactory<Job, Result = unknown> = (
  workerData: unknown,
) => JobHandler<Job, Result> | Promise<JobHandler<Job, Result>>;

/** What each pool thread is started with. */
export interface PoolBootData {
  moduleUrl: string;
  exportName: string;
  workerData: unknown;
}

/** One task as the pool hands it to a thread. */
export interface PoolTask {
  job: unknown;
  attempt: number;
  maxAttempts: number;
  /** Where `context.progress` posts; absent when the caller does not listen. */
  progress?: MessagePort;
}

/** What a thread sends back for one task: the handler's result, or the message (and code) of what it threw. */
export type PoolOutcome = { ok: true; value: unknown } | { ok: false; message: string; code?: string };
