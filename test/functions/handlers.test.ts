import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { Context, S3Event, SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { LambdaEvent } from "hono/aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { batchIdFor } from "../../core/batch/batch-id.ts";
import { batchKeys } from "../../core/batch/batch-store.ts";
import { parseBatchSpec } from "../../core/batch/spec.ts";
import { renderTrajectoryShard } from "../../core/dataset/render-shard.ts";
import { resolveDatasetConfig } from "../../core/dataset/resolve-config.ts";
import { parseTrajectoryDatasetSpec } from "../../core/dataset/spec.ts";
import { createdObjectKeys } from "../../functions/s3-event.ts";
import { awsTestEnv } from "../helpers/aws.ts";
import { type Emulator, startEmulator } from "../helpers/emulator.ts";
import { fakeLambdaContext } from "../helpers/sqs-event-source.ts";
import { installAwsLambdaShim, type StreamedResponse, sstResourceEnv } from "./helpers/awslambda-shim.ts";
import { functionUrlGet, functionUrlPost, s3ObjectCreated, sqsEvent } from "./helpers/events.ts";

type ApiHandler = (event: LambdaEvent, context: Context) => Promise<StreamedResponse>;
type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
type S3Handler = (event: S3Event) => Promise<Array<Record<string, unknown>>>;

let emulator: Emulator;
let api: ApiHandler;
let worker: SqsHandler;
let deadLetter: SqsHandler;
let trigger: S3Handler;
let fanOut: (event: S3Event | { batch_id: string }) => Promise<Array<Record<string, unknown>>>;

async function getText(key: string): Promise<string | null> {
  try {
    const result = await emulator.s3Client.send(new GetObjectCommand({ Bucket: emulator.bucket, Key: key }));
    return await result.Body!.transformToString("utf8");
  } catch {
    return null;
  }
}

async function put(key: string, body: string): Promise<void> {
  await emulator.s3Client.send(new PutObjectCommand({ Bucket: emulator.bucket, Key: key, Body: body }));
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
  for (const method of ["log", "info", "warn", "error"] as const) {
    vi.spyOn(console, method).mockImplementation(() => undefined);
  }
  installAwsLambdaShim();
  api = (await import("../../functions/api/handler.ts")).handler as unknown as ApiHandler;
  worker = (await import("../../functions/worker/handler.ts")).handler as unknown as SqsHandler;
  deadLetter = (await import("../../functions/dead-letter/handler.ts")).handler as unknown as SqsHandler;
  trigger = (await import("../../functions/trigger/handler.ts")).handler as unknown as S3Handler;
  fanOut = (await import("../../functions/fan-out/handler.ts")).handler as unknown as typeof fanOut;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await emulator?.stop();
});

describe("api handler (Function URL, streaming)", () => {
  it("streams the JSONL shard for the recorded POST event", async () => {
    const response = await api(functionUrlPost("/v1/trajectories", { seed: 42, count: 3 }), fakeLambdaContext("api"));
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/x-ndjson");
    const spec = parseTrajectoryDatasetSpec({ seed: 42, total: 3 });
    const parts: Buffer[] = [];
    for await (const chunk of renderTrajectoryShard({
      config: resolveDatasetConfig(spec),
      seed: 42,
      startIndex: 0,
      count: 3,
      gzip: false,
    })) {
      parts.push(Buffer.from(chunk));
    }
    expect(response.body.equals(Buffer.concat(parts))).toBe(true);
  });

  it("answers 401 without the deployed token and 404 for an unknown batch with it", async () => {
    const denied = await api(
      functionUrlGet("/v1/batches/traj-00000000000000000000", { authorization: "Bearer nope" }),
      fakeLambdaContext("api"),
    );
    expect(denied.statusCode).toBe(401);
    const missing = await api(functionUrlGet("/v1/batches/traj-00000000000000000000"), fakeLambdaContext("api"));
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body.toString("utf8"))).toMatchObject({ error: { code: "not_found" } });
  });

  it("stores a shard in the bucket when store is set", async () => {
    const response = await api(
      functionUrlPost("/v1/trajectories", { seed: 5, count: 2, store: true }),
      fakeLambdaContext("api"),
    );
    expect(response.statusCode).toBe(201);
    const reply = JSON.parse(response.body.toString("utf8")) as { key: string; bytes: number };
    expect((await getText(reply.key))?.length).toBe(reply.bytes);
  });

  it("registers a posted batch spec in the bucket and replies 202", async () => {
    const spec = { kind: "trajectories", total: 3, shard_size: 2, seed: 77 };
    const response = await api(functionUrlPost("/v1/batches", spec), fakeLambdaContext("api"));
    expect(response.statusCode).toBe(202);
    const { id } = JSON.parse(response.body.toString("utf8")) as { id: string };
    expect(JSON.parse((await getText(batchKeys(id).spec))!)).toMatchObject(spec);
  });
});

