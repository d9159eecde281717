import { ConfigError } from "../errors.ts";
import { MAX_SHARD_INDEX } from "../storage/keys.ts";

/** One shard of a dataset: trajectories [start_index, start_index + count). */
export interface ShardPlan {
  shard: number;
  start_index: number;
  count: number;
}

/** Largest dataset one spec may describe; shard indices and keys are sized for it. */
export const MAX_TOTAL = 1_000_000_000;
/** Shard keys have a fixed number of digits (see relativeShardKey), which bounds the shards of one dataset. */
export const MAX_SHARDS = MAX_SHARD_INDEX + 1;

/**
 * Splits `total` items starting at `startIndex` into shards of `shardSize` (the last one may be smaller).
 * Shard boundaries depend only on these numbers, so any shard can be regenerated alone.
 * @example
 * planShards(25, 10); // [{shard:0,start_index:0,count:10}, {shard:1,start_index:10,count:10}, {shard:2,start_index:20,count:5}]
 */
export function planShards(total: number, shardSize: number, startIndex = 0): ShardPlan[] {
  const problems: Array<{ path: string; message: string; value: unknown }> = [];
  if (!Number.isSafeInteger(total) || total < 1 || total > MAX_TOTAL) {
    problems.push({ path: "total", message: `must be an integer from 1 to ${MAX_TOTAL}`, value: total });
  }
  if (!Number.isSafeInteger(shardSize) || shardSize < 1) {
    problems.push({ path: "shard_size", message: "must be a positive integer", value: shardSize });
  }
  if (!Number.isSafeInteger(startIndex) || startIndex < 0) {
    problems.push({ path: "start_index", message: "must be a non-negative integer", value: startIndex });
  }
  if (problems.length === 0 && startIndex + total - 1 > Number.MAX_SAFE_INTEGER) {
    // Past 2^53 consecutive indices round to the same number: trajectories (and their ids) would repeat.
    problems.push({
      path: "start_index",
      message: `plus total must stay within ${Number.MAX_SAFE_INTEGER + 1} (2^53), where indices are still exact; use a start_index of at most ${Number.MAX_SAFE_INTEGER + 1 - total}`,
      value: startIndex,
    });
  }
  if (problems.length === 0 && Math.ceil(total / shardSize) > MAX_SHARDS) {
    problems.push({
      path: "shard_size",
      message: `gives ${Math.ceil(total / shardSize)} shards; at most ${MAX_SHARDS} are allowed, so use a shard size of at least ${Math.ceil(total / MAX_SHARDS)}`,
      value: shardSize,
    });
  }
  if (problems.length > 0) throw new ConfigError("Invalid shard plan", problems);
  const shards: ShardPlan[] = [];
  for (let offset = 0, shard = 0; offset < total; offset += shardSize, shard++) {
    shards.push({ shard, start_index: startIndex + offset, count: Math.min(shardSize, total - offset) });
  }
  return shards;
}
