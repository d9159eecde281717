import { InputError } from "../errors.ts";

/**
 * The dataset layout in object storage, as pure functions. Shard keys are deterministic (same id + index, same key),
 * so a retried shard lands on the key it wrote before and a create-only put detects the duplicate.
 *
 * @example
 * const keys = datasetKeys("trajectories", "run-42");
 * keys.shard(3, { gzip: true }); // "datasets/run-42/shards/00003.jsonl.gz"
 */
export type DatasetKind = "trajectories" | "tasks";

/** Top-level folder per kind: trajectory datasets and task batches live side by side with the same inner layout. */
export const DATASET_ROOTS: Readonly<Record<DatasetKind, string>> = {
  trajectories: "datasets",
  tasks: "task-batches",
};

/** Uploading a spec under this prefix starts a batch (the S3 event notification filters on it). */
export const BATCH_SPEC_PREFIX = "batches/";

export type BatchSpecFormat = "yaml" | "json";

/** Shard numbers are padded to this many digits so lexicographic key order equals numeric order. */
export const SHARD_INDEX_DIGITS = 5;
export const MAX_SHARD_INDEX = 10 ** SHARD_INDEX_DIGITS - 1;

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const ID_RULE = "1-128 characters from A-Z a-z 0-9 '_' '-', starting with a letter or digit";

export interface DatasetKeys {
  readonly kind: DatasetKind;
  readonly id: string;
  /** Folder of the whole dataset, ending with '/'. */
  readonly prefix: string;
  readonly manifest: string;
  readonly readme: string;
  /** The normalized batch spec the dataset was generated from. */
  readonly spec: string;
  readonly shardsPrefix: string;
  shard(index: number, options?: { gzip?: boolean; compression?: ShardCompression }): string;
  /** Progress records written by workers, one object per shard. */
  readonly statusPrefix: string;
  readonly donePrefix: string;
  shardDone(index: number): string;
  readonly failedPrefix: string;
  shardFailed(index: number): string;
  /** Present while the batch is cancelled (DELETE /v1/batches/{id}); workers skip its shards. */
  readonly cancelled: string;
}

/** Checks an id used inside keys; throws InputError naming the field, the value and the allowed charset. */
export function assertValidId(id: unknown, field = "id"): asserts id is string {
  if (typeof id !== "string" || !ID_PATTERN.test(id)) {
    throw new InputError(`Invalid ${field} ${JSON.stringify(id)}: use ${ID_RULE}.`, [
      { path: field, message: `must be ${ID_RULE}`, value: id },
    ]);
  }
}

/** Zero-padded shard number ("00042"); throws InputError outside 0..MAX_SHARD_INDEX. */
export function formatShardIndex(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > MAX_SHARD_INDEX) {
    throw new InputError(`Invalid shard index ${index}: use an integer from 0 to ${MAX_SHARD_INDEX}.`, [
      { path: "shard_index", message: `must be an integer from 0 to ${MAX_SHARD_INDEX}`, value: index },
    ]);
  }
  return String(index).padStart(SHARD_INDEX_DIGITS, "0");
}

/** How a JSONL shard is compressed, and the suffix its key takes after `.jsonl`. */
export type ShardCompression = "none" | "gzip" | "zstd";
export const COMPRESSION_SUFFIXES: Readonly<Record<ShardCompression, string>> = { none: "", gzip: ".gz", zstd: ".zst" };

/**
 * A shard's key relative to its dataset folder (`shards/00042.jsonl[.gz|.zst]`), as manifests record it. `true`
 * means gzip, as the `gzip` flag always has.
 */
export function relativeShardKey(index: number, compression: boolean | ShardCompression = false): string {
  const codec = compression === true ? "gzip" : compression === false ? "none" : compression;
  return `shards/${formatShardIndex(index)}.jsonl${COMPRESSION_SUFFIXES[codec]}`;
}

/** An evaluation set's label file for a shard, relative to its dataset folder (`labels/00042.jsonl`). */
export function relativeLabelsKey(index: number): string {
  return `labels/${formatShardIndex(index)}.jsonl`;
}

export function datasetKeys(kind: DatasetKind, id: string): DatasetKeys {
  assertValidId(id);
  const prefix = `${DATASET_ROOTS[kind]}/${id}/`;
  const shardsPrefix = `${prefix}shards/`;
  const statusPrefix = `${prefix}status/`;
  const donePrefix = `${statusPrefix}done/`;
  const failedPrefix = `${statusPrefix}failed/`;
  return {
    kind,
    id,
    prefix,
    manifest: `${prefix}manifest.json`,
    readme: `${prefix}README.md`,
    spec: `${prefix}spec.json`,
    shardsPrefix,
    shard: (index, options = {}) => `${prefix}${relativeShardKey(index, options.compression ?? options.gzip)}`,
    statusPrefix,
    donePrefix,
    shardDone: (index) => `${donePrefix}${formatShardIndex(index)}.json`,
    failedPrefix,
    shardFailed: (index) => `${failedPrefix}${formatShardIndex(index)}.json`,
    cancelled: `${statusPrefix}cancelled.json`,
  };
}

export interface ParsedShardKey {
  kind: DatasetKind;
  id: string;
  index: number;
  gzip: boolean;
}

const SHARD_KEY_PATTERN = new RegExp(
  `^(datasets|task-batches)/([A-Za-z0-9][A-Za-z0-9_-]{0,127})/shards/(\\d{${SHARD_INDEX_DIGITS}})\\.jsonl(\\.gz)?$`,
);

/** The parts of a shard key, or null when the key is not one. */
export function parseShardKey(key: string): ParsedShardKey | null {
  const match = SHARD_KEY_PATTERN.exec(key);
  if (!match) return null;
  const [, root, id, index, gzip] = match;
  return {
    kind: root === "datasets" ? "trajectories" : "tasks",
    id: id!,
    index: Number(index),
    gzip: gzip !== undefined,
  };
}

/** `batches/{id}.yaml` or `batches/{id}.json`: where an uploaded spec starts a batch. */
export function batchSpecKey(id: string, format: BatchSpecFormat = "yaml"): string {
  assertValidId(id);
  return `${BATCH_SPEC_PREFIX}${id}.${format}`;
}

const BATCH_SPEC_KEY_PATTERN = /^batches\/([A-Za-z0-9][A-Za-z0-9_-]{0,127})\.(yaml|yml|json)$/;

/** The batch id and format of a spec key (as found in an S3 event), or null when the key is not a batch spec. */
export function parseBatchSpecKey(key: string): { id: string; format: BatchSpecFormat } | null {
  const match = BATCH_SPEC_KEY_PATTERN.exec(key);
  if (!match) return null;
  return { id: match[1]!, format: match[2] === "json" ? "json" : "yaml" };
}
