import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { SQSHandler, SQSRecord } from "aws-lambda";
import { handleDeadLetter } from "../../core/batch/shard-message.ts";
import { createLambdaDeps } from "../deps.ts";
import { logger } from "../logger.ts";

const deps = createLambdaDeps();
const processor = new BatchProcessor(EventType.SQS);

async function recordHandler(record: SQSRecord): Promise<void> {
  const failure = await handleDeadLetter(record.body, deps.maxReceives, deps);
  logger.warn("dead-lettered shard job", { messageId: record.messageId, failure });
}

/** Consumes the dead-letter queue: marks each abandoned shard as failed so the batch status reports it. */
export const handler: SQSHandler = (event, context) => {
  logger.addContext(context);
  return processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
};
