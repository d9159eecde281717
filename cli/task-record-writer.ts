import { open, rename, writeFile } from "node:fs/promises";
import { serializeTaskRecord, type TaskResult } from "../core/tasks/index.ts";

/** Finished tasks are on disk within this long of finishing, or this many tasks, whichever comes first. */
const SYNC_INTERVAL_MS = 2_000;
const SYNC_EVERY_RECORDS = 50;

export interface TaskRecordWriter {
  append(result: TaskResult): void;
  /** Flushes, syncs and rewrites the file in index order (so the same run gives the same bytes). */
  close(): Promise<void>;
}

/**
 * Appends each finished task to `path` as it finishes (fsync at intervals), so a crash or a kill loses no paid task;
 * on close the file is rewritten in index order. The file is truncated at start: a rerun rewrites it from the cache.
 */
export async function createTaskRecordWriter(path: string): Promise<TaskRecordWriter> {
  const handle = await open(path, "w");
  const lines = new Map<number, string>();
  let chain: Promise<unknown> = Promise.resolve();
  let unsynced = 0;
  let lastSync = performance.now();
  const timer = setInterval(() => {
    if (unsynced > 0) chain = chain.then(sync);
  }, SYNC_INTERVAL_MS);
  timer.unref();
  async function sync(): Promise<void> {
    unsynced = 0;
    lastSync = performance.now();
    await handle.datasync();
  }
  return {
    append(result) {
      const line = `${serializeTaskRecord(result)}\n`;
      lines.set(result.index, line);
      unsynced++;
      chain = chain.then(() => handle.appendFile(line));
      if (unsynced >= SYNC_EVERY_RECORDS || performance.now() - lastSync >= SYNC_INTERVAL_MS) chain = chain.then(sync);
    },
    async close() {
      clearInterval(timer);
      await chain;
      await handle.datasync();
      await handle.close();
      const ordered = [...lines.entries()].sort(([a], [b]) => a - b).map(([, line]) => line);
      await writeFile(`${path}.tmp`, ordered.join(""));
      await rename(`${path}.tmp`, path);
    },
  };
}
