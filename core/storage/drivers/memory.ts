import { bodyToBytes } from "../body.ts";
import type { Body, ListPage, ObjectInfo, ObjectStore, PutOptions } from "../object-store.ts";
import { assertValidKey, assertValidPrefix, normalizeListLimit } from "../validate-key.ts";

interface StoredObject {
  bytes: Uint8Array;
  etag: string;
  /** Write time (wall clock): what S3 and the file system report too; never part of generated data. */
  modified: number;
}

/**
 * An in-memory ObjectStore for tests and throwaway local runs. Bytes are copied on the way in and out, so callers
 * cannot change stored objects by mutating their buffers.
 *
 * @example
 * const store = createMemoryObjectStore();
 * await store.put("datasets/a/README.md", "# A");
 */
export function createMemoryObjectStore(): ObjectStore {
  const objects = new Map<string, StoredObject>();
  let version = 0;

  const write = (key: string, bytes: Uint8Array): void => {
    version += 1;
    objects.set(key, { bytes: Uint8Array.from(bytes), etag: `"m${version}"`, modified: Date.now() });
  };

  return {
    driver: "memory",

    async put(key: string, body: Body, _options?: PutOptions): Promise<void> {
      assertValidKey("memory", key);
      write(key, await bodyToBytes(body));
    },

    async putIfAbsent(key: string, body: Body, _options?: PutOptions): Promise<boolean> {
      assertValidKey("memory", key);
      if (objects.has(key)) return false;
      const bytes = await bodyToBytes(body);
      // Re-check after the await: another put may have landed while the stream was being read.
      if (objects.has(key)) return false;
      write(key, bytes);
      return true;
    },

    async get(key: string): Promise<Uint8Array | null> {
      assertValidKey("memory", key);
      const stored = objects.get(key);
      return stored ? Uint8Array.from(stored.bytes) : null;
    },

    async getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
      assertValidKey("memory", key);
      const stored = objects.get(key);
      if (!stored) return null;
      const bytes = Uint8Array.from(stored.bytes);
      return (async function* () {
        yield bytes;
      })();
    },

    async head(key: string): Promise<ObjectInfo | null> {
      assertValidKey("memory", key);
      const stored = objects.get(key);
      return stored ? { key, size: stored.bytes.byteLength, etag: stored.etag, modified: stored.modified } : null;
    },

    async list(prefix: string, options: { cursor?: string; limit?: number } = {}): Promise<ListPage> {
      assertValidPrefix("memory", prefix);
      const limit = normalizeListLimit("memory", options.limit);
      const after = options.cursor;
      const matching = [...objects.keys()]
        .filter((key) => key.startsWith(prefix) && (after === undefined || key > after))
        .sort();
      const page = matching.slice(0, limit).map((key) => {
        const stored = objects.get(key)!;
        return { key, size: stored.bytes.byteLength, etag: stored.etag, modified: stored.modified };
      });
      const last = page.at(-1);
      return matching.length > limit && last ? { keys: page, cursor: last.key } : { keys: page };
    },

    async delete(key: string): Promise<void> {
      assertValidKey("memory", key);
      objects.delete(key);
    },
  };
}
