/** Messages between the in-process queue (main thread) and its worker threads. */

/** What each worker thread is started with. */
export interface WorkerBootData {
  moduleUrl: string;
  exportName: string;
  workerData: unknown;
  workerIndex: number;
}

/** Main thread to worker: run one job (its JSON body, parsed in the worker as SQS bodies are). */
export interface RunJobMessage {
  type: "run";
  id: number;
  body: string;
  attempt: number;
  maxAttempts: number;
}

/** Worker to main thread. */
export type WorkerReply =
  | { type: "done"; id: number }
  | { type: "failed"; id: number; error: string }
  | { type: "progress"; id: number; data: unknown };

/** What a job handler is told about the delivery it is handling. */
export interface JobContext {
  /** 1 on the first delivery, then 2, 3, ... on retries (like SQS's ApproximateReceiveCount). */
  attempt: number;
  /** Deliveries before the job is dead-lettered (like maxReceiveCount): `attempt === maxAttempts` is the last try. */
  maxAttempts: number;
  /** Which worker thread runs the job, 0-based. */
  workerIndex: number;
  /** Reports progress within the job; it reaches the queue's `onJobProgress` callback. Must be structured-cloneable. */
  progress(data: unknown): void;
}

export type JobHandler<Job> = (job: Job, context: JobContext) => unknown;

/**
 * The export the in-process queue loads in each worker thread: called once per thread with the queue's `workerData`,
 * it returns the handler for that thread's jobs (build stores and configs here, not per job).
 *
 * @example
 * export const createShardHandler: JobHandlerFactory<ShardJob> = async (data) => {
 *   const store = createFsObjectStore({ baseDir: (data as { baseDir: string }).baseDir });
 *   return (job) => runShardJob(ShardJobSchema.parse(job), { store });
 * };
 */
export type JobHandlerFactory<Job> = (workerData: unknown) => JobHandler<Job> | Promise<JobHandler<Job>>;
