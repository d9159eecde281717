import { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { StorageError } from "../../errors.ts";
import { isStreamBody } from "../body.ts";
import type { Body, ListPage, ObjectInfo, ObjectStore, PutOptions } from "../object-store.ts";
import { assertValidKey, assertValidPrefix, normalizeListLimit } from "../validate-key.ts";
import { isS3NotFound, s3ErrorName, s3HttpStatus, s3StorageError } from "./s3-errors.ts";

export interface S3ObjectStoreOptions {
  bucket: string;
  /** A ready client (tests, shared clients). Without it one is built from `clientConfig` on first use. */
  client?: S3Client;
  clientConfig?: S3ClientConfig;
  /** Multipart part size for streamed puts, in bytes (S3 minimum 5 MiB). Memory held is about partSize * queueSize. */
  partSize?: number;
  /** Parts uploaded concurrently for one streamed put. */
  queueSize?: number;
}

/** S3's minimum multipart part size. */
const MIN_PART_SIZE = 5 * 1024 * 1024;
const DEFAULT_QUEUE_SIZE = 4;
/** How often a create-only put retries after S3 reports a concurrent conditional write (409) with nothing stored yet. */
const CONFLICT_ATTEMPTS = 3;

/**
 * The production store on Amazon S3. Streamed bodies go through lib-storage's multipart `Upload`, so only a few parts
 * are held in memory; create-only puts send `If-None-Match: *`, which S3 enforces atomically.
 *
 * @example
 * const store = createS3ObjectStore({ bucket: Resource.Datasets.name });
 * const first = await store.putIfAbsent(keys.shard(0), jsonl); // false on a redelivery
 */
export function createS3ObjectStore(options: S3ObjectStoreOptions): ObjectStore {
  if (typeof options?.bucket !== "string" || options.bucket.trim() === "") {
    throw new StorageError("s3", undefined, "Missing required option `bucket`: pass the name of the bucket to use.");
  }
  const bucket = options.bucket;
  const partSize = Math.max(options.partSize ?? MIN_PART_SIZE, MIN_PART_SIZE);
  const queueSize = options.queueSize ?? DEFAULT_QUEUE_SIZE;
  let client = options.client;
  const getClient = (): S3Client => {
    client ??= new S3Client({ ...options.clientConfig });
    return client;
  };

  const write = async (key: string, body: Body, putOptions: PutOptions, createOnly: boolean): Promise<void> => {
    const params = {
      Bucket: bucket,
      Key: key,
      ContentType: putOptions.contentType ?? "application/octet-stream",
      ...(putOptions.contentEncoding === undefined ? {} : { ContentEncoding: putOptions.contentEncoding }),
      ...(createOnly ? { IfNoneMatch: "*" } : {}),
    };
    if (!isStreamBody(body)) {
      await getClient().send(new PutObjectCommand({ ...params, Body: body }));
      return;
    }
    // Upload forwards IfNoneMatch to PutObject (small bodies) and to CompleteMultipartUpload (large ones).
    const upload = new Upload({
      client: getClient(),
      params: { ...params, Body: Readable.from(body) },
      partSize,
      queueSize,
    });
    await upload.done();
  };

  const head = async (key: string): Promise<ObjectInfo | null> => {
    assertValidKey("s3", key);
    try {
      const result = await getClient().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return {
        key,
        size: result.ContentLength ?? 0,
        ...(result.ETag === undefined ? {} : { etag: result.ETag }),
        ...(result.LastModified === undefined ? {} : { modified: result.LastModified.getTime() }),
      };
    } catch (error) {
      if (isS3NotFound(error)) return null;
      throw s3StorageError("Reading", bucket, key, error);
    }
  };

  return {
    driver: "s3",

    async put(key: string, body: Body, putOptions: PutOptions = {}): Promise<void> {
      assertValidKey("s3", key);
      try {
        await write(key, body, putOptions, false);
      } catch (error) {
        throw s3StorageError("Writing", bucket, key, error);
      }
    },

    async putIfAbsent(key: string, body: Body, putOptions: PutOptions = {}): Promise<boolean> {
      assertValidKey("s3", key);
      for (let attempt = 1; ; attempt += 1) {
        try {
          await write(key, body, putOptions, true);
          return true;
        } catch (error) {
          const name = s3ErrorName(error);
          const status = s3HttpStatus(error);
          if (name === "PreconditionFailed" || status === 412) return false;
          if (name !== "ConditionalRequestConflict" && status !== 409) {
            throw s3StorageError("Writing", bucket, key, error);
          }
          // 409: another conditional write to this key is in flight. If it has landed, ours is the duplicate.
          if ((await head(key)) !== null) return false;
          if (isStreamBody(body) || attempt >= CONFLICT_ATTEMPTS) {
            throw new StorageError(
              "s3",
              key,
              `Writing ${JSON.stringify(key)} in bucket "${bucket}" failed: a concurrent create-only write to the same key did not finish; retry the write.`,
              { cause: error },
            );
          }
          await delay(100 * attempt);
        }
      }
    },

    async get(key: string): Promise<Uint8Array | null> {
      assertValidKey("s3", key);
      try {
        const result = await getClient().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return result.Body ? await result.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        if (isS3NotFound(error)) return null;
        throw s3StorageError("Reading", bucket, key, error);
      }
    },

    async getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
      assertValidKey("s3", key);
      try {
        const result = await getClient().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!result.Body) return Readable.from([]);
        // In Node the SDK body is an http IncomingMessage (a Readable), which is an async iterable of Buffers.
        return result.Body as unknown as AsyncIterable<Uint8Array>;
      } catch (error) {
        if (isS3NotFound(error)) return null;
        throw s3StorageError("Reading", bucket, key, error);
      }
    },

    head,

    async list(prefix: string, listOptions: { cursor?: string; limit?: number } = {}): Promise<ListPage> {
      assertValidPrefix("s3", prefix);
      const limit = normalizeListLimit("s3", listOptions.limit);
      try {
        const result = await getClient().send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            MaxKeys: limit,
            ...(listOptions.cursor === undefined ? {} : { ContinuationToken: listOptions.cursor }),
          }),
        );
        const keys: ObjectInfo[] = (result.Contents ?? []).flatMap((item) =>
          item.Key === undefined
            ? []
            : [
                {
                  key: item.Key,
                  size: item.Size ?? 0,
                  ...(item.ETag === undefined ? {} : { etag: item.ETag }),
                  ...(item.LastModified === undefined ? {} : { modified: item.LastModified.getTime() }),
                },
              ],
        );
        return result.IsTruncated && result.NextContinuationToken
          ? { keys, cursor: result.NextContinuationToken }
          : { keys };
      } catch (error) {
        throw s3StorageError("Listing", bucket, prefix, error);
      }
    },

    async delete(key: string): Promise<void> {
      assertValidKey("s3", key);
      try {
        await getClient().send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (isS3NotFound(error)) return;
        throw s3StorageError("Deleting", bucket, key, error);
      }
    },
  };
}
