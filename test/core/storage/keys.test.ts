import { describe, expect, it } from "vitest";
import { InputError } from "../../../core/errors.ts";
import {
  assertValidId,
  batchSpecKey,
  datasetKeys,
  formatShardIndex,
  parseBatchSpecKey,
  parseShardKey,
} from "../../../core/storage/keys.ts";
import { keyProblem } from "../../../core/storage/validate-key.ts";

describe("datasetKeys", () => {
  it("lays out a trajectory dataset under datasets/{id}", () => {
    const keys = datasetKeys("trajectories", "run-42");

    expect({
      prefix: keys.prefix,
      manifest: keys.manifest,
      readme: keys.readme,
      spec: keys.spec,
      shardsPrefix: keys.shardsPrefix,
      shard: keys.shard(3),
      gzipShard: keys.shard(12345, { gzip: true }),
      done: keys.shardDone(7),
      failed: keys.shardFailed(7),
    }).toStrictEqual({
      prefix: "datasets/run-42/",
      manifest: "datasets/run-42/manifest.json",
      readme: "datasets/run-42/README.md",
      spec: "datasets/run-42/spec.json",
      shardsPrefix: "datasets/run-42/shards/",
      shard: "datasets/run-42/shards/00003.jsonl",
      gzipShard: "datasets/run-42/shards/12345.jsonl.gz",
      done: "datasets/run-42/status/done/00007.json",
      failed: "datasets/run-42/status/failed/00007.json",
    });
  });

  it("lays out a task batch the same way under task-batches/{id}", () => {
    const keys = datasetKeys("tasks", "t1");

    expect([keys.manifest, keys.shard(0), keys.readme]).toStrictEqual([
      "task-batches/t1/manifest.json",
      "task-batches/t1/shards/00000.jsonl",
      "task-batches/t1/README.md",
    ]);
  });

  it("sorts shard keys lexicographically in numeric order", () => {
    const keys = datasetKeys("trajectories", "a");
    const indexes = [0, 1, 2, 9, 10, 99, 100, 1000, 99999];
    const shardKeys = indexes.map((index) => keys.shard(index));

    expect([...shardKeys].sort()).toStrictEqual(shardKeys);
  });

  it("produces keys every storage driver accepts", () => {
    const keys = datasetKeys("tasks", "A_b-9");
    for (const key of [keys.manifest, keys.readme, keys.spec, keys.shard(1, { gzip: true }), keys.shardDone(1)]) {
      expect(keyProblem(key)).toBeNull();
    }
  });

  it("rejects ids outside the safe charset with an InputError naming the field", () => {
    for (const id of ["", "../x", "a/b", "a.b", "-lead", "spaced id", "x".repeat(129), 42]) {
      expect(() => assertValidId(id, "batch_id")).toThrow(InputError);
    }
    expect(() => datasetKeys("trajectories", "a/b")).toThrowErrorMatchingInlineSnapshot(
      `[InputError: Invalid id "a/b": use 1-128 characters from A-Z a-z 0-9 '_' '-', starting with a letter or digit.]`,
    );
  });

  it("rejects shard indexes that do not fit five digits", () => {
    for (const index of [-1, 1.5, 100000, Number.NaN]) {
      expect(() => formatShardIndex(index)).toThrow(/integer from 0 to 99999/);
    }
  });
});

describe("parseShardKey", () => {
  it("reads kind, id, index and compression back from a shard key", () => {
    expect(parseShardKey(datasetKeys("tasks", "b7").shard(42, { gzip: true }))).toStrictEqual({
      kind: "tasks",
      id: "b7",
      index: 42,
      gzip: true,
    });
    expect(parseShardKey("datasets/x/shards/00001.jsonl")).toStrictEqual({
      kind: "trajectories",
      id: "x",
      index: 1,
      gzip: false,
    });
  });

  it("returns null when the key is not a shard key", () => {
    for (const key of ["datasets/x/manifest.json", "datasets/x/shards/1.jsonl", "other/x/shards/00001.jsonl"]) {
      expect(parseShardKey(key)).toBeNull();
    }
  });
});

describe("batchSpecKey", () => {
  it("puts specs under batches/ and parses them back", () => {
    expect(batchSpecKey("nightly-1")).toBe("batches/nightly-1.yaml");
    expect(batchSpecKey("nightly-1", "json")).toBe("batches/nightly-1.json");
    expect(parseBatchSpecKey("batches/nightly-1.yml")).toStrictEqual({ id: "nightly-1", format: "yaml" });
    expect(parseBatchSpecKey("batches/nightly-1.json")).toStrictEqual({ id: "nightly-1", format: "json" });
  });

  it("returns null for keys that are not batch specs", () => {
    for (const key of ["batches/sub/x.yaml", "batches/x.txt", "datasets/x.yaml", "batches/.yaml"]) {
      expect(parseBatchSpecKey(key)).toBeNull();
    }
  });
});
