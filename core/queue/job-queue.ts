import type { z } from "zod";
import { InputError, issuesFromZod } from "../errors.ts";

/**
 * The queue port for shard jobs. `send` resolves once every job is accepted by the queue, not when it has run; jobs
 * are delivered at least once, so handlers must be idempotent (deterministic keys + create-only writes).
 *
 * @example
 * const queue: JobQueue<ShardJob> = createSqsJobQueue({ queueUrl, client, schema: ShardJobSchema });
 * await queue.send(planShardJobs(batchId, spec));
 */
export interface JobQueue<Job> {
  send(jobs: readonly Job[]): Promise<void>;
}

/** Anything with zod's `safeParse`, so queues can validate jobs before they leave the process. */
export type JobSchema<Job> = Pick<z.ZodType<Job>, "safeParse">;

/**
 * The JSON body of each job, validated by `schema` when one is given. Throws InputError listing the job's position
 * and every problem, because an invalid job is a bug in the sender, better caught before it reaches a worker.
 */
export function encodeJobs<Job>(jobs: readonly Job[], schema: JobSchema<Job> | undefined): string[] {
  if (!Array.isArray(jobs)) {
    throw new InputError("[queue] `send` takes an array of jobs.", [{ path: "jobs", message: "must be an array" }]);
  }
  return jobs.map((job, index) => {
    let value: unknown = job;
    if (schema) {
      const result = schema.safeParse(job);
      if (!result.success) {
        const issues = issuesFromZod(result.error.issues, job, `jobs.${index}`);
        throw new InputError(`[queue] Job ${index} does not match the job schema; fix the sender.`, issues);
      }
      value = result.data;
    }
    const body = JSON.stringify(value);
    if (body === undefined) {
      throw new InputError(`[queue] Job ${index} cannot be encoded as JSON.`, [
        { path: `jobs.${index}`, message: "must be a JSON value" },
      ]);
    }
    return body;
  });
}
