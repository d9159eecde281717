import { randomBytes } from "node:crypto";
import type { Dirent, Stats } from "node:fs";
import { constants } from "node:fs";
import { type FileHandle, link, lstat, mkdir, open, readdir, realpath, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { StorageError } from "../../errors.ts";
import { bodyChunks } from "../body.ts";
import type { Body, ListPage, ObjectInfo, ObjectStore, PutOptions } from "../object-store.ts";
import {
  assertValidKey,
  assertValidPrefix,
  keyProblem,
  normalizeListLimit,
  TEMP_SEGMENT_PREFIX,
} from "../validate-key.ts";
import { errnoOf, fsStorageError } from "./fs-errors.ts";

export interface FsObjectStoreOptions {
  /** Root folder; keys map to files below it. Created on first write. */
  baseDir: string;
  /** Flush each object to disk before it becomes visible (default true). Off trades crash safety for speed. */
  fsync?: boolean;
}

/** Errnos that mean "nothing there" when reading: missing file, or a parent that is a file. */
const MISSING = new Set(["ENOENT", "ENOTDIR"]);

/**
 * The embedded default store: one file per object under `baseDir`. Writes go to a temp file in the target folder and
 * are renamed into place, so a reader never sees a half-written object; create-only writes use link(2), which fails
 * when the key exists, so two racing writers cannot both win. Content type and encoding are not kept (bytes are).
 *
 * @example
 * const store = createFsObjectStore({ baseDir: "./data" });
 * await store.put("datasets/a/shards/00000.jsonl", lines);
 */
export function createFsObjectStore(options: FsObjectStoreOptions): ObjectStore {
  if (typeof options?.baseDir !== "string" || options.baseDir.trim() === "") {
    throw new StorageError("fs", undefined, "Missing required option `baseDir`: pass the folder to keep objects in.");
  }
  const root = path.resolve(options.baseDir);
  const fsync = options.fsync ?? true;

  const pathOf = (key: string): string => {
    assertValidKey("fs", key);
    const full = path.resolve(root, ...key.split("/"));
    // Defence in depth: validation already forbids '..', this catches anything path.resolve still lets out.
    if (!full.startsWith(root + path.sep)) {
      throw new StorageError("fs", key, `Key ${JSON.stringify(key)} resolves outside the store root ${root}.`);
    }
    return full;
  };

  let realRoot: string | undefined;
  /**
   * Whether the folder that would hold `target` exists, after checking that it does not lead outside the root
   * through a symbolic link (keys cannot spell an escape, but a link placed in the folder tree could).
   */
  const folderInsideRoot = async (key: string, target: string): Promise<boolean> => {
    let folder: string;
    try {
      realRoot ??= await realpath(root);
      folder = await realpath(path.dirname(target));
    } catch (error) {
      const code = errnoOf(error);
      if (code !== undefined && MISSING.has(code)) return false;
      throw fsStorageError("Resolving", key, root, error);
    }
    if (folder !== realRoot && !folder.startsWith(realRoot + path.sep)) {
      throw new StorageError(
        "fs",
        key,
        `Key ${JSON.stringify(key)} leads outside the store root ${root} through a symbolic link: remove the link or use another key.`,
      );
    }
    return true;
  };

  /** Writes the body to a fresh temp file beside `target` and returns its path; removes it on failure. */
  const writeTemp = async (key: string, target: string, body: Body): Promise<string> => {
    const dir = path.dirname(target);
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw fsStorageError("Creating the folder for", key, root, error);
    }
    await folderInsideRoot(key, target);
    const temp = path.join(dir, `${TEMP_SEGMENT_PREFIX}${randomBytes(8).toString("hex")}.tmp`);
    let handle: FileHandle | undefined;
    try {
      handle = await open(temp, "wx");
      // FileHandle.writeFile consumes async iterables chunk by chunk, honouring back-pressure.
      await handle.writeFile(bodyChunks(body));
      if (fsync) await handle.datasync();
      await handle.close();
      handle = undefined;
      return temp;
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      if (error instanceof StorageError) throw error;
      if (errnoOf(error) === undefined) throw error;
      throw fsStorageError("Writing", key, root, error);
    }
  };

  /** Opens the object for reading, or null when there is none: missing, a folder, or a symbolic link (not ours). */
  const openForReading = async (key: string): Promise<FileHandle | null> => {
    const target = pathOf(key);
    if (!(await folderInsideRoot(key, target))) return null;
    let handle: FileHandle;
    try {
      handle = await open(target, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      const code = errnoOf(error);
      if (code !== undefined && (MISSING.has(code) || code === "ELOOP")) return null;
      throw fsStorageError("Reading", key, root, error);
    }
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      return null;
    }
    return handle;
  };

  return {
    driver: "fs",

    async put(key: string, body: Body, _options?: PutOptions): Promise<void> {
      const target = pathOf(key);
      const temp = await writeTemp(key, target, body);
      try {
        await rename(temp, target);
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw fsStorageError("Writing", key, root, error);
      }
    },

    async putIfAbsent(key: string, body: Body, _options?: PutOptions): Promise<boolean> {
      const target = pathOf(key);
      // Cheap early exit for the common redelivery case; the link below is what makes it race-safe.
      if (await occupied(key, target)) return false;
      const temp = await writeTemp(key, target, body);
      try {
        await link(temp, target);
        return true;
      } catch (error) {
        if (errnoOf(error) !== "EEXIST") throw fsStorageError("Writing", key, root, error);
        await occupied(key, target);
        return false;
      } finally {
        await unlink(temp).catch(() => undefined);
      }
    },

    async get(key: string): Promise<Uint8Array | null> {
      const handle = await openForReading(key);
      if (handle === null) return null;
      try {
        const buffer = await handle.readFile();
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      } catch (error) {
        throw fsStorageError("Reading", key, root, error);
      } finally {
        await handle.close();
      }
    },

    async getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
      const handle = await openForReading(key);
      return handle === null ? null : handle.createReadStream();
    },

    async head(key: string): Promise<ObjectInfo | null> {
      const target = pathOf(key);
      if (!(await folderInsideRoot(key, target))) return null;
      try {
        const info = await lstat(target);
        if (!info.isFile()) return null;
        return { key, size: info.size, etag: etagOf(info), modified: info.mtimeMs };
      } catch (error) {
        const code = errnoOf(error);
        if (code !== undefined && MISSING.has(code)) return null;
        throw fsStorageError("Reading", key, root, error);
      }
    },

    async list(prefix: string, listOptions: { cursor?: string; limit?: number } = {}): Promise<ListPage> {
      assertValidPrefix("fs", prefix);
      const limit = normalizeListLimit("fs", listOptions.limit);
      const slash = prefix.lastIndexOf("/");
      const folderKey = slash === -1 ? "" : prefix.slice(0, slash + 1);
      const startDir = folderKey === "" ? root : path.join(root, ...folderKey.slice(0, -1).split("/"));
      const found: string[] = [];
      await walk(root, startDir, folderKey, prefix, found);
      const after = listOptions.cursor;
      const matching = found.filter((key) => after === undefined || key > after).sort();
      const pageKeys = matching.slice(0, limit);
      const page: ObjectInfo[] = [];
      for (const key of pageKeys) {
        const info = await lstat(path.join(root, ...key.split("/"))).catch(() => null);
        // A file deleted between the walk and this stat is simply no longer listed.
        if (info?.isFile()) page.push({ key, size: info.size, etag: etagOf(info), modified: info.mtimeMs });
      }
      const last = pageKeys.at(-1);
      return matching.length > limit && last ? { keys: page, cursor: last } : { keys: page };
    },

    async delete(key: string): Promise<void> {
      const target = pathOf(key);
      if (!(await folderInsideRoot(key, target))) return;
      try {
        await unlink(target);
      } catch (error) {
        const code = errnoOf(error);
        // Deleting what is not there (or a folder, which is not an object) is a no-op, as on S3.
        if (code !== undefined && (MISSING.has(code) || code === "EISDIR")) return;
        throw fsStorageError("Deleting", key, root, error);
      }
    },
  };
}

