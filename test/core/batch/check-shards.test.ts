import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkShards, describeShardCheck } from "../../../core/batch/check-shards.ts";
import { createMemoryObjectStore } from "../../../core/storage/drivers/memory.ts";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const expected = (index: number, text: string) => ({
  index,
  key: `shards/0000${index}.jsonl`,
  bytes: Buffer.byteLength(text),
  sha256: sha(text),
});

describe("checkShards", () => {
  it("finds missing, truncated and altered shards and passes the intact one", async () => {
    const store = createMemoryObjectStore();
    const shards = [expected(0, "a\nb\n"), expected(1, "c\nd\n"), expected(2, "e\nf\n"), expected(3, "g\nh\n")];
    await store.put("datasets/x/shards/00000.jsonl", "a\nb\n");
    await store.put("datasets/x/shards/00002.jsonl", "e\n"); // truncated
    await store.put("datasets/x/shards/00003.jsonl", "g\nH\n"); // same size, other bytes

    const checks = await checkShards(store, "datasets/x/", shards);

    expect(checks.map((check) => [check.index, check.problem])).toStrictEqual([
      [0, null],
      [1, "missing"],
      [2, "size_mismatch"],
      [3, "sha256_mismatch"],
    ]);
    expect(checks[2]?.actual).toStrictEqual({ bytes: 2 });
    expect(checks[3]?.actual).toStrictEqual({ bytes: 4, sha256: sha("g\nH\n") });
    expect(describeShardCheck(checks[2]!)).toBe(
      "shards/00002.jsonl: 2 bytes, the manifest says 4 (truncated or overwritten)",
    );
    expect(describeShardCheck(checks[1]!, "its record")).toBe("shards/00001.jsonl: missing (its record lists 4 bytes)");
  });

  it("checks sizes only when sha256 is off, so same-size changes pass", async () => {
    const store = createMemoryObjectStore();
    await store.put("shards/00003.jsonl", "g\nH\n");

    const [check] = await checkShards(store, "", [expected(3, "g\nh\n")], { sha256: false });

    expect(check).toMatchObject({ problem: null, actual: { bytes: 4 } });
  });
});
