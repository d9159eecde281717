import {
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { BatchError, InputError } from "../../../core/errors.ts";
import { createSqsJobQueue } from "../../../core/queue/sqs.ts";
import { type Emulator, startEmulator } from "../../helpers/emulator.ts";
import { createSqsEventSourceEmulator } from "../../helpers/sqs-event-source.ts";

const JobSchema = z.strictObject({ batch_id: z.string(), shard: z.int().min(0) });
type Job = z.output<typeof JobSchema>;

let emulator: Emulator;
let queueCount = 0;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.stop();
});

/** A fresh queue (and DLQ) per test, so tests never see each other's messages. */
async function freshQueue(maxReceiveCount = 2) {
  queueCount += 1;
  return emulator.createQueuePair(`jobs-${queueCount}`, { maxReceiveCount });
}

async function receiveAll(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (let polls = 0; polls < 50; polls++) {
    const result = await emulator.sqsClient.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }),
    );
    const messages = result.Messages ?? [];
    if (messages.length === 0) break;
    bodies.push(...messages.map((message) => message.Body ?? ""));
  }
  return bodies;
}

/**
 * A client that hands every call to the emulator, except that `rewrite` may turn the first calls' entries into
 * failures (without sending them), as SQS does under throttling.
 */
function flakyClient(
  rewrite: (call: number, entryIds: string[]) => Array<{ Id: string; SenderFault: boolean; Code: string }>,
) {
  const batchSizes: number[] = [];
  const client = {
    async send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> {
      const entries = command.input.Entries ?? [];
      batchSizes.push(entries.length);
      const failed = rewrite(
        batchSizes.length,
        entries.map((entry) => entry.Id!),
      );
      const failedIds = new Set<string | undefined>(failed.map((entry) => entry.Id));
      const passing = entries.filter((entry) => !failedIds.has(entry.Id));
      const result =
        passing.length === 0
          ? { Successful: [], Failed: [], $metadata: {} }
          : await emulator.sqsClient.send(new SendMessageBatchCommand({ ...command.input, Entries: passing }));
      return { ...result, Failed: [...(result.Failed ?? []), ...failed] };
    },
  };
  return { client: client as unknown as SQSClient, batchSizes };
}

