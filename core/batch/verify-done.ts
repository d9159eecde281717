import { parseShardKey } from "../storage/keys.ts";
import { listAll } from "../storage/list-all.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { batchKeys } from "./batch-store.ts";
import { mapLimit } from "./map-limit.ts";
import { RECORD_READ_CONCURRENCY, readRecord, type ShardDoneRecord, ShardDoneRecordSchema } from "./records.ts";

/**
 * Done records by key: they never change once written, so a process reads each one once. Kept without their
 * statistics (tens of kilobytes each with the separability histograms, and only the manifest needs them, which
 * reads the records again).
 */
export type DoneRecordCache = Map<string, Omit<ShardDoneRecord, "stats">>;

/** Records kept per cache; beyond this it is cleared (it only saves reads). */
const MAX_CACHED_RECORDS = 200_000;

/** Above this many unread records, a complete batch's manifest (one read) supplies their sizes instead. */
const MANIFEST_SHORTCUT = 64;

/** The manifest lists every done record's entry: one read instead of one per shard for a finished batch. */
async function cacheFromManifest(store: ObjectStore, batchId: string, cache: DoneRecordCache): Promise<void> {
  const keys = batchKeys(batchId);
  const bytes = await store.get(keys.manifest);
  if (bytes === null) return;
  let shards: unknown;
  try {
    shards = (JSON.parse(Buffer.from(bytes).toString("utf8")) as { shards?: unknown }).shards;
  } catch {
    return; // an unreadable manifest: the records themselves are read instead
  }
  if (!Array.isArray(shards)) return;
  for (const entry of shards) {
    const parsed = ShardDoneRecordSchema.safeParse(entry);
    if (parsed.success) cache.set(keys.shardDone(parsed.data.index), parsed.data);
  }
}

export interface VerifiedShards {
  /** Shards whose done record matches the bytes in the store. */
  done: Set<number>;
  /** Shards with a done record whose object is missing or has another size (truncated, deleted, replaced). */
  damaged: Map<number, { expected: number; found: number | null }>;
  /** Last write among the done records, epoch ms (0 when unknown). */
  lastDone: number;
}

/**
 * The shards of a batch that are really done: a done record counts only when its shard object exists with the
 * recorded size. One listing of the shards and of the records (a page per 1,000), plus a read of each record not yet
 * in `cache`. Sizes catch truncated and deleted shards; a byte-for-byte check is `agentsynth verify`'s job.
 */
export async function verifyDoneShards(
  store: ObjectStore,
  batchId: string,
  cache: DoneRecordCache = new Map(),
): Promise<VerifiedShards> {
  const keys = batchKeys(batchId);
  const sizes = new Map<number, number>();
  for await (const info of listAll(store, keys.shardsPrefix)) {
    const parsed = parseShardKey(info.key);
    if (parsed !== null) sizes.set(parsed.index, info.size);
  }
  const recordKeys: Array<{ index: number; key: string }> = [];
  let lastDone = 0;
  for await (const info of listAll(store, keys.donePrefix)) {
    const match = /(\d+)\.json$/.exec(info.key);
    if (match === null) continue;
    recordKeys.push({ index: Number(match[1]), key: info.key });
    lastDone = Math.max(lastDone, info.modified ?? 0);
  }
  if (cache.size > MAX_CACHED_RECORDS) cache.clear();
  const uncached = recordKeys.filter(({ key }) => !cache.has(key)).length;
  if (uncached > MANIFEST_SHORTCUT) await cacheFromManifest(store, batchId, cache);
  const records = await mapLimit(recordKeys, RECORD_READ_CONCURRENCY, async ({ key }) => {
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const record = await readRecord(store, key, ShardDoneRecordSchema);
    if (record === null) return null;
    const { stats: _stats, ...entry } = record;
    cache.set(key, entry);
    return entry;
  });
  // A shard of several files (Parquet) is not under the shards prefix: its files' sizes come from one listing of the
  // batch, and it is done when every file has its recorded size.
  const fileSizes = new Map<string, number>();
  if (records.some((record) => record?.files !== undefined)) {
    for await (const info of listAll(store, keys.prefix)) fileSizes.set(info.key.slice(keys.prefix.length), info.size);
  }
  const done = new Set<number>();
  const damaged = new Map<number, { expected: number; found: number | null }>();
  recordKeys.forEach(({ index }, position) => {
    const record = records[position];
    if (record === null || record === undefined) return; // deleted between the listing and the read
    const files = record.files;
    const whole =
      files === undefined
        ? sizes.get(index) === record.bytes
        : files.every((file) => fileSizes.get(file.key) === file.bytes);
    const found =
      files === undefined
        ? (sizes.get(index) ?? null)
        : files.some((file) => !fileSizes.has(file.key))
          ? null
          : files.reduce((sum, file) => sum + (fileSizes.get(file.key) ?? 0), 0);
    if (whole) done.add(index);
    else damaged.set(index, { expected: record.bytes, found });
  });
  return { done, damaged, lastDone };
}
