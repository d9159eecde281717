import { summarize } from "../dataset/write-shard.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { mapLimit } from "./map-limit.ts";

/** What a manifest or a done record says a shard holds. */
export interface ExpectedShard {
  index: number;
  /** Key relative to the dataset root, e.g. `shards/00000.jsonl`. */
  key: string;
  bytes: number;
  sha256: string;
  /**
   * A shard written as several files (Parquet: one per table and split) lists them, each with its own size and
   * sha256; `key`, `bytes` and `sha256` then describe the set, and the files are what is checked.
   */
  files?: ReadonlyArray<{ key: string; bytes: number; sha256: string }> | undefined;
  /** An evaluation set's label file for the shard (done records list it; the public manifest does not). */
  labels?: { key: string; bytes: number; sha256: string } | undefined;
}

export type ShardProblem = "missing" | "size_mismatch" | "sha256_mismatch";

export interface ShardCheck {
  index: number;
  /** The shard's key, or for a shard of several files the first file found wrong (or the pattern when all match). */
  key: string;
  /** null when the stored bytes match. */
  problem: ShardProblem | null;
  expected: { bytes: number; sha256: string };
  /** What is stored: nothing when missing; no sha256 when the size already differs or hashing was skipped. */
  actual: { bytes: number; sha256?: string } | null;
}

export interface CheckShardsOptions {
  /** Also hash each shard whose size matches (default true). Sizes alone cost one HEAD/stat per shard. */
  sha256?: boolean;
  /** Shards checked at once (default 4: hashing is disk- and CPU-bound). */
  concurrency?: number;
}

/**
 * Checks shards against what their manifest or done records say: present, the recorded size, and (unless turned off)
 * the recorded sha256. The CLI's `verify` and `--resume` and the batch status share it, so "done" always means
 * "these exact bytes are stored". `prefix` is the dataset root in the store ("" for a CLI output directory).
 * @example
 * const bad = (await checkShards(store, "datasets/traj-1/", manifest.shards)).filter((c) => c.problem !== null);
 */
export async function checkShards(
  store: ObjectStore,
  prefix: string,
  shards: readonly ExpectedShard[],
  options: CheckShardsOptions = {},
): Promise<ShardCheck[]> {
  const hash = options.sha256 ?? true;
  return mapLimit(shards, options.concurrency ?? 4, async (shard): Promise<ShardCheck> => {
    const check = await checkData(store, prefix, shard, hash);
    // A shard of an evaluation set is only whole with its labels.
    if (check.problem !== null || shard.labels === undefined) return check;
    const labels = await checkObject(store, prefix, shard.index, shard.labels, hash);
    return labels.problem === null ? check : labels;
  });
}

async function checkData(store: ObjectStore, prefix: string, shard: ExpectedShard, hash: boolean): Promise<ShardCheck> {
  if (shard.files === undefined) return checkObject(store, prefix, shard.index, shard, hash);
  // Several files: the shard is whole when every file is; the first wrong one is reported.
  for (const file of shard.files) {
    const check = await checkObject(store, prefix, shard.index, file, hash);
    if (check.problem !== null) return check;
  }
  return {
    index: shard.index,
    key: shard.key,
    problem: null,
    expected: { bytes: shard.bytes, sha256: shard.sha256 },
    actual: { bytes: shard.bytes },
  };
}

async function checkObject(
  store: ObjectStore,
  prefix: string,
  index: number,
  expected: { key: string; bytes: number; sha256: string },
  hash: boolean,
): Promise<ShardCheck> {
  const base = { index, key: expected.key, expected: { bytes: expected.bytes, sha256: expected.sha256 } };
  const key = `${prefix}${expected.key}`;
  const info = await store.head(key);
  if (info === null) return { ...base, problem: "missing", actual: null };
  if (info.size !== expected.bytes) return { ...base, problem: "size_mismatch", actual: { bytes: info.size } };
  if (!hash) return { ...base, problem: null, actual: { bytes: info.size } };
  const stream = await store.getStream(key);
  if (stream === null) return { ...base, problem: "missing", actual: null };
  const stored = await summarize(stream);
  if (stored.bytes !== expected.bytes) return { ...base, problem: "size_mismatch", actual: stored };
  return { ...base, problem: stored.sha256 === expected.sha256 ? null : "sha256_mismatch", actual: stored };
}

/** One line per check for reports: "shards/00003.jsonl: size 1,024 bytes, manifest says 2,048". */
export function describeShardCheck(check: ShardCheck, source = "the manifest"): string {
  const fmt = (n: number) => n.toLocaleString("en-US");
  switch (check.problem) {
    case null:
      return `${check.key}: ok (${fmt(check.expected.bytes)} bytes)`;
    case "missing":
      return `${check.key}: missing (${source} lists ${fmt(check.expected.bytes)} bytes)`;
    case "size_mismatch":
      return `${check.key}: ${fmt(check.actual?.bytes ?? 0)} bytes, ${source} says ${fmt(check.expected.bytes)} (truncated or overwritten)`;
    case "sha256_mismatch":
      return `${check.key}: sha256 ${check.actual?.sha256?.slice(0, 12)}..., ${source} says ${check.expected.sha256.slice(0, 12)}... (same size, different bytes)`;
  }
}
