import type { ObjectInfo, ObjectStore } from "./object-store.ts";

/**
 * Every object under `prefix`, in key order, fetched page by page (so huge listings are never held whole).
 *
 * @example
 * for await (const info of listAll(store, keys.shardsPrefix)) total += info.size;
 */
export async function* listAll(store: ObjectStore, prefix: string, pageSize = 1000): AsyncIterable<ObjectInfo> {
  let cursor: string | undefined;
  do {
    const page = await store.list(prefix, cursor === undefined ? { limit: pageSize } : { cursor, limit: pageSize });
    yield* page.keys;
    cursor = page.cursor;
  } while (cursor !== undefined);
}
