import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { SQSHandler, SQSRecord } from "aws-lambda";
import { handleShardMessage } from "../../core/batch/shard-message.ts";
import { loadTaskPrompts } from "../../core/tasks/index.ts";
import { createLambdaDeps } from "../deps.ts";
import { logger } from "../logger.ts";

const deps = createLambdaDeps();
// Prompts ship with the function (copyFiles); a missing or invalid file fails the cold start, not a task shard.
loadTaskPrompts();
const runner = { store: deps.store, taskModels: deps.taskModels, cache: new Map() };
const processor = new BatchProcessor(EventType.SQS);

async function recordHandler(record: SQSRecord): Promise<void> {
  const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
  const outcome = await handleShardMessage(record.body, { attempt, maxReceives: deps.maxReceives }, runner, {
    onFailure: (failure) => logger.error("shard job failed", { messageId: record.messageId, ...failure }),
  });
  logger.info("shard job", { messageId: record.messageId, attempt, ...outcome });
}

/** SQS consumer with partial batch responses: failed records are retried, then dead-lettered, the rest deleted. */
export const handler: SQSHandler = (event, context) => {
  logger.addContext(context);
  return processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
};
