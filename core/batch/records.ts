import { z } from "zod";
import type { DatasetStatsJSON } from "../dataset/stats.ts";
import { BatchError } from "../errors.ts";
import { listAll } from "../storage/list-all.ts";
import type { ObjectStore } from "../storage/object-store.ts";

/**
 * Written when a shard is stored: the manifest's shard entry (key relative to the dataset root), plus, for trajectory
 * shards, the shard's statistics, which the manifest and dataset card merge.
 */
export const ShardDoneRecordSchema = z.object({
  index: z.int().min(0),
  key: z.string(),
  start_index: z.int().min(0),
  count: z.int().min(1),
  bytes: z.int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The files of a shard written as several (Parquet: one per table and split); see ShardEntry. */
  files: z
    .array(
      z.object({
        key: z.string(),
        table: z.string(),
        split: z.string(),
        rows: z.int().min(0),
        bytes: z.int().min(0),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
      }),
    )
    .optional(),
  /** An evaluation set's label file for the shard. */
  labels: z.object({ key: z.string(), bytes: z.int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  stats: z.custom<DatasetStatsJSON>((value) => value !== null && typeof value === "object").optional(),
});
export type ShardDoneRecord = z.output<typeof ShardDoneRecordSchema>;

/**
 * Written when a shard job fails. `final` is set once the queue gives up on it (dead-letter queue): the shard then
 * counts as failed until the batch is submitted again.
 */
export const ShardFailedRecordSchema = z.object({
  index: z.int().min(0),
  attempts: z.int().min(1),
  final: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ShardFailedRecord = z.output<typeof ShardFailedRecordSchema>;

/** Reads records in parallel, a bounded number at a time (thousands of shards must not open thousands of sockets). */
export const RECORD_READ_CONCURRENCY = 16;

export function serializeRecord(record: ShardDoneRecord | ShardFailedRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** Reads and validates a JSON record; null when absent. A corrupt record is a BatchError naming its key. */
export async function readRecord<T>(store: ObjectStore, key: string, schema: z.ZodType<T>): Promise<T | null> {
  const bytes = await store.get(key);
  if (bytes === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (error) {
    throw new BatchError(`Record ${key} is not valid JSON; delete it and submit the batch again.`, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new BatchError(`Record ${key} does not have the expected shape; delete it and submit the batch again.`);
  }
  return parsed.data;
}

const RECORD_INDEX = /(\d+)\.json$/;

/** Shard indices of the records under a status prefix (`.../done/00003.json` → 3). */
export async function listRecordIndices(store: ObjectStore, prefix: string): Promise<Set<number>> {
  const indices = new Set<number>();
  for await (const info of listAll(store, prefix)) {
    const match = RECORD_INDEX.exec(info.key);
    if (match) indices.add(Number(match[1]));
  }
  return indices;
}
