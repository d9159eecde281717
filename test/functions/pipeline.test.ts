import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { Context, S3Event, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runTrajectoriesCommand } from "../../cli/trajectories.ts";
import { batchKeys } from "../../core/batch/batch-store.ts";
import { getBatchStatus } from "../../core/batch/status.ts";
import { createObjectStore } from "../../core/storage/create-object-store.ts";
import type { ObjectStore } from "../../core/storage/object-store.ts";
import { awsTestEnv } from "../helpers/aws.ts";
import { type Emulator, startEmulator } from "../helpers/emulator.ts";
import { createSqsEventSourceEmulator, type SqsLambdaHandler } from "../helpers/sqs-event-source.ts";
import { installAwsLambdaShim, sstResourceEnv } from "./helpers/awslambda-shim.ts";
import { s3ObjectCreated } from "./helpers/events.ts";

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
type Outcome = Record<string, unknown> & { id?: string };

let emulator: Emulator;
let store: ObjectStore;
let worker: SqsHandler;
let deadLetter: SqsHandler;
let trigger: (event: S3Event) => Promise<Outcome[]>;
let fanOut: (event: S3Event | { batch_id: string }) => Promise<Outcome[]>;
let cliDir: string;
let logs: { mock: { calls: unknown[][] } };

/** Statuses the worker logged for its shard jobs, oldest first. */
function workerStatuses(): string[] {
  return logs.mock.calls
    .map((call) => JSON.parse(String(call[0])) as { message?: string; status?: string })
    .filter((line) => line.message === "shard job")
    .map((line) => line.status ?? "");
}

const SPEC_YAML = [
  "kind: trajectories",
  "total: 7",
  "shard_size: 3",
  "seed: 2024",
  "anomaly_ratio: 0.25",
  "config:",
  "  data_generation:",
  '    epoch: "2025-03-01T00:00:00Z"',
  "",
].join("\n");

async function bytesOf(key: string): Promise<Buffer | null> {
  const bytes = await store.get(key);
  return bytes === null ? null : Buffer.from(bytes);
}

async function lastModified(key: string): Promise<string | undefined> {
  const head = await emulator.s3Client.send(new HeadObjectCommand({ Bucket: emulator.bucket, Key: key }));
  return `${head.ETag} ${head.LastModified?.toISOString()}`;
}

function drain(handler: SqsHandler, queue: "main" | "dlq") {
  return createSqsEventSourceEmulator({
    client: emulator.sqsClient,
    queueUrl: queue === "main" ? emulator.queueUrl : emulator.dlqUrl,
    queueArn: queue === "main" ? emulator.queueArn : emulator.dlqArn,
    handler: handler as SqsLambdaHandler,
    batchSize: 1,
    visibilityTimeoutSeconds: 0,
  }).runUntilEmpty({ timeoutMs: 8_000, pollIntervalMs: 10 });
}

async function uploadAndStart(key: string, text: string): Promise<string> {
  await emulator.s3Client.send(new PutObjectCommand({ Bucket: emulator.bucket, Key: key, Body: text }));
  const [started] = await trigger(s3ObjectCreated(emulator.bucket, key));
  const id = started?.id as string;
  // Deployed, writing the spec notifies the fan-out; here the test delivers that notification.
  await fanOut(s3ObjectCreated(emulator.bucket, batchKeys(id).spec));
  return id;
}

