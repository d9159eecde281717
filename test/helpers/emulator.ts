import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, GetQueueAttributesCommand, PurgeQueueCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { FastifyReply, FastifyRequest } from "fastify";
import { buildApp } from "fauxqs";
import { createTestS3Client, createTestSqsClient, TEST_AWS_REGION } from "./aws.ts";

export interface EmulatorOptions {
  bucket?: string;
  queueName?: string;
  /** Receives after which a message moves to the dead-letter queue (SQS maxReceiveCount). */
  maxReceiveCount?: number;
  /** Default visibility timeout of the main queue, in seconds. */
  visibilityTimeoutSeconds?: number;
  /**
   * Holds each conditional write this long after its existence check, so tests can make a second writer meet the
   * first one in flight (409 ConditionalRequestConflict) deterministically. Default 0.
   */
  conditionalWriteDelayMs?: number;
}

export interface QueuePair {
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  dlqArn: string;
}

export interface Emulator extends QueuePair {
  /** Base URL of the emulator, e.g. http://127.0.0.1:41234 (S3 path-style and SQS share it). */
  endpoint: string;
  region: string;
  bucket: string;
  s3Client: S3Client;
  sqsClient: SQSClient;
  /** Another queue with its own DLQ, for tests that need isolation from the default one. */
  createQueuePair(
    name: string,
    options?: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number },
  ): Promise<QueuePair>;
  /** Creates another bucket (e.g. to test a store pointed at a second bucket). */
  createBucket(name: string): Promise<void>;
  /**
   * Answers matching S3 requests with an S3 error (e.g. 503 SlowDown, 500 InternalError) instead of handling them,
   * `times` times (default: until removed). Returns a handle with the number of requests failed so far.
   */
  injectS3Fault(fault: S3Fault): { readonly injected: number; remove(): void };
  /** Empties the default bucket and purges the default queue and its DLQ. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface S3Fault {
  /** Which requests fail: by method, and the path (`/{bucket}/{key}`) and query as the emulator sees them. */
  match(request: { method: string; path: string; query: URLSearchParams }): boolean;
  status: number;
  /** S3 error code in the reply body, e.g. "SlowDown", "InternalError". */
  code: string;
  times?: number;
}

const S3_XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n';

/**
 * Starts fauxqs 2.4.1 in this process on 127.0.0.1 (its own `startFauxqs` binds 0.0.0.0), adds the `If-None-Match: *`
 * check on PutObject and CompleteMultipartUpload that fauxqs lacks (infra-findings §3), and creates a bucket plus a
 * queue with a dead-letter queue through the SDK, as `sst.config.ts` would.
 *
 * @example
 * const emulator = await startEmulator({ maxReceiveCount: 2 });
 * afterAll(() => emulator.stop());
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const app = buildApp({ logger: false, defaultRegion: TEST_AWS_REGION });
  const faults = addFaultInjection(app);
  addIfNoneMatchCheck(app, options.conditionalWriteDelayMs ?? 0);
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  const endpoint = address.replace("localhost", "127.0.0.1");
  const s3Client = createTestS3Client(endpoint);
  const sqsClient = createTestSqsClient(endpoint);

  const createQueuePair: Emulator["createQueuePair"] = async (name, pairOptions = {}) => {
    const dlq = await sqsClient.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const dlqUrl = onEndpoint(dlq.QueueUrl!, endpoint);
    const dlqArn = await queueArnOf(sqsClient, dlqUrl);
    const queue = await sqsClient.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          VisibilityTimeout: String(pairOptions.visibilityTimeoutSeconds ?? options.visibilityTimeoutSeconds ?? 30),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlqArn,
            maxReceiveCount: pairOptions.maxReceiveCount ?? options.maxReceiveCount ?? 3,
          }),
        },
      }),
    );
    const queueUrl = onEndpoint(queue.QueueUrl!, endpoint);
    return { queueUrl, queueArn: await queueArnOf(sqsClient, queueUrl), dlqUrl, dlqArn };
  };

  const createBucket = async (name: string): Promise<void> => {
    await s3Client.send(new CreateBucketCommand({ Bucket: name }));
  };

  try {
    const bucket = options.bucket ?? "agentsynth-test";
    await createBucket(bucket);
    const pair = await createQueuePair(options.queueName ?? "shards");
    return {
      endpoint,
      region: TEST_AWS_REGION,
      bucket,
      ...pair,
      s3Client,
      sqsClient,
      createQueuePair,
      createBucket,
      injectS3Fault: faults,
      async reset() {
        await emptyBucket(s3Client, bucket);
        await sqsClient.send(new PurgeQueueCommand({ QueueUrl: pair.queueUrl }));
        await sqsClient.send(new PurgeQueueCommand({ QueueUrl: pair.dlqUrl }));
      },
      async stop() {
        s3Client.destroy();
        sqsClient.destroy();
        await app.close();
      },
    };
  } catch (error) {
    s3Client.destroy();
    sqsClient.destroy();
    await app.close();
    throw error;
  }
}

type FauxqsApp = ReturnType<typeof buildApp>;

/** Registers the hook that answers S3 requests matching an injected fault with that fault's error. */
function addFaultInjection(app: FauxqsApp): Emulator["injectS3Fault"] {
  const active = new Set<{ fault: S3Fault; injected: number }>();
  app.addHook("preHandler", async (request: FastifyRequest, reply: FastifyReply) => {
    const url = new URL(request.url, "http://emulator");
    // SQS requests are POSTs to / or to a queue path with an Action or a JSON target; S3 paths name a bucket.
    if (request.headers["x-amz-target"] !== undefined) return undefined;
    for (const entry of active) {
      if (!entry.fault.match({ method: request.method, path: url.pathname, query: url.searchParams })) continue;
      entry.injected += 1;
      if (entry.fault.times !== undefined && entry.injected >= entry.fault.times) active.delete(entry);
      return sendS3Error(reply, entry.fault.status, entry.fault.code, "Injected by the test.");
    }
    return undefined;
  });
  return (fault) => {
    const entry = { fault, injected: 0 };
    active.add(entry);
    return {
      get injected() {
        return entry.injected;
      },
      remove: () => active.delete(entry),
    };
  };
}

