import { mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { StorageError } from "../../../core/errors.ts";
import { createFsObjectStore } from "../../../core/storage/drivers/fs.ts";
import { testObjectStore } from "../../contracts/object-store.contract.ts";

const roots: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "agentsynth-fs-store-"));
  roots.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true })));
});

testObjectStore("fs", async () => createFsObjectStore({ baseDir: await freshDir() }));

describe("createFsObjectStore", () => {
  it("stores each object as a plain file under baseDir", async () => {
    const baseDir = await freshDir();
    const store = createFsObjectStore({ baseDir });

    await store.put("datasets/a/shards/00000.jsonl", "line\n");

    expect(await readdir(path.join(baseDir, "datasets", "a", "shards"))).toStrictEqual(["00000.jsonl"]);
  });

  it("shows no partial object under the final key while a streamed put is in progress", async () => {
    const baseDir = await freshDir();
    const store = createFsObjectStore({ baseDir });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstChunkSent: () => void = () => undefined;
    const firstChunk = new Promise<void>((resolve) => {
      firstChunkSent = resolve;
    });
    async function* slowBody(): AsyncIterable<Uint8Array> {
      yield new TextEncoder().encode("first half,");
      firstChunkSent();
      await gate;
      yield new TextEncoder().encode(" second half");
    }

    const writing = store.put("datasets/a/manifest.json", slowBody());
    await firstChunk;

    expect(await store.head("datasets/a/manifest.json")).toBeNull();
    expect((await store.list("datasets/a/")).keys).toStrictEqual([]);
    release();
    await writing;
    expect(new TextDecoder().decode((await store.get("datasets/a/manifest.json"))!)).toBe("first half, second half");
    expect(await readdir(path.join(baseDir, "datasets", "a"))).toStrictEqual(["manifest.json"]);
  });

  it("removes its temp file and keeps the old object when the body stream fails", async () => {
    const baseDir = await freshDir();
    const store = createFsObjectStore({ baseDir });
    await store.put("datasets/a/manifest.json", "old");
    async function* failingBody(): AsyncIterable<Uint8Array> {
      yield new TextEncoder().encode("new, partial");
      throw new Error("generator crashed");
    }

    await expect(store.put("datasets/a/manifest.json", failingBody())).rejects.toThrow("generator crashed");

    expect(new TextDecoder().decode((await store.get("datasets/a/manifest.json"))!)).toBe("old");
    expect(await readdir(path.join(baseDir, "datasets", "a"))).toStrictEqual(["manifest.json"]);
  });

  it("refuses keys that would escape the root", async () => {
    const baseDir = await freshDir();
    const store = createFsObjectStore({ baseDir: path.join(baseDir, "inner") });

    await expect(store.put("../escaped", "x")).rejects.toBeInstanceOf(StorageError);
    await expect(store.put("a/../../escaped", "x")).rejects.toThrow(/'\.\.' segment/);
    await expect(store.put(path.join(baseDir, "absolute"), "x")).rejects.toThrow(/absolute/);
    expect(await readdir(baseDir)).toStrictEqual([]);
  });

  it("skips files on disk whose names are not valid keys when listing", async () => {
    const baseDir = await freshDir();
    const store = createFsObjectStore({ baseDir });
    await store.put("datasets/a/manifest.json", "{}");
    await writeFile(path.join(baseDir, "datasets", "a", ".~leftover.tmp"), "partial");
    await writeFile(path.join(baseDir, "datasets", "a", "back\\slash"), "x");

    expect((await store.list("datasets/")).keys.map((info) => info.key)).toStrictEqual(["datasets/a/manifest.json"]);
  });

  it("lets exactly one of many racing create-only puts win on disk", async () => {
    const store = createFsObjectStore({ baseDir: await freshDir() });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => store.putIfAbsent("datasets/race/shards/00001.jsonl", `writer ${i}`)),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
    expect(new TextDecoder().decode((await store.get("datasets/race/shards/00001.jsonl"))!)).toBe(
      `writer ${results.indexOf(true)}`,
    );
  });

  it("reports a clear StorageError when the base directory is a file", async () => {
    const baseDir = await freshDir();
    const notADir = path.join(baseDir, "data");
    await writeFile(notADir, "I am a file");
    const store = createFsObjectStore({ baseDir: notADir });

    const error = await store.put("datasets/a/manifest.json", "{}").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).key).toBe("datasets/a/manifest.json");
    expect((error as StorageError).message).toMatchInlineSnapshot(
      `"[storage] [fs] Creating the folder for "datasets/a/manifest.json" failed: a parent folder of the key is an existing file (or the base directory is a file): use another key or base directory."`,
    );
  });

  it("reports a clear StorageError when a key names a folder of other objects", async () => {
    const store = createFsObjectStore({ baseDir: await freshDir() });
    await store.put("datasets/a/shards/00000.jsonl", "x");

    await expect(store.put("datasets/a/shards", "x")).rejects.toThrow(/names a folder that holds other objects/);
    await expect(store.putIfAbsent("datasets/a/shards", "x")).rejects.toThrow(/names a folder/);
  });

  it("refuses to read, write or delete through a symlinked folder that points outside the root", async () => {
    const baseDir = await freshDir();
    const outside = await freshDir();
    await writeFile(path.join(outside, "secret.txt"), "secret");
    await symlink(outside, path.join(baseDir, "linked"));
    const store = createFsObjectStore({ baseDir });

    for (const attempt of [
      () => store.get("linked/secret.txt"),
      () => store.head("linked/secret.txt"),
      () => store.delete("linked/secret.txt"),
      () => store.put("linked/planted.txt", "x"),
      () => store.putIfAbsent("linked/planted.txt", "x"),
    ]) {
      await expect(attempt()).rejects.toThrow(/leads outside the store root .* through a symbolic link/);
    }
    expect((await readdir(outside)).sort()).toStrictEqual(["secret.txt"]);
  });

  it("treats a symlinked file as no object", async () => {
    const baseDir = await freshDir();
    const outside = await freshDir();
    await writeFile(path.join(outside, "secret.txt"), "secret");
    await symlink(path.join(outside, "secret.txt"), path.join(baseDir, "alias.txt"));
    const store = createFsObjectStore({ baseDir });

    expect(await store.get("alias.txt")).toBeNull();
    expect(await store.getStream("alias.txt")).toBeNull();
    expect(await store.head("alias.txt")).toBeNull();
  });

  it("lists nothing through a symlinked folder that points outside the root", async () => {
    const baseDir = await freshDir();
    const outside = await freshDir();
    await writeFile(path.join(outside, "secret.txt"), "secret");
    await symlink(outside, path.join(baseDir, "linked"));
    const store = createFsObjectStore({ baseDir });

    expect((await store.list("")).keys).toStrictEqual([]);
  });

  it("requires baseDir", () => {
    expect(() => createFsObjectStore({ baseDir: "" })).toThrow("[storage] [fs] Missing required option `baseDir`");
  });
  it("removes the temp files of interrupted writes under a prefix, and only those", async () => {
    const baseDir = await freshDir();
    const store = createFsObjectStore({ baseDir });
    await store.put("d/shards/00000.jsonl", "kept\n");
    await store.put("e/shards/00000.jsonl", "other dataset\n");
    const shards = path.join(baseDir, "d", "shards");
    // What a writer killed mid-put leaves: a temp file named after its key.
    await writeFile(path.join(shards, ".~00001.jsonl.0123456789abcdef.tmp"), "partial");
    await writeFile(path.join(shards, ".~00002.jsonl.fedcba9876543210.tmp"), "partial");
    await writeFile(path.join(baseDir, "e", "shards", ".~00001.jsonl.00000000000000aa.tmp"), "partial");

    expect(await store.removeTemps?.("d/shards/00001.jsonl")).toBe(1);
    expect((await readdir(shards)).sort()).toStrictEqual([".~00002.jsonl.fedcba9876543210.tmp", "00000.jsonl"]);
    expect(await store.removeTemps?.("d/")).toBe(1);
    expect(await readdir(shards)).toStrictEqual(["00000.jsonl"]);
    expect(await readdir(path.join(baseDir, "e", "shards"))).toHaveLength(2);
    expect(await store.removeTemps?.("")).toBe(1);
    expect(await store.removeTemps?.("missing/")).toBe(0);
    expect(await store.get("e/shards/00000.jsonl")).not.toBeNull();
  });

  it("fails, instead of hanging, when the base directory cannot be created", async () => {
    const store = createFsObjectStore({ baseDir: "/proc/agentsynth-cannot-exist" });

    const error = await store.put("a/b.txt", "x").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).message).toMatch(/Creating the folder for "a\/b.txt" failed/);
  });
});
