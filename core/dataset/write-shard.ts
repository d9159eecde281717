import { createHash } from "node:crypto";
import { StorageError } from "../errors.ts";
import type { ObjectStore } from "../storage/object-store.ts";

export interface WrittenShard {
  /** False when `ifAbsent` was set and the key already held an object (a redelivered job): nothing was rewritten. */
  written: boolean;
  bytes: number;
  sha256: string;
}

/** Content types by key suffix; the first that matches wins. */
const CONTENT_TYPES: ReadonlyArray<readonly [string, string]> = [
  [".gz", "application/gzip"],
  [".zst", "application/zstd"],
  [".parquet", "application/vnd.apache.parquet"],
];

function contentTypeFor(key: string): string {
  return CONTENT_TYPES.find(([suffix]) => key.endsWith(suffix))?.[1] ?? "application/x-ndjson";
}

/**
 * Streams `chunks` into `store` under `key`, counting and hashing the bytes on the way. With `ifAbsent`, an existing
 * object is left untouched and reported with `written: false`, and its size and hash are read back from the store, so
 * the summary always describes what is stored.
 */
export async function writeShard(
  store: ObjectStore,
  key: string,
  chunks: AsyncIterable<Uint8Array>,
  options: { ifAbsent?: boolean } = {},
): Promise<WrittenShard> {
  const hash = createHash("sha256");
  let bytes = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      yield chunk;
    }
  }
  const putOptions = { contentType: contentTypeFor(key) };
  if (!options.ifAbsent) {
    await store.put(key, counted(), putOptions);
    return { written: true, bytes, sha256: hash.digest("hex") };
  }
  if (await store.putIfAbsent(key, counted(), putOptions)) return { written: true, bytes, sha256: hash.digest("hex") };
  const existing = await store.getStream(key);
  if (existing === null)
    throw new StorageError(
      store.driver,
      key,
      "The shard was reported as existing but cannot be read back; check the store for a concurrent delete.",
    );
  return { written: false, ...(await summarize(existing)) };
}

/** Size and sha256 of a byte stream. */
export async function summarize(stream: AsyncIterable<Uint8Array>): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    bytes += chunk.byteLength;
  }
  return { bytes, sha256: hash.digest("hex") };
}
