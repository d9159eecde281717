import { ConfigError } from "../errors.ts";
import { parseBatchSpecKey } from "../storage/keys.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { apiIssuesOf } from "./issues.ts";
import { type BatchLimits, DEFAULT_BATCH_LIMITS } from "./plan-batch.ts";
import { parseBatchSpecText } from "./spec.ts";
import { registerBatch } from "./submit.ts";

export type UploadOutcome =
  | { status: "ignored"; key: string }
  | { status: "started"; key: string; id: string; resultKey: string }
  | { status: "rejected"; key: string; resultKey: string; message: string };

/** Where the outcome of an uploaded spec is written: beside it, so the uploader finds the batch id (or the problems). */
export function uploadResultKey(specKey: string): string {
  return specKey.replace(/\.(ya?ml|json)$/, ".result.json");
}

/**
 * Starts the batch an uploaded spec (`batches/{name}.yaml|.yml|.json`) describes, by registering it (deployed, the
 * registration notifies the fan-out). Writes `batches/{name}.result.json` with the batch id, or with every problem
 * when the spec is invalid; a bad spec is the uploader's mistake, not a reason to retry, so it does not throw.
 * Other keys under batches/ (such as those result files) are ignored.
 */
export async function startBatchFromUpload(
  store: ObjectStore,
  key: string,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): Promise<UploadOutcome> {
  const parsed = parseBatchSpecKey(key);
  if (parsed === null) return { status: "ignored", key };
  const bytes = await store.get(key);
  if (bytes === null) return { status: "ignored", key };
  const resultKey = uploadResultKey(key);
  try {
    const spec = parseBatchSpecText(Buffer.from(bytes).toString("utf8"), key);
    const { id } = await registerBatch(store, spec, limits);
    await writeResult(store, resultKey, { id, source: key, status_url: `/v1/batches/${id}` });
    return { status: "started", key, id, resultKey };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    await writeResult(store, resultKey, {
      source: key,
      error: { code: error.code, message: error.message, issues: apiIssuesOf(error.issues) },
    });
    return { status: "rejected", key, resultKey, message: error.message };
  }
}

async function writeResult(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, `${JSON.stringify(value, null, 2)}\n`, { contentType: "application/json" });
}