beforeAll(async () => {
  emulator = await startEmulator({ maxReceiveCount: 2 });
  const env = {
    ...awsTestEnv(emulator.endpoint),
    ...sstResourceEnv({ bucket: emulator.bucket, queueUrl: emulator.queueUrl, apiToken: "test-token" }),
    SHARD_MAX_RECEIVES: "2",
    // The handlers log through Powertools Logger; in dev mode it writes to the global console, where tests read it.
    POWERTOOLS_DEV: "true",
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  logs = vi.spyOn(console, "info").mockImplementation(() => undefined);
  for (const method of ["log", "warn", "error"] as const) vi.spyOn(console, method).mockImplementation(() => undefined);
  installAwsLambdaShim();
  store = createObjectStore({ driver: "s3", bucket: emulator.bucket, clientConfig: { forcePathStyle: true } });
  worker = (await import("../../functions/worker/handler.ts")).handler as unknown as SqsHandler;
  deadLetter = (await import("../../functions/dead-letter/handler.ts")).handler as unknown as SqsHandler;
  trigger = (await import("../../functions/trigger/handler.ts")).handler as unknown as typeof trigger;
  fanOut = (await import("../../functions/fan-out/handler.ts")).handler as unknown as typeof fanOut;

  cliDir = mkdtempSync(join(tmpdir(), "agentsynth-cli-"));
  const configFile = join(cliDir, "config.yaml");
  writeFileSync(configFile, 'data_generation:\n  epoch: "2025-03-01T00:00:00Z"\n');
  const io = { stdout: { write: () => true }, stderr: { write: () => true, isTTY: false }, env: {} };
  const argv = ["--count", "7", "--shard-size", "3", "--seed", "2024", "--anomaly-ratio", "0.25"];
  const code = await runTrajectoriesCommand(
    [...argv, "--config", configFile, "--out", join(cliDir, "out"), "--workers", "1", "--quiet"],
    io as never,
  );
  expect(code).toBe(0);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await emulator?.stop();
  if (cliDir) rmSync(cliDir, { recursive: true, force: true });
});

describe("batch pipeline against the emulator", () => {
  let id: string;

  it("runs upload -> trigger -> fan-out -> SQS -> worker and writes shards and manifest identical to the CLI's", async () => {
    id = await uploadAndStart("batches/nightly.yaml", SPEC_YAML);
    const run = await drain(worker, "main");
    expect(run.invocations).toBe(3);
    expect(workerStatuses()).toStrictEqual(["written", "written", "written"]);
    const keys = batchKeys(id);
    for (const shard of [0, 1, 2]) {
      const cli = readFileSync(join(cliDir, "out", "shards", `${String(shard).padStart(5, "0")}.jsonl`));
      expect((await bytesOf(keys.shard(shard)))?.equals(cli)).toBe(true);
    }
    expect((await bytesOf(keys.manifest))?.equals(readFileSync(join(cliDir, "out", "manifest.json")))).toBe(true);
    expect(await getBatchStatus(store, id)).toMatchObject({
      status: "complete",
      shards: { total: 3, done: 3, failed: 0, pending: 0 },
    });
  });

  it("absorbs a duplicate delivery without rewriting the shard", async () => {
    const keys = batchKeys(id);
    const before = await lastModified(keys.shard(1));
    const recordBefore = await lastModified(keys.shardDone(1));
    const body = JSON.stringify({ batch_id: id, shard: 1, start_index: 3, count: 3 });
    await emulator.sqsClient.send(new SendMessageCommand({ QueueUrl: emulator.queueUrl, MessageBody: body }));
    const run = await drain(worker, "main");
    expect(run.results.map((result) => result.failed)).toStrictEqual([[]]);
    expect(workerStatuses().at(-1)).toBe("already_done");
    expect(await lastModified(keys.shard(1))).toBe(before);
    expect(await lastModified(keys.shardDone(1))).toBe(recordBefore);
  });

  it("fills only the missing shard when the same spec is uploaded again", async () => {
    const keys = batchKeys(id);
    const shard0 = await lastModified(keys.shard(0));
    const original = await bytesOf(keys.shard(2));
    for (const key of [keys.shard(2), keys.shardDone(2), keys.manifest]) {
      await emulator.s3Client.send(new DeleteObjectCommand({ Bucket: emulator.bucket, Key: key }));
    }
    expect((await getBatchStatus(store, id))?.shards).toStrictEqual({ total: 3, done: 2, failed: 0, pending: 1 });
    const again = await uploadAndStart("batches/nightly-again.yaml", SPEC_YAML);
    expect(again).toBe(id);
    const run = await drain(worker, "main");
    expect(run.invocations).toBe(1);
    expect(workerStatuses().at(-1)).toBe("written");
    expect((await bytesOf(keys.shard(2)))?.equals(original!)).toBe(true);
    expect(await lastModified(keys.shard(0))).toBe(shard0);
    expect((await getBatchStatus(store, id))?.status).toBe("complete");
  });

  it("retries a job that fails once and completes it on the next delivery", async () => {
    const spec = "kind: trajectories\ntotal: 2\nshard_size: 2\nseed: 5\n";
    const batchId = await uploadAndStart("batches/flaky.yaml", spec);
    const keys = batchKeys(batchId);
    // The first delivery finds no spec (as if the store lagged) and fails; the spec is back for the retry.
    const specText = await bytesOf(keys.spec);
    await emulator.s3Client.send(new DeleteObjectCommand({ Bucket: emulator.bucket, Key: keys.spec }));
    const source = createSqsEventSourceEmulator({
      client: emulator.sqsClient,
      queueUrl: emulator.queueUrl,
      queueArn: emulator.queueArn,
      handler: worker as SqsLambdaHandler,
      visibilityTimeoutSeconds: 0,
    });
    const first = await source.pollOnce();
    expect(first.failed).toHaveLength(1);
    expect(
      (await getBatchStatus({ ...store, get: async (key) => (key === keys.spec ? specText : store.get(key)) }, batchId))
        ?.errors,
    ).toMatchObject([{ shard: 0, attempts: 1, final: false, code: "not_found" }]);
    await store.put(keys.spec, specText!);
    const rest = await drain(worker, "main");
    expect(rest.invocations).toBe(1);
    expect(await getBatchStatus(store, batchId)).toMatchObject({ status: "complete", errors: [] });
  });

  it("runs a Parquet batch through the worker and writes every file of every shard as the CLI does", async () => {
    const batchId = await uploadAndStart(
      "batches/parquet.yaml",
      "kind: trajectories\ntotal: 7\nshard_size: 3\nseed: 2024\nanomaly_ratio: 0.25\nformat: parquet\n",
    );
    const run = await drain(worker, "main");
    expect(run.invocations).toBe(3);
    expect(workerStatuses().slice(-3)).toStrictEqual(["written", "written", "written"]);
    const out = join(cliDir, "parquet");
    const io = { stdout: { write: () => true }, stderr: { write: () => true, isTTY: false }, env: {} };
    const argv = ["--count", "7", "--shard-size", "3", "--seed", "2024", "--anomaly-ratio", "0.25"];
    expect(await runTrajectoriesCommand([...argv, "--format", "parquet", "--out", out, "--quiet"], io as never)).toBe(
      0,
    );
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as {
      shards: Array<{ files: Array<{ key: string }> }>;
    };
    const files = manifest.shards.flatMap((shard) => shard.files.map((file) => file.key));
    expect(files).toHaveLength(3 * 12);
    const prefix = batchKeys(batchId).prefix;
    for (const key of [...files, "manifest.json", "README.md"]) {
      expect((await bytesOf(`${prefix}${key}`))?.equals(readFileSync(join(out, key))), key).toBe(true);
    }
    expect(await getBatchStatus(store, batchId)).toMatchObject({ status: "complete", shards_prefix: prefix });
  });

  it("moves a poison job to the dead-letter queue and reports its shard failed", async () => {
    const batchId = await uploadAndStart(
      "batches/poison.yaml",
      "kind: trajectories\ntotal: 4\nshard_size: 2\nseed: 6\n",
    );
    // Swap shard 1's job for one that contradicts the plan: every delivery fails.
    await emulator.sqsClient.send(
      new SendMessageCommand({
        QueueUrl: emulator.queueUrl,
        MessageBody: JSON.stringify({ batch_id: batchId, shard: 1, start_index: 2, count: 99 }),
      }),
    );
    await drain(worker, "main");
    const keys = batchKeys(batchId);
    // The genuine shard-1 job also ran, so drop its output to leave only the poison outcome.
    for (const key of [keys.shard(1), keys.shardDone(1), keys.manifest]) {
      await emulator.s3Client.send(new DeleteObjectCommand({ Bucket: emulator.bucket, Key: key }));
    }
    const dead = await drain(deadLetter, "dlq");
    expect(dead.invocations).toBe(1);
    const status = await getBatchStatus(store, batchId);
    expect(status).toMatchObject({ status: "failed", shards: { total: 2, done: 1, failed: 1, pending: 0 } });
    expect(status?.errors).toMatchObject([{ shard: 1, final: true, code: "input_invalid" }]);
  });
});

describe("the emulated bucket", () => {
  it("holds the upload result with the batch id", async () => {
    const result = await emulator.s3Client.send(
      new GetObjectCommand({ Bucket: emulator.bucket, Key: "batches/nightly.result.json" }),
    );
    expect(JSON.parse(await result.Body!.transformToString())).toHaveProperty("id");
  });
});
