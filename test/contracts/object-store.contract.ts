import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { StorageError } from "../../core/errors.ts";
import type { ObjectStore } from "../../core/storage/object-store.ts";

/** Keys every driver must refuse, with why. */
export const INVALID_KEYS: ReadonlyArray<string> = [
  "",
  "/etc/passwd",
  "../outside",
  "datasets/../../outside",
  "datasets/./a",
  "datasets//a",
  "datasets/a/",
  "datasets\\a",
  "datasets/a\u0000b",
  "datasets/a\nb",
  "datasets/.~temp",
  "x".repeat(1025),
];

/** A deterministic body of `size` bytes delivered in `chunkSize` chunks, never held whole. */
export async function* generatedBody(size: number, chunkSize = 64 * 1024): AsyncIterable<Uint8Array> {
  let sent = 0;
  let counter = 0;
  while (sent < size) {
    const length = Math.min(chunkSize, size - sent);
    const chunk = new Uint8Array(length);
    for (let i = 0; i < length; i++) chunk[i] = (counter * 31 + i * 7) & 0xff;
    counter += 1;
    sent += length;
    yield chunk;
  }
}

export async function sha256Of(source: Uint8Array | AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash("sha256");
  if (source instanceof Uint8Array) return hash.update(source).digest("hex");
  for await (const chunk of source) hash.update(chunk);
  return hash.digest("hex");
}

const text = (bytes: Uint8Array | null): string | null => (bytes === null ? null : new TextDecoder().decode(bytes));

async function listAll(store: ObjectStore, prefix: string, limit: number): Promise<{ pages: string[][] }> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list(prefix, cursor === undefined ? { limit } : { cursor, limit });
    pages.push(page.keys.map((info) => info.key));
    cursor = page.cursor;
  } while (cursor !== undefined && pages.length < 100);
  return { pages };
}

/**
 * The behaviour every ObjectStore driver must share. `factory` gives a fresh, empty store for each test.
 *
 * @example
 * testObjectStore("memory", () => createMemoryObjectStore());
 */
