import { z } from "zod";
import { planShards } from "../dataset/plan.ts";
import { InputError } from "../errors.ts";
import type { BatchSpec } from "./spec.ts";

/** One queue message: which shard of which batch to generate. The spec itself stays in the store (small messages). */
export const ShardJobSchema = z.strictObject({
  batch_id: z.string().regex(/^(traj|task)-[0-9a-f]{20}$/),
  shard: z.int().min(0),
  start_index: z.int().min(0),
  count: z.int().min(1),
});
export type ShardJob = z.output<typeof ShardJobSchema>;

/** All shard jobs of a batch, in shard order. */
export function planShardJobs(batchId: string, spec: BatchSpec): ShardJob[] {
  return planShards(spec.total, spec.shard_size, spec.start_index).map((plan) => ({
    batch_id: batchId,
    shard: plan.shard,
    start_index: plan.start_index,
    count: plan.count,
  }));
}

/** The planned job for `job.shard`; throws InputError when the message disagrees with the spec (a forged or stale job). */
export function checkJobAgainstPlan(job: ShardJob, spec: BatchSpec): ShardJob {
  const planned = planShardJobs(job.batch_id, spec)[job.shard];
  if (planned === undefined || planned.start_index !== job.start_index || planned.count !== job.count) {
    throw new InputError(
      `Shard job ${job.batch_id}#${job.shard} (start ${job.start_index}, count ${job.count}) does not match the batch plan.`,
      [
        {
          path: "shard",
          message: "must name a shard of the batch with its planned start_index and count",
          value: job.shard,
        },
      ],
    );
  }
  return planned;
}
