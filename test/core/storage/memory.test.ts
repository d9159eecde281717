import { describe, expect, it } from "vitest";
import { createMemoryObjectStore } from "../../../core/storage/drivers/memory.ts";
import { testObjectStore } from "../../contracts/object-store.contract.ts";

testObjectStore("memory", () => createMemoryObjectStore());

describe("createMemoryObjectStore", () => {
  it("keeps stored bytes unchanged when the caller mutates its buffers", async () => {
    const store = createMemoryObjectStore();
    const body = new Uint8Array([1, 2, 3]);
    await store.put("datasets/a/raw.bin", body);
    body[0] = 9;
    const read = (await store.get("datasets/a/raw.bin"))!;
    read[1] = 9;

    expect(Array.from((await store.get("datasets/a/raw.bin"))!)).toStrictEqual([1, 2, 3]);
  });
});
