/**
 * The object storage port. Drivers (memory, fs, s3) only move bytes; key layout, JSONL encoding and shard sizing live
 * in pure modules beside them. "Not found" is `null`, never an exception.
 */
export type Body = string | Uint8Array | AsyncIterable<Uint8Array>;

export interface PutOptions {
  contentType?: string;
  contentEncoding?: string;
}

export interface ObjectInfo {
  key: string;
  size: number;
  /** Driver-specific version tag (S3 ETag, fs mtime+size); only compare it with the same driver. */
  etag?: string;
  /** When the object was last written, in epoch milliseconds (S3 LastModified, fs mtime), where the driver knows. */
  modified?: number;
}

export interface ListPage {
  keys: ObjectInfo[];
  /** Pass back as `cursor` to get the next page; undefined on the last page. */
  cursor?: string;
}

export interface ObjectStore {
  readonly driver: "memory" | "fs" | "s3";
  /** Writes (or overwrites) an object. Streams are consumed once and not buffered whole. */
  put(key: string, body: Body, options?: PutOptions): Promise<void>;
  /**
   * Writes only if nothing exists under the key. Returns false, without writing, when the key already exists, so an
   * at-least-once worker can tell a redelivery from a first write.
   */
  putIfAbsent(key: string, body: Body, options?: PutOptions): Promise<boolean>;
  get(key: string): Promise<Uint8Array | null>;
  getStream(key: string): Promise<AsyncIterable<Uint8Array> | null>;
  head(key: string): Promise<ObjectInfo | null>;
  /** Keys under a prefix in lexicographic order, one page at a time (at most `limit`, default 1000). */
  list(prefix: string, options?: { cursor?: string; limit?: number }): Promise<ListPage>;
  delete(key: string): Promise<void>;
}
