import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "./emulator.ts";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ maxReceiveCount: 4, visibilityTimeoutSeconds: 45 });
});
afterAll(async () => {
  await emulator?.stop();
});

const statusOf = (error: unknown) => ({
  name: (error as { name?: string }).name,
  status: (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
});

describe("startEmulator", () => {
  it("listens on 127.0.0.1 and hands out queue URLs on that address", () => {
    expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.queueUrl).toBe(`${emulator.endpoint}/000000000000/shards`);
    expect(emulator.dlqArn).toBe("arn:aws:sqs:us-east-1:000000000000:shards-dlq");
  });

  it("creates the queue with the configured redrive policy and visibility timeout", async () => {
    const result = await emulator.sqsClient.send(
      new GetQueueAttributesCommand({
        QueueUrl: emulator.queueUrl,
        AttributeNames: ["RedrivePolicy", "VisibilityTimeout"],
      }),
    );

    expect(JSON.parse(result.Attributes?.RedrivePolicy ?? "{}")).toStrictEqual({
      deadLetterTargetArn: emulator.dlqArn,
      maxReceiveCount: 4,
    });
    expect(result.Attributes?.VisibilityTimeout).toBe("45");
  });

  it("answers 412 PreconditionFailed to a PutObject with If-None-Match: * when the key exists", async () => {
    const put = (body: string) =>
      emulator.s3Client.send(
        new PutObjectCommand({ Bucket: emulator.bucket, Key: "inm/a.txt", Body: body, IfNoneMatch: "*" }),
      );

    await put("first");
    const error = await put("second").catch((caught: unknown) => caught);

    expect(statusOf(error)).toStrictEqual({ name: "PreconditionFailed", status: 412 });
    const stored = await emulator.s3Client.send(new GetObjectCommand({ Bucket: emulator.bucket, Key: "inm/a.txt" }));
    expect(await stored.Body?.transformToString()).toBe("first");
  });

  it("answers 412 to a CompleteMultipartUpload with If-None-Match: * when the key exists", async () => {
    const key = "inm/multipart.bin";
    await emulator.s3Client.send(new PutObjectCommand({ Bucket: emulator.bucket, Key: key, Body: "already here" }));
    const created = await emulator.s3Client.send(
      new CreateMultipartUploadCommand({ Bucket: emulator.bucket, Key: key }),
    );
    const part = await emulator.s3Client.send(
      new UploadPartCommand({
        Bucket: emulator.bucket,
        Key: key,
        UploadId: created.UploadId,
        PartNumber: 1,
        Body: "part one",
      }),
    );

    const error = await emulator.s3Client
      .send(
        new CompleteMultipartUploadCommand({
          Bucket: emulator.bucket,
          Key: key,
          UploadId: created.UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
          IfNoneMatch: "*",
        }),
      )
      .catch((caught: unknown) => caught);

    expect(statusOf(error)).toStrictEqual({ name: "PreconditionFailed", status: 412 });
  });

  it("lets exactly one of many racing conditional PutObjects succeed", async () => {
    const attempts = Array.from({ length: 8 }, (_, i) =>
      emulator.s3Client
        .send(new PutObjectCommand({ Bucket: emulator.bucket, Key: "inm/race.txt", Body: `w${i}`, IfNoneMatch: "*" }))
        .then(
          () => "ok",
          (error: unknown) => statusOf(error).status,
        ),
    );

    const outcomes = await Promise.all(attempts);

    expect(outcomes.filter((outcome) => outcome === "ok")).toHaveLength(1);
    expect(outcomes.every((outcome) => outcome === "ok" || outcome === 412 || outcome === 409)).toBe(true);
  });

  it("answers 409 ConditionalRequestConflict while another conditional write to the key is in flight", async () => {
    const slow = await startEmulator({ conditionalWriteDelayMs: 150 });
    try {
      const put = (body: string) =>
        slow.s3Client
          .send(new PutObjectCommand({ Bucket: slow.bucket, Key: "held.txt", Body: body, IfNoneMatch: "*" }))
          .then(() => ({ name: "ok", status: 200 }), statusOf);
      const first = put("first");
      await new Promise((resolve) => setTimeout(resolve, 30));
      const second = put("second");

      expect([await first, await second]).toStrictEqual([
        { name: "ok", status: 200 },
        { name: "ConditionalRequestConflict", status: 409 },
      ]);
    } finally {
      await slow.stop();
    }
  });

  it("overwrites normally when If-None-Match is absent", async () => {
    await emulator.s3Client.send(new PutObjectCommand({ Bucket: emulator.bucket, Key: "inm/plain.txt", Body: "one" }));
    await emulator.s3Client.send(new PutObjectCommand({ Bucket: emulator.bucket, Key: "inm/plain.txt", Body: "two" }));

    const stored = await emulator.s3Client.send(
      new GetObjectCommand({ Bucket: emulator.bucket, Key: "inm/plain.txt" }),
    );
    expect(await stored.Body?.transformToString()).toBe("two");
  });

  it("empties the bucket and the queues on reset", async () => {
    await emulator.sqsClient.send(new SendMessageCommand({ QueueUrl: emulator.queueUrl, MessageBody: "{}" }));

    await emulator.reset();

    const objects = await emulator.s3Client.send(new ListObjectsV2Command({ Bucket: emulator.bucket }));
    const attributes = await emulator.sqsClient.send(
      new GetQueueAttributesCommand({ QueueUrl: emulator.queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    expect(objects.KeyCount ?? 0).toBe(0);
    expect(attributes.Attributes?.ApproximateNumberOfMessages).toBe("0");
  });
});
