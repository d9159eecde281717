import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { batchKeys } from "../../core/batch/batch-store.ts";
import { readRecord, ShardDoneRecordSchema, ShardFailedRecordSchema } from "../../core/batch/records.ts";
import { handleShardMessage, type ShardFailure } from "../../core/batch/shard-message.ts";
import { parseBatchSpec } from "../../core/batch/spec.ts";
import { registerBatch } from "../../core/batch/submit.ts";
import { createS3ObjectStore } from "../../core/storage/drivers/s3.ts";
import type { ObjectStore } from "../../core/storage/object-store.ts";
import { createApp } from "../../functions/api/app.ts";
import { TEST_AWS_CREDENTIALS, TEST_AWS_REGION } from "../helpers/aws.ts";
import { type Emulator, type S3Fault, startEmulator } from "../helpers/emulator.ts";

let emulator: Emulator;
let store: ObjectStore;
const faults: Array<{ remove(): void }> = [];

beforeAll(async () => {
  emulator = await startEmulator();
  // The SDK's own retries, as deployed (standard mode, 3 attempts), with short delays.
  const client = new S3Client({
    endpoint: emulator.endpoint,
    region: TEST_AWS_REGION,
    credentials: TEST_AWS_CREDENTIALS,
    forcePathStyle: true,
    maxAttempts: 3,
  });
  store = createS3ObjectStore({ bucket: emulator.bucket, client });
});
afterEach(async () => {
  for (const fault of faults.splice(0)) fault.remove();
  await emulator.reset();
});
afterAll(() => emulator.stop());

function inject(fault: S3Fault) {
  const handle = emulator.injectS3Fault(fault);
  faults.push(handle);
  return handle;
}

const shardPath = (path: string) => path.includes("/shards/");

async function registered(count: number, seed: number) {
  const spec = parseBatchSpec({ kind: "trajectories", total: count, shard_size: count, seed });
  const { id, jobs } = await registerBatch(store, spec);
  return { id, job: jobs[0] as (typeof jobs)[0] };
}

async function run(job: { batch_id: string; shard: number; start_index: number; count: number }, attempt = 1) {
  const failures: ShardFailure[] = [];
  const outcome = await handleShardMessage(
    JSON.stringify(job),
    { attempt, maxReceives: 3 },
    { store },
    { onFailure: (failure) => failures.push(failure) },
  ).catch((error: unknown) => error as Error);
  return { outcome, failures };
}

describe("S3 faults on the shard data path (emulator)", () => {
  it("rides out brief throttling through the SDK's retries and stores the shard", async () => {
    const { id, job } = await registered(20, 1);
    const slowDown = inject({
      match: ({ method, path }) => method === "PUT" && shardPath(path),
      status: 503,
      code: "SlowDown",
      times: 2,
    });
    const { outcome, failures } = await run(job);
    expect(outcome).toMatchObject({ status: "written" });
    expect(failures).toStrictEqual([]);
    expect(slowDown.injected).toBe(2);
    expect(await readRecord(store, batchKeys(id).shardDone(0), ShardDoneRecordSchema)).toMatchObject({ count: 20 });
  });

  it("fails the shard with storage_failed and a record when S3 keeps answering 500", async () => {
    const { id, job } = await registered(20, 2);
    inject({ match: ({ method, path }) => method === "PUT" && shardPath(path), status: 500, code: "InternalError" });
    const { outcome, failures } = await run(job, 3);
    expect(outcome).toBeInstanceOf(Error);
    expect(failures).toMatchObject([{ batch_id: id, shard: 0, code: "storage_failed", final: true }]);
    expect(failures[0]?.error).toContain("S3 returned 500: retry later");
    expect(failures[0]?.record_error).toBeUndefined();
    const record = await readRecord(store, batchKeys(id).shardFailed(0), ShardFailedRecordSchema);
    expect(record).toMatchObject({ final: true, error: { code: "storage_failed" } });
  });

  it("fails a multipart shard upload throttled on every part, leaving no object behind", async () => {
    // About 400 default trajectories make a shard well over the 5 MiB part size.
    const { id, job } = await registered(400, 3);
    const parts = inject({
      match: ({ method, path, query }) => method === "PUT" && shardPath(path) && query.has("partNumber"),
      status: 503,
      code: "SlowDown",
    });
    const { outcome, failures } = await run(job);
    expect(outcome).toBeInstanceOf(Error);
    expect(parts.injected).toBeGreaterThan(0);
    expect(failures[0]).toMatchObject({ code: "storage_failed", final: false });
    expect(failures[0]?.error).toContain("S3 is throttling requests");
    const key = batchKeys(id).shard(0);
    const head = await emulator.s3Client
      .send(new HeadObjectCommand({ Bucket: emulator.bucket, Key: key }))
      .catch((error: { name?: string }) => error.name);
    expect(head).toBe("NotFound");
  });

  it("answers a batch status request with a coded 503 while S3 throttles every read", async () => {
    const { id } = await registered(20, 4);
    const app = createApp({
      store,
      taskModels: () => {
        throw new Error("no model in this test");
      },
      async startBatch() {
        throw new Error("not used");
      },
    });
    inject({ match: ({ method }) => method === "GET", status: 503, code: "SlowDown" });
    const response = await app.request(`/v1/batches/${id}`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("storage_failed");
  });
});
