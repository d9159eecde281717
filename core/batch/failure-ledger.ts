/** A shard failure the store could not take (read-only, full, unreachable): kept in memory so status still shows it. */
export interface UnrecordedFailure {
  shard: number;
  attempts: number;
  final: boolean;
  code: string;
  message: string;
  /** When it happened (epoch ms): counts as activity for stall detection. */
  at: number;
}

/** Failures kept per process; beyond this the oldest batch's entries go (status then falls back to the store). */
const MAX_BATCHES = 256;

/**
 * Where a worker's failure goes when its failure record cannot be written: the local server notes dead-lettered
 * shards here, and the batch status merges them with the records in the store, so a read-only data directory turns
 * into failed shards with their cause instead of a batch that stays `running` with no errors.
 * @example
 * const ledger = createFailureLedger();
 * ledger.note("traj-…", { shard: 3, attempts: 3, final: true, code: "storage_failed", message: "…", at: Date.now() });
 */
export interface FailureLedger {
  note(batchId: string, failure: UnrecordedFailure): void;
  failuresOf(batchId: string): UnrecordedFailure[];
  /** Forgets a batch's failures (it was submitted again, so its failed shards get a fresh start). */
  clear(batchId: string): void;
}

export function createFailureLedger(): FailureLedger {
  const batches = new Map<string, Map<number, UnrecordedFailure>>();
  return {
    note(batchId, failure) {
      let shards = batches.get(batchId);
      if (shards === undefined) {
        if (batches.size >= MAX_BATCHES) batches.delete(batches.keys().next().value as string);
        shards = new Map();
        batches.set(batchId, shards);
      }
      shards.set(failure.shard, failure);
    },
    failuresOf(batchId) {
      return [...(batches.get(batchId)?.values() ?? [])].sort((a, b) => a.shard - b.shard);
    },
    clear(batchId) {
      batches.delete(batchId);
    },
  };
}
