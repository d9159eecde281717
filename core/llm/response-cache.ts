import { createHash } from "node:crypto";
import type { ObjectStore } from "../storage/object-store.ts";
import type { FinishReason, GenerateResult } from "./language-model.ts";

// Model replies, content-addressed: the key hashes the provider, the exact request body (model, messages, sampling)
// and the task's seed and index, so a rerun, a resumed run or a resubmitted batch finds every reply it already paid
// for. Seed and index are in the key because two tasks may send the same prompt and must still get their own reply.

export interface ResponseCache {
  get(key: string): Promise<GenerateResult | null>;
  put(key: string, result: GenerateResult): Promise<void>;
}

export interface TaskRef {
  seed: number;
  index: number;
}

/** Stored per reply; `v` lets a later layout tell old entries apart. */
interface CacheEntry {
  v: 1;
  text: string;
  finishReason: FinishReason;
  usage: { inputTokens: number; outputTokens: number };
}

/**
 * The cache key (64 hex characters, also valid as a Batch API custom_id).
 * @example
 * const key = responseCacheKey("openai", model.requestBody(request), { seed: 42, index: 7 });
 */
export function responseCacheKey(provider: string, body: Record<string, unknown>, task: TaskRef): string {
  return createHash("sha256")
    .update(JSON.stringify([provider, body, task.seed, task.index]))
    .digest("hex");
}

/**
 * A cache in an object store (files locally, S3 deployed): `{prefix}{key[0..2]}/{key}.json`.
 * @example
 * const cache = createResponseCache(createObjectStore({ driver: "fs", baseDir: "out/cache" }));
 */
export function createResponseCache(store: ObjectStore, prefix = "responses/"): ResponseCache {
  const keyOf = (key: string): string => `${prefix}${key.slice(0, 2)}/${key}.json`;
  return {
    async get(key) {
      const bytes = await store.get(keyOf(key));
      if (bytes === null) return null;
      const entry = JSON.parse(Buffer.from(bytes).toString("utf8")) as CacheEntry;
      return { text: entry.text, finishReason: entry.finishReason, usage: entry.usage };
    },
    async put(key, result) {
      const entry: CacheEntry = { v: 1, text: result.text, finishReason: result.finishReason, usage: result.usage };
      await store.put(keyOf(key), JSON.stringify(entry), { contentType: "application/json" });
    },
  };
}
