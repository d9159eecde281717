import { describe, expect, it } from "vitest";
import { planShards } from "../../../core/dataset/plan.ts";
import { ConfigError } from "../../../core/errors.ts";
import { relativeShardKey as shardKey } from "../../../core/storage/keys.ts";

describe("planShards", () => {
  it("splits a total into full shards and a smaller last one", () => {
    expect(planShards(25, 10)).toStrictEqual([
      { shard: 0, start_index: 0, count: 10 },
      { shard: 1, start_index: 10, count: 10 },
      { shard: 2, start_index: 20, count: 5 },
    ]);
  });

  it("offsets every shard by the start index", () => {
    expect(planShards(3, 2, 100)).toStrictEqual([
      { shard: 0, start_index: 100, count: 2 },
      { shard: 1, start_index: 102, count: 1 },
    ]);
  });

  it("covers every index exactly once for awkward sizes", () => {
    for (const [total, size] of [
      [1, 1],
      [7, 3],
      [1000, 999],
      [1001, 10],
    ] as const) {
      const shards = planShards(total, size);
      const covered = shards.flatMap((s) => Array.from({ length: s.count }, (_, k) => s.start_index + k));
      expect(covered).toStrictEqual(Array.from({ length: total }, (_, k) => k));
    }
  });

  it("lists every problem when the numbers are invalid", () => {
    try {
      planShards(0, -1, -5);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((issue) => issue.path)).toStrictEqual([
        "total",
        "shard_size",
        "start_index",
      ]);
    }
  });

  it("refuses more shards than the key format can name, saying which shard size would fit", () => {
    expect(() => planShards(1_000_000, 1)).toThrow(ConfigError);
    try {
      planShards(1_000_000, 1);
    } catch (error) {
      expect((error as ConfigError).issues[0]?.message).toMatch(/at least 10/);
    }
  });
});

describe("relativeShardKey", () => {
  it("zero-pads so lexicographic order is numeric order", () => {
    expect(shardKey(3, false)).toBe("shards/00003.jsonl");
    expect(shardKey(12345, true)).toBe("shards/12345.jsonl.gz");
    const keys = [10, 9, 100, 1].map((n) => shardKey(n, false));
    expect([...keys].sort()).toStrictEqual([1, 9, 10, 100].map((n) => shardKey(n, false)));
  });
});
