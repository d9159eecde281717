import { type DatasetKeys, datasetKeys } from "../storage/keys.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { batchKindOf } from "./batch-id.ts";
import { readRecord } from "./records.ts";
import { type BatchSpec, BatchSpecSchema } from "./spec.ts";

/** Keys of a batch's dataset; the root (datasets/ or task-batches/) follows from the kind encoded in the id. */
export function batchKeys(batchId: string): DatasetKeys {
  return datasetKeys(batchKindOf(batchId), batchId);
}

/** Stores the normalized spec; its bytes depend only on the spec, so rewriting it on re-submission changes nothing. */
export async function saveBatchSpec(store: ObjectStore, batchId: string, spec: BatchSpec): Promise<void> {
  await store.put(batchKeys(batchId).spec, `${JSON.stringify(spec, null, 2)}\n`, { contentType: "application/json" });
}

/** The stored spec of a batch, or null when no batch has that id. */
export async function loadBatchSpec(store: ObjectStore, batchId: string): Promise<BatchSpec | null> {
  return readRecord(store, batchKeys(batchId).spec, BatchSpecSchema);
}

const SPEC_KEY_PATTERN = /^(?:datasets|task-batches)\/((?:traj|task)-[0-9a-f]{20})\/spec\.json$/;

/** The batch id of a registered spec's key (as found in an S3 event), or null for any other key. */
export function batchIdFromSpecKey(key: string): string | null {
  return SPEC_KEY_PATTERN.exec(key)?.[1] ?? null;
}
