import { collectBatchResults, type OpenBatchRecord, recordKey } from "../llm/batch-collector.ts";
import type { LanguageModelProvider } from "../llm/options.ts";
import { createResponseCache } from "../llm/response-cache.ts";
import type { JobQueue } from "../queue/job-queue.ts";
import { listAll } from "../storage/list-all.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { recordShardFailure } from "./record-failure.ts";
import { type ShardJob, ShardJobSchema } from "./shard-job.ts";
import { OPEN_BATCHES_PREFIX, RESPONSE_CACHE_PREFIX, type TaskModelFactory } from "./task-shard.ts";

export interface PollSummary {
  /** Open provider batches looked at. */
  open: number;
  /** Batches that ended: their replies are now in the cache and their shard jobs back in the queue. */
  collected: number;
  /** Batches the provider failed as a whole: their shards are recorded as failed. */
  failed: number;
  requeued: ShardJob[];
}

/**
 * One pass of the scheduled poller (an SST Cron function on AWS, a timer under `npm start`): polls every provider
 * batch a task shard submitted; for each that ended, stores its replies in the response cache and sends the shard's
 * job to the queue again, where the rerun finds the replies cached and continues (a correction round, or the
 * finished shard). Nothing waits on a batch in between.
 * @example
 * await pollSubmittedBatches({ store, models: deps.taskModels, queue: deps.queue });
 */
export async function pollSubmittedBatches(deps: {
  store: ObjectStore;
  models: TaskModelFactory;
  queue: JobQueue<ShardJob>;
}): Promise<PollSummary> {
  const summary: PollSummary = { open: 0, collected: 0, failed: 0, requeued: [] };
  const cache = createResponseCache(deps.store, RESPONSE_CACHE_PREFIX);
  for await (const info of listAll(deps.store, OPEN_BATCHES_PREFIX)) {
    const bytes = await deps.store.get(info.key);
    if (bytes === null) continue;
    const record = JSON.parse(Buffer.from(bytes).toString("utf8")) as OpenBatchRecord;
    summary.open++;
    const model = deps.models({ provider: record.provider as LanguageModelProvider, model: record.model, seed: 0 });
    if (model.batchApi === undefined || model.parseResponse === undefined) continue;
    const status = await model.batchApi.poll(record.batchId);
    if (status.state === "in_progress") continue;
    const job = ShardJobSchema.safeParse((record.resume as { job?: unknown } | undefined)?.job);
    if (status.state === "failed") {
      summary.failed++;
      if (job.success) {
        await recordShardFailure(
          deps.store,
          job.data,
          { code: "llm_call_failed", message: status.message ?? `Batch ${record.batchId} failed.` },
          { attempts: 1, final: true },
        );
      }
    } else {
      await collectBatchResults(model.batchApi, record, cache, model.parseResponse);
      summary.collected++;
      if (job.success) {
        await deps.queue.send([job.data]);
        summary.requeued.push(job.data);
      }
    }
    await deps.store.delete(recordKey(OPEN_BATCHES_PREFIX, record));
  }
  return summary;
}
