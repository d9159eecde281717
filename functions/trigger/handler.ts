import type { Context, S3Event } from "aws-lambda";
import { startBatchFromUpload, type UploadOutcome } from "../../core/batch/upload.ts";
import { createLambdaDeps } from "../deps.ts";
import { logger } from "../logger.ts";
import { createdObjectKeys } from "../s3-event.ts";

const deps = createLambdaDeps();

/**
 * S3 ObjectCreated under `batches/`: each uploaded spec (`batches/{name}.yaml|.yml|.json`) starts its batch and gets
 * `batches/{name}.result.json` with the batch id or the spec's problems.
 */
export async function handler(event: S3Event, context?: Context): Promise<UploadOutcome[]> {
  if (context !== undefined) logger.addContext(context);
  const outcomes: UploadOutcome[] = [];
  for (const key of createdObjectKeys(event)) {
    const outcome = await startBatchFromUpload(deps.store, key, deps.limits);
    if (outcome.status === "rejected") logger.warn("batch upload", { ...outcome });
    else logger.info("batch upload", { ...outcome });
    outcomes.push(outcome);
  }
  return outcomes;
}
