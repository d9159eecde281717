import { type PollSummary, pollSubmittedBatches } from "../../core/batch/poll-batches.ts";
import { createLambdaDeps } from "../deps.ts";
import { logger } from "../logger.ts";

const deps = createLambdaDeps();

/**
 * The scheduled poller (SST CronV2, every few minutes): collects every provider batch that ended and requeues its
 * shard job. It never waits for a batch: a pass looks at each open batch once and returns.
 */
export async function handler(): Promise<Omit<PollSummary, "requeued"> & { requeued: number }> {
  const summary = await pollSubmittedBatches({ store: deps.store, models: deps.taskModels, queue: deps.queue });
  const result = {
    open: summary.open,
    collected: summary.collected,
    failed: summary.failed,
    requeued: summary.requeued.length,
  };
  logger.info("batch poll", { ...result });
  return result;
}
