import type { ShardJob } from "../core/batch/shard-job.ts";
import { handleShardMessage } from "../core/batch/shard-message.ts";
import type { JobHandlerFactory } from "../core/queue/worker-protocol.ts";
import { createLocalWorkerDeps, type LocalWorkerData } from "./deps.ts";
import { logger } from "./logger.ts";

/**
 * Runs in each worker thread of the local queue: the same message handling as the Lambda worker, so retries, failure
 * records and dead letters behave as deployed.
 */
export const createLocalShardHandler: JobHandlerFactory<ShardJob> = (workerData) => {
  const deps = createLocalWorkerDeps(workerData as LocalWorkerData);
  const runner = { store: deps.store, taskModels: deps.taskModels, cache: new Map() };
  return async (job, context) => {
    await handleShardMessage(JSON.stringify(job), { attempt: context.attempt, maxReceives: deps.maxReceives }, runner, {
      onFailure: (failure) => {
        logger.error("shard job failed", { ...failure });
        // The store did not take the failure record: tell the main thread, whose ledger the batch status reads.
        if (failure.record_error !== undefined) context.progress({ unrecordedFailure: failure });
      },
    });
  };
};
