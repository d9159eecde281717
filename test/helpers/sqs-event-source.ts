import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { TEST_AWS_REGION } from "./aws.ts";

/** Anything shaped like an SQS Lambda handler (the callback argument is never used). */
export type SqsLambdaHandler = (
  event: SQSEvent,
  context: Context,
  // biome-ignore lint/suspicious/noConfusingVoidType: Lambda handler types return `void` for "no partial failures".
) => Promise<SQSBatchResponse | void | undefined> | SQSBatchResponse | void | undefined;

export interface SqsEventSourceOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsLambdaHandler;
  /** Records per invocation, 1-10 (the event source mapping's batch size). Default 10. */
  batchSize?: number;
  /** Overrides the queue's visibility timeout on each receive; 0 makes failed messages visible again at once. */
  visibilityTimeoutSeconds?: number;
  functionName?: string;
}

export interface PollResult {
  received: number;
  /** Message ids reported in batchItemFailures, or every id when the handler threw. */
  failed: string[];
  deleted: number;
  handlerError?: unknown;
}

export interface SqsEventSourceEmulator {
  /** One ReceiveMessage -> invoke -> delete cycle. */
  pollOnce(): Promise<PollResult>;
  /**
   * Polls until the queue has no visible and no in-flight messages (failed ones come back after their visibility
   * timeout and are retried, until SQS moves them to the DLQ), or `timeoutMs` passes.
   */
  runUntilEmpty(options?: {
    timeoutMs?: number;
    pollIntervalMs?: number;
  }): Promise<{ invocations: number; results: PollResult[] }>;
}

/** A Lambda context good enough for handlers that read the request id or remaining time. */
export function fakeLambdaContext(functionName = "worker"): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${TEST_AWS_REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The Lambda SQS record for a received message, as the event source mapping builds it. */
export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
      SentTimestamp: attributes.SentTimestamp ?? "0",
      SenderId: attributes.SenderId ?? "000000000000",
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? "0",
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: TEST_AWS_REGION,
  };
}

/**
 * Emulates Lambda's SQS event source mapping against the emulator: receive up to `batchSize` messages, invoke the
 * handler with a real-shaped SQSEvent, then delete every message except those in `batchItemFailures` (none when the
 * handler throws). Undeleted messages reappear after the visibility timeout, so maxReceiveCount and the DLQ behave
 * as deployed.
 *
 * @example
 * const source = createSqsEventSourceEmulator({ client: emulator.sqsClient, queueUrl, queueArn, handler, visibilityTimeoutSeconds: 0 });
 * await source.runUntilEmpty();
 */
export function createSqsEventSourceEmulator(options: SqsEventSourceOptions): SqsEventSourceEmulator {
  const batchSize = options.batchSize ?? 10;

  const pollOnce = async (): Promise<PollResult> => {
    const received = await options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: batchSize,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ["All"],
        ...(options.visibilityTimeoutSeconds === undefined
          ? {}
          : { VisibilityTimeout: options.visibilityTimeoutSeconds }),
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return { received: 0, failed: [], deleted: 0 };
    const records = messages.map((message) => toSqsRecord(message, options.queueArn));
    let failed: string[];
    let handlerError: unknown;
    try {
      const response = await options.handler({ Records: records }, fakeLambdaContext(options.functionName));
      failed = (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
    } catch (error) {
      handlerError = error;
      failed = records.map((record) => record.messageId);
    }
    const toDelete = records.filter((record) => !failed.includes(record.messageId));
    if (toDelete.length > 0) {
      await options.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: toDelete.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
    return handlerError === undefined
      ? { received: records.length, failed, deleted: toDelete.length }
      : { received: records.length, failed, deleted: toDelete.length, handlerError };
  };

  const queueIsEmpty = async (): Promise<boolean> => {
    const result = await options.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: options.queueUrl,
        AttributeNames: [
          "ApproximateNumberOfMessages",
          "ApproximateNumberOfMessagesNotVisible",
          "ApproximateNumberOfMessagesDelayed",
        ],
      }),
    );
    const attributes = result.Attributes ?? {};
    return (
      Number(attributes.ApproximateNumberOfMessages ?? 0) === 0 &&
      Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0) === 0 &&
      Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0) === 0
    );
  };

  return {
    pollOnce,
    async runUntilEmpty(runOptions = {}) {
      const deadline = performance.now() + (runOptions.timeoutMs ?? 10_000);
      const results: PollResult[] = [];
      while (!(await queueIsEmpty())) {
        if (performance.now() > deadline) {
          throw new Error(`The queue did not empty within ${runOptions.timeoutMs ?? 10_000} ms.`);
        }
        const result = await pollOnce();
        if (result.received > 0) results.push(result);
        else await delay(runOptions.pollIntervalMs ?? 50);
      }
      return { invocations: results.length, results };
    },
  };
}