/**
 * Enforces `If-None-Match: *` on object writes: 412 PreconditionFailed when the key exists, and 409
 * ConditionalRequestConflict while another conditional write to the same key is in flight (as S3 does), so two racing
 * writers cannot both succeed.
 */
function addIfNoneMatchCheck(app: FauxqsApp, holdMs: number): void {
  const inFlight = new Set<string>();
  const claimed = new WeakMap<IncomingMessage, string>();

  app.addHook("preHandler", async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.headers["if-none-match"] !== "*") return;
    const url = new URL(request.url, "http://emulator");
    const isPut = request.method === "PUT" && !url.searchParams.has("uploadId") && !url.searchParams.has("partNumber");
    const isComplete = request.method === "POST" && url.searchParams.has("uploadId");
    // Object paths are /{bucket}/{key...}; bucket-level requests have no key.
    const match = /^\/[^/]+\/.+/.exec(url.pathname);
    if ((!isPut && !isComplete) || !match) return;
    const objectPath = url.pathname;
    if (inFlight.has(objectPath)) {
      return sendS3Error(
        reply,
        409,
        "ConditionalRequestConflict",
        "A conflicting conditional operation is in progress.",
      );
    }
    inFlight.add(objectPath);
    claimed.set(request.raw, objectPath);
    const existing = await app.inject({ method: "HEAD", url: objectPath });
    if (existing.statusCode === 200) {
      return sendS3Error(
        reply,
        412,
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
      );
    }
    if (holdMs > 0) await delay(holdMs);
    return undefined;
  });

  app.addHook("onResponse", async (request: FastifyRequest) => {
    const objectPath = claimed.get(request.raw);
    if (objectPath !== undefined) inFlight.delete(objectPath);
  });
}

function sendS3Error(reply: FastifyReply, status: number, code: string, message: string): unknown {
  reply.code(status);
  reply.header("content-type", "application/xml");
  return reply.send(
    `${S3_XML_HEADER}<Error><Code>${code}</Code><Message>${message}</Message><Condition>If-None-Match</Condition>` +
      `<RequestId>${randomUUID()}</RequestId></Error>`,
  );
}

/**
 * fauxqs answers with `http://sqs.<region>.localhost:<port>/...` URLs, whose host does not resolve. It finds queues by
 * the path alone, so the same path on the emulator's own address is equivalent and works with any SQS client.
 */
function onEndpoint(queueUrl: string, endpoint: string): string {
  return `${endpoint}${new URL(queueUrl).pathname}`;
}

async function queueArnOf(client: SQSClient, queueUrl: string): Promise<string> {
  const result = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }));
  return result.Attributes!.QueueArn!;
}

async function emptyBucket(client: S3Client, bucket: string): Promise<void> {
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ...(token === undefined ? {} : { ContinuationToken: token }) }),
    );
    const keys = (page.Contents ?? []).flatMap((item) => (item.Key === undefined ? [] : [{ Key: item.Key }]));
    if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}
