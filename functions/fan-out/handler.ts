import type { Context, S3Event } from "aws-lambda";
import { batchIdFromSpecKey } from "../../core/batch/batch-store.ts";
import { type FanOutResult, fanOutBatch } from "../../core/batch/submit.ts";
import { createLambdaDeps } from "../deps.ts";
import { logger } from "../logger.ts";
import { createdObjectKeys } from "../s3-event.ts";

const deps = createLambdaDeps();

/** A direct invocation (CLI, scheduler, console) that resumes one registered batch. */
export interface FanOutRequest {
  batch_id: string;
}

/**
 * Sends one queue job per missing shard of each batch whose spec was just registered (S3 ObjectCreated on
 * `{datasets|task-batches}/{id}/spec.json`), or of the batch named in a direct invocation. Errors propagate, so S3's
 * asynchronous invocation retries the fan-out (which is idempotent).
 */
export async function handler(event: S3Event | FanOutRequest, context?: Context): Promise<FanOutResult[]> {
  if (context !== undefined) logger.addContext(context);
  const ids =
    "batch_id" in event
      ? [event.batch_id]
      : createdObjectKeys(event)
          .map(batchIdFromSpecKey)
          .filter((id): id is string => id !== null);
  const results: FanOutResult[] = [];
  for (const id of ids) {
    const result = await fanOutBatch(deps.store, deps.queue, id);
    logger.info("fan-out", { ...result });
    results.push(result);
  }
  return results;
}