export function testObjectStore(name: string, factory: () => ObjectStore | Promise<ObjectStore>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    it("returns the bytes it stored when a string or byte array is put", async () => {
      const store = await factory();
      await store.put("datasets/a/README.md", "# Dataset a\n", { contentType: "text/markdown" });
      await store.put("datasets/a/raw.bin", new Uint8Array([0, 1, 2, 255]));

      expect(text(await store.get("datasets/a/README.md"))).toBe("# Dataset a\n");
      expect(Array.from((await store.get("datasets/a/raw.bin")) ?? [])).toStrictEqual([0, 1, 2, 255]);
      expect(await store.head("datasets/a/raw.bin")).toMatchObject({ key: "datasets/a/raw.bin", size: 4 });
    });

    it("replaces the object when put twice", async () => {
      const store = await factory();
      await store.put("datasets/a/manifest.json", "first");
      await store.put("datasets/a/manifest.json", "second, longer");

      expect(text(await store.get("datasets/a/manifest.json"))).toBe("second, longer");
      expect((await store.head("datasets/a/manifest.json"))?.size).toBe(14);
    });

    it("returns null when the key is missing", async () => {
      const store = await factory();
      await store.put("datasets/a/manifest.json", "{}");

      expect(await store.get("datasets/missing/manifest.json")).toBeNull();
      expect(await store.getStream("datasets/missing/manifest.json")).toBeNull();
      expect(await store.head("datasets/missing/manifest.json")).toBeNull();
      // A folder-like prefix of an existing key is not an object either.
      expect(await store.get("datasets/a")).toBeNull();
      expect(await store.head("datasets/a")).toBeNull();
    });

    it("writes only the first of two create-only puts when the key is written twice", async () => {
      const store = await factory();
      const first = await store.putIfAbsent("datasets/a/shards/00000.jsonl", '{"n":1}\n');
      const second = await store.putIfAbsent("datasets/a/shards/00000.jsonl", '{"n":2}\n');

      expect([first, second]).toStrictEqual([true, false]);
      expect(text(await store.get("datasets/a/shards/00000.jsonl"))).toBe('{"n":1}\n');
    });

    it("lets exactly one of several racing create-only puts win", async () => {
      const store = await factory();
      const bodies = Array.from({ length: 6 }, (_, i) => `writer ${i}\n`);
      const results = await Promise.all(
        bodies.map((body) => store.putIfAbsent("datasets/race/shards/00000.jsonl", body)),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = bodies[results.indexOf(true)];
      expect(text(await store.get("datasets/race/shards/00000.jsonl"))).toBe(winner);
    });

    it("streams a body of several MiB in and out unchanged", async () => {
      const store = await factory();
      const size = 6 * 1024 * 1024 + 12_345;
      const expected = await sha256Of(generatedBody(size));

      await store.put("datasets/big/shards/00000.jsonl", generatedBody(size));

      expect((await store.head("datasets/big/shards/00000.jsonl"))?.size).toBe(size);
      expect(await sha256Of((await store.get("datasets/big/shards/00000.jsonl"))!)).toBe(expected);
      expect(await sha256Of((await store.getStream("datasets/big/shards/00000.jsonl"))!)).toBe(expected);
    });

    it("refuses a streamed create-only put when the key already exists", async () => {
      const store = await factory();
      const size = 5 * 1024 * 1024 + 1;
      const expected = await sha256Of(generatedBody(size));

      expect(await store.putIfAbsent("datasets/big/shards/00001.jsonl", generatedBody(size))).toBe(true);
      expect(await store.putIfAbsent("datasets/big/shards/00001.jsonl", generatedBody(size, 1000))).toBe(false);
      expect(await sha256Of((await store.get("datasets/big/shards/00001.jsonl"))!)).toBe(expected);
    });

    it("keeps gzip bytes as written when the content encoding is gzip", async () => {
      const store = await factory();
      const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ i, text: "repeated text" })).join("\n");
      const gzipped = gzipSync(lines);

      await store.put("datasets/a/shards/00000.jsonl.gz", gzipped, {
        contentType: "application/x-ndjson",
        contentEncoding: "gzip",
      });

      const stored = (await store.get("datasets/a/shards/00000.jsonl.gz"))!;
      expect(Buffer.from(stored).equals(gzipped)).toBe(true);
      expect(gunzipSync(stored).toString("utf8")).toBe(lines);
    });

    it("lists keys under a prefix in lexicographic order, page by page", async () => {
      const store = await factory();
      const inside = [4, 0, 9, 2, 10, 1, 3].map((n) => `datasets/p/shards/${String(n).padStart(5, "0")}.jsonl`);
      for (const key of inside) await store.put(key, key);
      await store.put("datasets/p/manifest.json", "{}");
      await store.put("datasets/p-other/shards/00000.jsonl", "x");
      await store.put("datasets/q/shards/00000.jsonl", "x");

      const { pages } = await listAll(store, "datasets/p/shards/", 3);

      expect(pages.map((page) => page.length)).toStrictEqual([3, 3, 1]);
      expect(pages.flat()).toStrictEqual([...inside].sort());
      const first = await store.list("datasets/p/shards/", { limit: 3 });
      expect(first.keys[0]).toMatchObject({ key: "datasets/p/shards/00000.jsonl", size: 29 });
    });

    it("lists nested keys and partial-segment prefixes like S3 does", async () => {
      const store = await factory();
      for (const key of [
        "datasets/p/manifest.json",
        "datasets/p/shards/00000.jsonl",
        "datasets/p-other/x",
        "task-batches/t/README.md",
      ]) {
        await store.put(key, "x");
      }

      const keysOf = async (prefix: string) => (await store.list(prefix)).keys.map((info) => info.key);

      expect(await keysOf("datasets/p")).toStrictEqual([
        "datasets/p-other/x",
        "datasets/p/manifest.json",
        "datasets/p/shards/00000.jsonl",
      ]);
      expect(await keysOf("")).toHaveLength(4);
      expect(await keysOf("datasets/none/")).toStrictEqual([]);
      expect((await store.list("datasets/p/")).cursor).toBeUndefined();
    });

    it("deletes an object and ignores a delete of a missing key", async () => {
      const store = await factory();
      await store.put("datasets/a/manifest.json", "{}");

      await store.delete("datasets/a/manifest.json");
      await store.delete("datasets/a/manifest.json");

      expect(await store.get("datasets/a/manifest.json")).toBeNull();
      expect((await store.list("datasets/a/")).keys).toStrictEqual([]);
    });

    it("rejects every invalid key with a StorageError naming the driver and the rules", async () => {
      const store = await factory();
      for (const key of INVALID_KEYS) {
        for (const attempt of [
          () => store.put(key, "x"),
          () => store.putIfAbsent(key, "x"),
          () => store.get(key),
          () => store.head(key),
          () => store.delete(key),
        ]) {
          const error = await attempt().then(
            () => null,
            (caught: unknown) => caught,
          );
          expect(error, `key ${JSON.stringify(key)}`).toBeInstanceOf(StorageError);
          expect((error as StorageError).driver).toBe(store.driver);
          expect((error as StorageError).message).toContain("Keys are relative");
        }
      }
      await expect(store.list("../")).rejects.toBeInstanceOf(StorageError);
      await expect(store.list("", { limit: 0 })).rejects.toThrow(/integer from 1 to 1000/);
    });
  });
}
