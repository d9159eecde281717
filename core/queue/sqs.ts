import { setTimeout as delay } from "node:timers/promises";
import { type BatchResultErrorEntry, SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { BatchError } from "../errors.ts";
import { encodeJobs, type JobQueue, type JobSchema } from "./job-queue.ts";

export interface SqsJobQueueOptions<Job> {
  /** The queue URL exactly as SQS (or the emulator) returned it. */
  queueUrl: string;
  client: SQSClient;
  /** Validates each job before sending. */
  schema?: JobSchema<Job>;
  /** Tries per batch entry that SQS reports as failed on its side (throttling, internal errors). Default 5. */
  maxAttempts?: number;
  /** First retry delay in ms, doubled on each further try. Default 100. */
  retryDelayMs?: number;
  /** Largest message body and batch payload in bytes. Default 256 KiB, the limit every SQS region accepts. */
  maxMessageBytes?: number;
  /** SendMessageBatch calls in flight at once. Default 4. */
  concurrency?: number;
}

/** SQS accepts at most ten entries per SendMessageBatch call. */
const MAX_BATCH_ENTRIES = 10;
const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * Sends jobs as JSON messages with SendMessageBatch, ten at a time (fewer when that would exceed the payload limit).
 * Entries SQS rejects on its own side are retried with backoff; entries rejected as the sender's fault, or still
 * failing after `maxAttempts`, fail the call with a BatchError that says how many jobs were already sent.
 *
 * @example
 * const queue = createSqsJobQueue({ queueUrl: Resource.Shards.url, client: new SQSClient({}), schema: ShardJobSchema });
 */
export function createSqsJobQueue<Job>(options: SqsJobQueueOptions<Job>): JobQueue<Job> {
  if (typeof options?.queueUrl !== "string" || options.queueUrl === "") {
    throw new BatchError("[queue] [sqs] Missing required option `queueUrl`: pass the URL of the shard queue.");
  }
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const concurrency = Math.max(1, options.concurrency ?? 4);

  const sendGroup = async (bodies: readonly string[]): Promise<void> => {
    let pending = bodies.map((body, index) => ({ Id: String(index), MessageBody: body }));
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      let failed: BatchResultErrorEntry[];
      try {
        const result = await options.client.send(
          new SendMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: pending }),
        );
        failed = result.Failed ?? [];
      } catch (error) {
        throw sqsError(error);
      }
      const senderFault = failed.find((entry) => entry.SenderFault);
      if (senderFault) {
        throw new BatchError(
          `[queue] [sqs] SQS rejected a job message (${senderFault.Code ?? "unknown code"}): fix the message; it will not be retried.`,
        );
      }
      const failedIds = new Set(failed.map((entry) => entry.Id));
      pending = pending.filter((entry) => failedIds.has(entry.Id));
      if (pending.length === 0) return;
      if (attempt >= maxAttempts) {
        const codes = [...new Set(failed.map((entry) => entry.Code ?? "unknown"))].join(", ");
        throw new BatchError(
          `[queue] [sqs] ${pending.length} job message(s) still failed after ${maxAttempts} tries (${codes}): retry the send later.`,
        );
      }
      await delay(retryDelayMs * 2 ** (attempt - 1));
    }
  };

  return {
    async send(jobs: readonly Job[]): Promise<void> {
      const bodies = encodeJobs(jobs, options.schema);
      const groups = groupBodies(bodies, maxMessageBytes);
      let sent = 0;
      let next = 0;
      let failure: unknown;
      const lanes = Array.from({ length: Math.min(concurrency, groups.length) }, async () => {
        // After a failure no lane starts another group, so `sent` is exact once all lanes have settled.
        while (failure === undefined && next < groups.length) {
          const group = groups[next++]!;
          try {
            await sendGroup(group);
            sent += group.length;
          } catch (error) {
            failure ??= error;
          }
        }
      });
      await Promise.all(lanes);
      if (failure !== undefined) {
        const reason = failure instanceof BatchError ? failure.message : String(failure);
        throw new BatchError(`${reason} ${sent} of ${bodies.length} job(s) were sent before the failure.`, {
          cause: failure,
        });
      }
    },
  };
}

/** Splits bodies into SendMessageBatch groups: at most ten each and within the payload limit. */
function groupBodies(bodies: readonly string[], maxBytes: number): string[][] {
  const groups: string[][] = [];
  let group: string[] = [];
  let groupBytes = 0;
  bodies.forEach((body, index) => {
    const bytes = Buffer.byteLength(body, "utf8");
    if (bytes > maxBytes) {
      throw new BatchError(
        `[queue] [sqs] Job ${index} is ${bytes} bytes as JSON, over the ${maxBytes}-byte SQS message limit: keep large data in the object store and send its key.`,
      );
    }
    if (group.length === MAX_BATCH_ENTRIES || groupBytes + bytes > maxBytes) {
      groups.push(group);
      group = [];
      groupBytes = 0;
    }
    group.push(body);
    groupBytes += bytes;
  });
  if (group.length > 0) groups.push(group);
  return groups;
}

/** A BatchError with the SQS error code and a hint; the SDK error stays as `cause` (no signatures in the message). */
function sqsError(error: unknown): BatchError {
  const aws = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = aws?.name === "Error" ? aws.code : (aws?.name ?? aws?.code);
  const hint =
    name === "QueueDoesNotExist" || name === "AWS.SimpleQueueService.NonExistentQueue"
      ? "the queue does not exist: check the queue URL."
      : name === "AccessDenied" || name === "AccessDeniedException"
        ? "permission denied: grant this role sqs:SendMessage on the queue."
        : name === "ECONNREFUSED" || name === "ENOTFOUND"
          ? `SQS could not be reached (${name}): check the endpoint and network.`
          : `unexpected SQS error ${name ?? "(unnamed)"}.`;
  return new BatchError(`[queue] [sqs] Sending job messages failed: ${hint}`, { cause: error });
}
