import { describe, expect, it } from "vitest";
import { createMemoryObjectStore } from "../../../core/storage/drivers/memory.ts";
import { listAll } from "../../../core/storage/list-all.ts";

describe("listAll", () => {
  it("yields every key under the prefix across pages in key order", async () => {
    const store = createMemoryObjectStore();
    const keys = Array.from({ length: 7 }, (_, i) => `datasets/a/shards/${String(i).padStart(5, "0")}.jsonl`);
    for (const key of [...keys].reverse()) await store.put(key, "x");
    await store.put("datasets/b/manifest.json", "{}");

    const listed: string[] = [];
    for await (const info of listAll(store, "datasets/a/", 3)) listed.push(info.key);

    expect(listed).toStrictEqual(keys);
  });
});
