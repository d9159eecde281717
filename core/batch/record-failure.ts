import { CoreError } from "../errors.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { batchKeys } from "./batch-store.ts";
import { type ShardFailedRecord, serializeRecord } from "./records.ts";
import type { ShardJob } from "./shard-job.ts";

/** Error text kept in status records: long enough to diagnose, short enough to list fifty of them. */
const MAX_ERROR_MESSAGE = 500;

/**
 * Records why a shard job failed, so the batch status can show it while the queue retries (`final: false`) and after
 * the queue gave up and moved the job to the dead-letter queue (`final: true`).
 */
export async function recordShardFailure(
  store: ObjectStore,
  job: ShardJob,
  error: { code: string; message: string },
  options: { attempts: number; final: boolean },
): Promise<ShardFailedRecord> {
  const record: ShardFailedRecord = {
    index: job.shard,
    attempts: Math.max(1, options.attempts),
    final: options.final,
    error,
  };
  await store.put(batchKeys(job.batch_id).shardFailed(job.shard), serializeRecord(record), {
    contentType: "application/json",
  });
  return record;
}

/** Only an error's code and message are kept: no stack, no config, no keys. */
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof CoreError) return { code: error.code, message: error.message.slice(0, MAX_ERROR_MESSAGE) };
  if (error instanceof Error) {
    return { code: "internal", message: `${error.name}: ${error.message}`.slice(0, MAX_ERROR_MESSAGE) };
  }
  return { code: "internal", message: String(error).slice(0, MAX_ERROR_MESSAGE) };
}
