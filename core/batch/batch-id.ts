import { createHash } from "node:crypto";
import { InputError } from "../errors.ts";
import type { DatasetKind } from "../storage/keys.ts";
import { canonicalJson } from "./canonical-json.ts";
import type { BatchSpec } from "./spec.ts";

const ID_PREFIX: Readonly<Record<DatasetKind, string>> = { trajectories: "traj-", tasks: "task-" };
/** 80 bits of the spec hash: collisions are out of reach for any realistic number of batches. */
const ID_HASH_CHARS = 20;
const BATCH_ID_PATTERN = /^(traj|task)-[0-9a-f]{20}$/;

/**
 * The batch id: the kind plus a hash of the canonical, defaults-filled spec. Submitting the same spec again gives the
 * same id, so a re-submission resumes the batch (filling only missing shards) instead of starting a new one.
 * @example
 * batchIdFor(parseBatchSpec({ kind: "trajectories", total: 10, seed: 1 })); // "traj-" + 20 hex digits
 */
export function batchIdFor(spec: BatchSpec): string {
  const hash = createHash("sha256").update(canonicalJson(spec)).digest("hex");
  return `${ID_PREFIX[spec.kind]}${hash.slice(0, ID_HASH_CHARS)}`;
}

export function isBatchId(id: string): boolean {
  return BATCH_ID_PATTERN.test(id);
}

/** The kind encoded in a batch id; throws InputError for anything that is not a batch id. */
export function batchKindOf(id: string): DatasetKind {
  if (!isBatchId(id)) {
    throw new InputError(`Invalid batch id ${JSON.stringify(id)}: expected "traj-" or "task-" and 20 hex digits.`, [
      { path: "id", message: 'must be "traj-" or "task-" followed by 20 lower-case hex digits', value: id },
    ]);
  }
  return id.startsWith("traj-") ? "trajectories" : "tasks";
}