/** Size and mtime: changes whenever the file is replaced, which is all callers compare it for. */
function etagOf(info: Stats): string {
  return `"${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`;
}

/** True when an object exists at `target`; throws when a folder of other objects sits there instead. */
async function occupied(key: string, target: string): Promise<boolean> {
  const existing = await lstat(target).catch(() => null);
  if (existing?.isDirectory()) {
    throw new StorageError(
      "fs",
      key,
      `Writing ${JSON.stringify(key)} failed: the key names a folder that holds other objects: use another key.`,
    );
  }
  return existing !== null;
}

/** Collects files below `dir` whose key starts with `prefix`, descending only into folders that can match. */
async function walk(root: string, dir: string, keyPrefix: string, prefix: string, out: string[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = errnoOf(error);
    if (code !== undefined && MISSING.has(code)) return;
    throw fsStorageError("Listing", prefix, root, error);
  }
  for (const entry of entries) {
    const key = keyPrefix + entry.name;
    if (entry.isDirectory()) {
      const folder = `${key}/`;
      if (folder.startsWith(prefix) || prefix.startsWith(folder)) {
        await walk(root, path.join(dir, entry.name), folder, prefix, out);
      }
    } else if (entry.isFile() && key.startsWith(prefix) && keyProblem(key) === null) {
      out.push(key);
    }
  }
}
