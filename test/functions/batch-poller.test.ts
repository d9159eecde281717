import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { batchIdFor } from "../../core/batch/batch-id.ts";
import { batchKeys } from "../../core/batch/batch-store.ts";
import { parseBatchSpec } from "../../core/batch/spec.ts";
import { OPEN_BATCHES_PREFIX } from "../../core/batch/task-shard.ts";
import { awsTestEnv } from "../helpers/aws.ts";
import { type Emulator, startEmulator } from "../helpers/emulator.ts";
import { type LlmServer, type RecordedRequest, startLlmServer } from "../helpers/llm-server.ts";
import { fakeLambdaContext } from "../helpers/sqs-event-source.ts";
import { installAwsLambdaShim, sstResourceEnv } from "./helpers/awslambda-shim.ts";
import { sqsEvent } from "./helpers/events.ts";

// A task batch with batch_api on AWS-shaped infrastructure: the worker submits the shard's calls as an OpenAI batch
// and returns; the scheduled poller collects the ended batch into the cache and requeues the job; the worker's next
// run sends the correction round; the poller again; the last run writes the shard. No Lambda ever waits.

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
const VALID = "TASK: Check whether wifi is enabled\nTRAJECTORY: get_wifi_status\nCATEGORIES: [setting]";

let emulator: Emulator;
let server: LlmServer;
let worker: SqsHandler;
let poller: () => Promise<{ open: number; collected: number; failed: number; requeued: number }>;

beforeAll(async () => {
  emulator = await startEmulator();
  // The first reply of every task is malformed, so each shard needs a correction round.
  server = await startLlmServer(
    (request: RecordedRequest) => ({
      text: (request.body.messages as Array<{ role: string }>).some((m) => m.role === "assistant") ? VALID : "no",
    }),
    { batchPollsBeforeEnd: 1 },
  );
  const env = {
    ...awsTestEnv(emulator.endpoint),
    ...sstResourceEnv({ bucket: emulator.bucket, queueUrl: emulator.queueUrl, apiToken: "test-token" }),
    OPENAI_API_KEY: "test-key",
    OPENAI_BASE_URL: server.openaiBaseURL,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  installAwsLambdaShim();
  worker = (await import("../../functions/worker/handler.ts")).handler as unknown as SqsHandler;
  poller = (await import("../../functions/batch-poller/handler.ts")).handler;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await server?.close();
  await emulator?.stop();
});

async function text(key: string): Promise<string | null> {
  try {
    const result = await emulator.s3Client.send(new GetObjectCommand({ Bucket: emulator.bucket, Key: key }));
    return await result.Body!.transformToString("utf8");
  } catch {
    return null;
  }
}

async function openBatches(): Promise<number> {
  const listed = await emulator.s3Client.send(
    new ListObjectsV2Command({ Bucket: emulator.bucket, Prefix: OPEN_BATCHES_PREFIX }),
  );
  return listed.KeyCount ?? 0;
}

async function receiveJob(): Promise<string | undefined> {
  const received = await emulator.sqsClient.send(
    new ReceiveMessageCommand({ QueueUrl: emulator.queueUrl, MaxNumberOfMessages: 1 }),
  );
  const message = received.Messages?.[0];
  if (message === undefined) return undefined;
  await emulator.sqsClient.send(
    new DeleteMessageCommand({ QueueUrl: emulator.queueUrl, ReceiptHandle: message.ReceiptHandle! }),
  );
  return message.Body;
}

it("runs a batch_api task shard through submit, poll, requeue and a correction round without waiting", async () => {
  const spec = parseBatchSpec({
    kind: "tasks",
    total: 3,
    seed: 5,
    shard_size: 3,
    tasks: { categories: [["setting"]], provider: "openai", model: "gpt-4o-mini", batch_api: true },
  });
  const id = batchIdFor(spec);
  await emulator.s3Client.send(
    new PutObjectCommand({ Bucket: emulator.bucket, Key: batchKeys(id).spec, Body: JSON.stringify(spec) }),
  );
  const job = JSON.stringify({ batch_id: id, shard: 0, start_index: 0, count: 3 });

  // Round 1: the worker submits and returns at once; nothing is failed, nothing written.
  expect(await worker(sqsEvent(job), fakeLambdaContext())).toStrictEqual({ batchItemFailures: [] });
  expect(await openBatches()).toBe(1);
  expect(await text(batchKeys(id).shard(0, { gzip: false }))).toBeNull();
  expect(await text(batchKeys(id).shardFailed(0))).toBeNull();

  // The first pass finds the batch still in progress; the second collects it and requeues the job.
  expect(await poller()).toMatchObject({ open: 1, collected: 0, requeued: 0 });
  expect(await poller()).toMatchObject({ open: 1, collected: 1, requeued: 1 });
  expect(await openBatches()).toBe(0);
  const requeued = await receiveJob();
  expect(JSON.parse(requeued!)).toStrictEqual(JSON.parse(job));

  // Round 2 (corrections), collected the same way; the third run finds every reply cached and writes the shard.
  expect(await worker(sqsEvent(requeued!), fakeLambdaContext())).toStrictEqual({ batchItemFailures: [] });
  expect(await openBatches()).toBe(1);
  await poller();
  expect(await poller()).toMatchObject({ collected: 1, requeued: 1 });
  const last = await receiveJob();
  expect(await worker(sqsEvent(last!), fakeLambdaContext())).toStrictEqual({ batchItemFailures: [] });
  const shard = (await text(batchKeys(id).shard(0, { gzip: false })))!.trimEnd().split("\n");
  expect(shard.map((line) => JSON.parse(line).attempts.length)).toStrictEqual([2, 2, 2]);
  // Two batches of three requests; no direct completion call. Each task: 2 replies of 100 + 20 tokens at
  // gpt-4o-mini prices (0.15 / 0.60 USD per million), halved by the Batch API: 2 x 13.5e-6 USD.
  expect(server.stats.batchesCreated).toBe(2);
  expect(server.requests).toHaveLength(6);
  expect(server.requests.every((request) => request.batchCustomId !== undefined)).toBe(true);
  expect(shard.map((line) => JSON.parse(line).cost_usd)).toStrictEqual([0.000027, 0.000027, 0.000027]);
}, 60_000);
