import { createServer } from "node:net";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StorageError } from "../../../core/errors.ts";
import { createObjectStore } from "../../../core/storage/create-object-store.ts";
import { createS3ObjectStore } from "../../../core/storage/drivers/s3.ts";
import { testObjectStore } from "../../contracts/object-store.contract.ts";
import { TEST_AWS_REGION } from "../../helpers/aws.ts";
import { type Emulator, startEmulator } from "../../helpers/emulator.ts";

let emulator: Emulator;
let bucketCount = 0;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.stop();
});

/** A fresh bucket per test keeps tests independent without restarting the emulator. */
async function freshStore() {
  bucketCount += 1;
  const bucket = `contract-${bucketCount}`;
  await emulator.createBucket(bucket);
  return createS3ObjectStore({ bucket, client: emulator.s3Client });
}

testObjectStore("s3 (fauxqs)", freshStore);

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("createS3ObjectStore", () => {
  it("reports a missing bucket with a StorageError that says to create it", async () => {
    const store = createS3ObjectStore({ bucket: "no-such-bucket", client: emulator.s3Client });

    const error = await store.put("datasets/a/manifest.json", "{}").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).message).toMatchInlineSnapshot(
      `"[storage] [s3] Writing "datasets/a/manifest.json" in bucket "no-such-bucket" failed: bucket "no-such-bucket" does not exist: create it, or fix the bucket name the store was given."`,
    );
    await expect(store.list("datasets/")).rejects.toThrow(/does not exist/);
  });

  it("says the endpoint is unreachable without leaking the credentials when S3 cannot be reached", async () => {
    const secret = "wJalrXUtnFEMI-NEVER-IN-MESSAGES";
    const store = createObjectStore({
      driver: "s3",
      bucket: "datasets",
      clientConfig: {
        endpoint: `http://127.0.0.1:${await closedPort()}`,
        region: TEST_AWS_REGION,
        forcePathStyle: true,
        maxAttempts: 1,
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret },
      },
    });

    const error = await store.get("datasets/a/manifest.json").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).message).toContain("S3 could not be reached (ECONNREFUSED)");
    expect((error as StorageError).message).not.toContain(secret);
    expect((error as StorageError).message).not.toContain("AKIDEXAMPLE");
  });

  it("builds its client lazily from clientConfig on first use", async () => {
    const store = createObjectStore({
      driver: "s3",
      bucket: emulator.bucket,
      clientConfig: {
        endpoint: emulator.endpoint,
        region: TEST_AWS_REGION,
        forcePathStyle: true,
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
      },
    });

    await store.put("lazy/object.txt", "made with a lazily built client");

    const head = await emulator.s3Client.send(
      new HeadObjectCommand({ Bucket: emulator.bucket, Key: "lazy/object.txt" }),
    );
    expect(head.ContentLength).toBe(31);
  });

  it("sends the content type and encoding it is given", async () => {
    const store = await freshStore();
    await store.put("datasets/a/shards/00000.jsonl.gz", new Uint8Array([31, 139]), {
      contentType: "application/x-ndjson",
      contentEncoding: "gzip",
    });

    const head = await emulator.s3Client.send(
      new HeadObjectCommand({ Bucket: `contract-${bucketCount}`, Key: "datasets/a/shards/00000.jsonl.gz" }),
    );
    expect([head.ContentType, head.ContentEncoding]).toStrictEqual(["application/x-ndjson", "gzip"]);
  });

  it("reports a duplicate when a racing create-only put is still in flight (409) and then lands", async () => {
    const slow = await startEmulator({ conditionalWriteDelayMs: 150 });
    try {
      const store = createS3ObjectStore({ bucket: slow.bucket, client: slow.s3Client });
      const first = store.putIfAbsent("datasets/a/shards/00000.jsonl", "first writer");
      await new Promise((resolve) => setTimeout(resolve, 30));
      const second = store.putIfAbsent("datasets/a/shards/00000.jsonl", "second writer");

      expect([await first, await second]).toStrictEqual([true, false]);
      expect(new TextDecoder().decode((await store.get("datasets/a/shards/00000.jsonl"))!)).toBe("first writer");
    } finally {
      await slow.stop();
    }
  });

  it("requires a bucket", () => {
    expect(() => createS3ObjectStore({ bucket: "" })).toThrow("[storage] [s3] Missing required option `bucket`");
  });
});