describe("createSqsJobQueue", () => {
  it("delivers every job as a JSON message in batches of at most ten", async () => {
    const { queueUrl } = await freshQueue();
    const { client, batchSizes } = flakyClient(() => []);
    const queue = createSqsJobQueue<Job>({ queueUrl, client, schema: JobSchema });
    const jobs = Array.from({ length: 25 }, (_, shard) => ({ batch_id: "traj-1", shard }));

    await queue.send(jobs);

    expect(batchSizes).toStrictEqual([10, 10, 5]);
    const received = (await receiveAll(queueUrl)).map((body) => JSON.parse(body) as Job);
    expect(received.sort((a, b) => a.shard - b.shard)).toStrictEqual(jobs);
  });

  it("retries only the entries SQS failed on its side, so each job arrives once", async () => {
    const { queueUrl } = await freshQueue();
    const { client, batchSizes } = flakyClient((call, ids) =>
      call === 1 ? ids.slice(0, 3).map((Id) => ({ Id, SenderFault: false, Code: "InternalError" })) : [],
    );
    const queue = createSqsJobQueue<Job>({ queueUrl, client, retryDelayMs: 1 });

    await queue.send(Array.from({ length: 7 }, (_, shard) => ({ batch_id: "traj-2", shard })));

    expect(batchSizes).toStrictEqual([7, 3]);
    const shards = (await receiveAll(queueUrl)).map((body) => (JSON.parse(body) as Job).shard);
    expect(shards.sort((a, b) => a - b)).toStrictEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("fails without retrying when SQS blames the sender", async () => {
    const { queueUrl } = await freshQueue();
    const { client, batchSizes } = flakyClient((_, ids) => [
      { Id: ids[0]!, SenderFault: true, Code: "InvalidMessageContents" },
    ]);
    const queue = createSqsJobQueue<Job>({ queueUrl, client, retryDelayMs: 1 });

    await expect(queue.send([{ batch_id: "traj-3", shard: 0 }])).rejects.toThrowErrorMatchingInlineSnapshot(
      `[BatchError: [queue] [sqs] SQS rejected a job message (InvalidMessageContents): fix the message; it will not be retried. 0 of 1 job(s) were sent before the failure.]`,
    );
    expect(batchSizes).toStrictEqual([1]);
  });

  it("gives up after maxAttempts when entries keep failing", async () => {
    const { queueUrl } = await freshQueue();
    const { client, batchSizes } = flakyClient((_, ids) =>
      ids.map((Id) => ({ Id, SenderFault: false, Code: "ServiceUnavailable" })),
    );
    const queue = createSqsJobQueue<Job>({ queueUrl, client, retryDelayMs: 1, maxAttempts: 3 });

    await expect(queue.send([{ batch_id: "traj-4", shard: 0 }])).rejects.toThrow(
      "1 job message(s) still failed after 3 tries (ServiceUnavailable)",
    );
    expect(batchSizes).toStrictEqual([1, 1, 1]);
  });

  it("refuses a job larger than the message size limit before sending anything", async () => {
    const { queueUrl } = await freshQueue();
    const { client, batchSizes } = flakyClient(() => []);
    const queue = createSqsJobQueue<{ blob: string }>({ queueUrl, client });

    const error = await queue
      .send([{ blob: "small" }, { blob: "x".repeat(300 * 1024) }])
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BatchError);
    expect((error as BatchError).message).toContain(
      "Job 1 is 307211 bytes as JSON, over the 262144-byte SQS message limit",
    );
    expect(batchSizes).toStrictEqual([]);
  });

  it("keeps each SendMessageBatch payload within the size limit", async () => {
    const { queueUrl } = await freshQueue();
    const { client, batchSizes } = flakyClient(() => []);
    const queue = createSqsJobQueue<{ blob: string }>({ queueUrl, client, maxMessageBytes: 1000 });

    await queue.send(Array.from({ length: 5 }, () => ({ blob: "y".repeat(300) })));

    expect(batchSizes).toStrictEqual([3, 2]);
  });

  it("rejects jobs that do not match the schema with an InputError", async () => {
    const { queueUrl } = await freshQueue();
    const queue = createSqsJobQueue<Job>({ queueUrl, client: emulator.sqsClient, schema: JobSchema });

    await expect(queue.send([{ batch_id: "traj-5", shard: -1 }])).rejects.toBeInstanceOf(InputError);
  });

  it("names the missing queue when the queue URL is wrong", async () => {
    const queue = createSqsJobQueue<Job>({
      queueUrl: `${emulator.endpoint}/000000000000/no-such-queue`,
      client: emulator.sqsClient,
    });

    await expect(queue.send([{ batch_id: "traj-6", shard: 0 }])).rejects.toThrowErrorMatchingInlineSnapshot(
      `[BatchError: [queue] [sqs] Sending job messages failed: the queue does not exist: check the queue URL. 0 of 1 job(s) were sent before the failure.]`,
    );
  });
});

describe("createSqsEventSourceEmulator", () => {
  it("deletes handled messages and moves a message that keeps failing to the DLQ after maxReceiveCount", async () => {
    const pair = await freshQueue(2);
    const queue = createSqsJobQueue<Job>({ queueUrl: pair.queueUrl, client: emulator.sqsClient });
    await queue.send([0, 1, 2, 3].map((shard) => ({ batch_id: "traj-7", shard })));
    const seen: Array<{ shard: number; receiveCount: string }> = [];
    const source = createSqsEventSourceEmulator({
      client: emulator.sqsClient,
      queueUrl: pair.queueUrl,
      queueArn: pair.queueArn,
      visibilityTimeoutSeconds: 0,
      handler: async (event: SQSEvent) => {
        const failures = [];
        for (const record of event.Records) {
          const job = JSON.parse(record.body) as Job;
          seen.push({ shard: job.shard, receiveCount: record.attributes.ApproximateReceiveCount });
          if (job.shard === 2) failures.push({ itemIdentifier: record.messageId });
        }
        expect(event.Records[0]).toMatchObject({ eventSource: "aws:sqs", eventSourceARN: pair.queueArn });
        return { batchItemFailures: failures };
      },
    });

    await source.runUntilEmpty({ timeoutMs: 5_000 });

    const poison = seen.filter((entry) => entry.shard === 2).map((entry) => entry.receiveCount);
    expect(poison).toStrictEqual(["1", "2"]);
    expect(seen.filter((entry) => entry.shard !== 2)).toHaveLength(3);
    expect((await receiveAll(pair.dlqUrl)).map((body) => JSON.parse(body) as Job)).toStrictEqual([
      { batch_id: "traj-7", shard: 2 },
    ]);
  });

  it("retries the whole batch when the handler throws", async () => {
    const pair = await freshQueue(3);
    await createSqsJobQueue<Job>({ queueUrl: pair.queueUrl, client: emulator.sqsClient }).send([
      { batch_id: "traj-8", shard: 0 },
      { batch_id: "traj-8", shard: 1 },
    ]);
    let invocations = 0;
    const source = createSqsEventSourceEmulator({
      client: emulator.sqsClient,
      queueUrl: pair.queueUrl,
      queueArn: pair.queueArn,
      visibilityTimeoutSeconds: 0,
      handler: async () => {
        invocations += 1;
        if (invocations === 1) throw new Error("cold start failed");
      },
    });

    const first = await source.pollOnce();
    const { results } = await source.runUntilEmpty({ timeoutMs: 5_000 });

    expect(first).toMatchObject({ received: 2, deleted: 0 });
    expect(first.failed).toHaveLength(2);
    expect(results.reduce((sum, result) => sum + result.deleted, 0)).toBe(2);
    expect(await receiveAll(pair.dlqUrl)).toStrictEqual([]);
  });

  it("leaves a failed message invisible until its visibility timeout passes", async () => {
    const pair = await freshQueue(5);
    await createSqsJobQueue<Job>({ queueUrl: pair.queueUrl, client: emulator.sqsClient }).send([
      { batch_id: "traj-9", shard: 0 },
    ]);
    const source = createSqsEventSourceEmulator({
      client: emulator.sqsClient,
      queueUrl: pair.queueUrl,
      queueArn: pair.queueArn,
      visibilityTimeoutSeconds: 1,
      handler: (event) => ({
        batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
      }),
    });

    const first = await source.pollOnce();
    const immediately = await source.pollOnce();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const afterTimeout = await source.pollOnce();

    expect([first.received, immediately.received, afterTimeout.received]).toStrictEqual([1, 0, 1]);
  });
});
