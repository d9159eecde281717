import { InputError, issuesFromZod } from "../errors.ts";
import { batchKeys } from "./batch-store.ts";
import { describeError, recordShardFailure } from "./record-failure.ts";
import { readRecord, ShardFailedRecordSchema } from "./records.ts";
import { runShardJob, type ShardJobOutcome, type ShardRunnerDeps } from "./run-shard.ts";
import { type ShardJob, ShardJobSchema } from "./shard-job.ts";

/** Parses a queue message body into a shard job; InputError (listing every problem) when it is not one. */
export function parseShardJobMessage(body: string): ShardJob {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new InputError("Shard job message is not JSON.", [{ path: "(body)", message: "must be a JSON shard job" }], {
      cause: error,
    });
  }
  const result = ShardJobSchema.safeParse(value);
  if (!result.success) throw new InputError("Invalid shard job message", issuesFromZod(result.error.issues, value));
  return result.data;
}

export interface Delivery {
  /** How many times the queue has delivered this message, this time included (SQS ApproximateReceiveCount). */
  attempt: number;
  /** Deliveries before the queue moves the message to the dead-letter queue. */
  maxReceives: number;
}

/** A failed delivery as the worker reports it (its log line): which shard, which attempt, and why. */
export interface ShardFailure {
  batch_id: string;
  shard: number;
  attempt: number;
  final: boolean;
  code: string;
  error: string;
  /** Set when the failure could not be recorded in the store either (a read-only or unreachable store). */
  record_error?: string;
}

export interface ShardMessageHooks {
  /** Called once per failed delivery, before the error is rethrown; the edge logs it. */
  onFailure?: (failure: ShardFailure) => void;
}

/**
 * What a worker does with one queue message: run the shard job, and on failure record the error (final on the last
 * delivery, so the batch status shows the shard failed at once rather than when the dead-letter queue is drained)
 * and rethrow, so the message is reported as a batch item failure and retried. A store that cannot take the failure
 * record either (read-only, unreachable) does not hide the original error: the hook still hears about both.
 */
export async function handleShardMessage(
  body: string,
  delivery: Delivery,
  deps: ShardRunnerDeps,
  hooks: ShardMessageHooks = {},
): Promise<ShardJobOutcome> {
  const job = parseShardJobMessage(body);
  try {
    return await runShardJob(job, deps);
  } catch (error) {
    const described = describeError(error);
    const final = delivery.attempt >= delivery.maxReceives;
    let recordError: string | undefined;
    try {
      await recordShardFailure(deps.store, job, described, { attempts: delivery.attempt, final });
    } catch (recordFailure) {
      recordError = describeError(recordFailure).message;
    }
    hooks.onFailure?.({
      batch_id: job.batch_id,
      shard: job.shard,
      attempt: delivery.attempt,
      final,
      code: described.code,
      error: described.message,
      ...(recordError === undefined ? {} : { record_error: recordError }),
    });
    throw error;
  }
}

/**
 * What the dead-letter consumer does with a message the queue gave up on: mark the shard failed for good, keeping the
 * last error the worker recorded (a worker that crashed or timed out recorded none). A shard that is done after all
 * (a late success) is left alone. Unparseable messages are returned as null: there is no shard to report them on.
 */
export async function handleDeadLetter(body: string, maxReceives: number, deps: Pick<ShardRunnerDeps, "store">) {
  let job: ShardJob;
  try {
    job = parseShardJobMessage(body);
  } catch {
    return null;
  }
  const keys = batchKeys(job.batch_id);
  if ((await deps.store.head(keys.shardDone(job.shard))) !== null) return null;
  const previous = await readRecord(deps.store, keys.shardFailed(job.shard), ShardFailedRecordSchema);
  const error = previous?.error ?? {
    code: "shard_abandoned",
    message: `No worker finished this shard in ${maxReceives} deliveries (crash or timeout); submit the batch again to retry it.`,
  };
  return recordShardFailure(deps.store, job, error, {
    attempts: Math.max(previous?.attempts ?? 0, maxReceives),
    final: true,
  });
}
