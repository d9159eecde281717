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
}

export type ShardProblem = "missing" | "size_mismatch" | "sha256_mismatch";

export interface ShardCheck {
  index: number;
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
    const base = { index: shard.index, key: shard.key, expected: { bytes: shard.bytes, sha256: shard.sha256 } };
    const key = `${prefix}${shard.key}`;
    const info = await store.head(key);
    if (info === null) return { ...base, problem: "missing", actual: null };
    if (info.size !== shard.bytes) return { ...base, problem: "size_mismatch", actual: { bytes: info.size } };
    if (!hash) return { ...base, problem: null, actual: { bytes: info.size } };
    const stream = await store.getStream(key);
    if (stream === null) return { ...base, problem: "missing", actual: null };
    const stored = await summarize(stream);
    if (stored.bytes !== shard.bytes) return { ...base, problem: "size_mismatch", actual: stored };
    return { ...base, problem: stored.sha256 === shard.sha256 ? null : "sha256_mismatch", actual: stored };
  });
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