describe("trigger handler (S3 ObjectCreated under batches/)", () => {
  it("starts the batch of an uploaded spec and writes the result beside it", async () => {
    await put("batches/weekly.yaml", "kind: trajectories\ntotal: 4\nseed: 3\nshard_size: 2\n");
    const outcomes = await trigger(s3ObjectCreated(emulator.bucket, "batches/weekly.yaml"));
    const id = batchIdFor(parseBatchSpec({ kind: "trajectories", total: 4, seed: 3, shard_size: 2 }));
    expect(outcomes).toStrictEqual([
      { status: "started", key: "batches/weekly.yaml", id, resultKey: "batches/weekly.result.json" },
    ]);
    expect(JSON.parse((await getText("batches/weekly.result.json"))!)).toMatchObject({ id });
  });

  it("records the problems of an invalid upload without throwing", async () => {
    await put("batches/broken.json", '{"kind":"trajectories","total":0,"seed":1}');
    const outcomes = await trigger(s3ObjectCreated(emulator.bucket, "batches/broken.json"));
    expect(outcomes[0]).toMatchObject({ status: "rejected" });
    expect(JSON.parse((await getText("batches/broken.result.json"))!)).toMatchObject({
      error: { code: "config_invalid", issues: [{ field: "total", value: 0 }] },
    });
  });
});

describe("fan-out handler", () => {
  it("queues one job per shard when a registered spec is written, and resumes on direct invocation", async () => {
    const spec = parseBatchSpec({ kind: "trajectories", total: 5, seed: 12, shard_size: 2 });
    const id = batchIdFor(spec);
    await put(batchKeys(id).spec, JSON.stringify(spec));
    const results = await fanOut(s3ObjectCreated(emulator.bucket, batchKeys(id).spec));
    expect(results).toStrictEqual([{ id, shards: 3, enqueued: 3, alreadyDone: 0 }]);
    const received = await emulator.sqsClient.send(
      new ReceiveMessageCommand({ QueueUrl: emulator.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    const jobs = (received.Messages ?? []).map(
      (message) => JSON.parse(message.Body!) as { batch_id: string; shard: number },
    );
    expect(
      jobs
        .filter((job) => job.batch_id === id)
        .map((job) => job.shard)
        .sort(),
    ).toStrictEqual([0, 1, 2]);
    expect(await fanOut({ batch_id: id })).toStrictEqual([{ id, shards: 3, enqueued: 3, alreadyDone: 0 }]);
    await emulator.reset();
  });

  it("ignores keys that are not registered specs", async () => {
    expect(await fanOut(s3ObjectCreated(emulator.bucket, "datasets/x/manifest.json"))).toStrictEqual([]);
  });
});

describe("worker handler (SQS, partial batch responses)", () => {
  it("writes the shard for the recorded SQS event and reports no failures", async () => {
    const spec = parseBatchSpec({ kind: "trajectories", total: 2, seed: 21, shard_size: 2 });
    const id = batchIdFor(spec);
    await put(batchKeys(id).spec, JSON.stringify(spec));
    const body = JSON.stringify({ batch_id: id, shard: 0, start_index: 0, count: 2 });
    expect(await worker(sqsEvent(body), fakeLambdaContext())).toStrictEqual({ batchItemFailures: [] });
    expect(await getText(batchKeys(id).manifest)).toContain('"trajectories": 2');
  });

  it("reports the record as a batch item failure when the body is not a shard job", async () => {
    const event = sqsEvent("{not json");
    const response = await worker(event, fakeLambdaContext());
    expect(response).toStrictEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] });
  });
});

describe("dead-letter handler", () => {
  it("marks the shard of a dead-lettered job failed", async () => {
    const spec = parseBatchSpec({ kind: "trajectories", total: 4, seed: 31, shard_size: 2 });
    const id = batchIdFor(spec);
    await put(batchKeys(id).spec, JSON.stringify(spec));
    const body = JSON.stringify({ batch_id: id, shard: 1, start_index: 2, count: 2 });
    expect(await deadLetter(sqsEvent(body, 1), fakeLambdaContext("dead-letter"))).toStrictEqual({
      batchItemFailures: [],
    });
    expect(JSON.parse((await getText(batchKeys(id).shardFailed(1)))!)).toMatchObject({
      index: 1,
      final: true,
      attempts: 2,
    });
  });
});

describe("createdObjectKeys", () => {
  it("decodes keys as S3 encodes them in events", () => {
    const event = s3ObjectCreated("bucket", "batches/a b+c.yaml");
    expect(createdObjectKeys(event)).toStrictEqual(["batches/a b+c.yaml"]);
  });
});
