import type { z } from "zod";
import { BatchError, BatchPendingError, InputError, LlmCallError, type LlmCallErrorCode } from "../errors.ts";
import type { LanguageModel } from "../llm/language-model.ts";
import type { LanguageModelProvider } from "../llm/options.ts";
import { DEFAULT_PRICES } from "../llm/pricing.ts";
import { createResponseCache } from "../llm/response-cache.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { generateTaskBatch, serializeTaskRecord } from "../tasks/index.ts";
import type { ShardJob } from "./shard-job.ts";
import type { TaskBatchOptionsSchema, TaskBatchSpec } from "./spec.ts";

/** Model replies of every task batch, content-addressed (shared: resubmitting a batch finds its replies). */
export const RESPONSE_CACHE_PREFIX = "llm-cache/responses/";
/** Provider batches submitted by task shards and not yet collected; the scheduled poller reads these. */
export const OPEN_BATCHES_PREFIX = "llm-cache/batches/open/";

/** Codes of a failed model call (as opposed to a reply that failed parsing or validation). */
const CALL_FAILURES: ReadonlySet<string> = new Set<LlmCallErrorCode>([
  "llm_call_failed",
  "llm_unavailable",
  "llm_rate_limited",
  "llm_auth_failed",
  "llm_key_missing",
]);

/** Builds a language model for a task batch; the composition root supplies keys (from env or SST secrets). */
export type TaskModelFactory = (options: {
  provider: LanguageModelProvider;
  model?: string;
  seed: number;
  /** Ceiling of the shared adaptive limiter (the shard's concurrency). */
  concurrency?: number;
}) => LanguageModel;

export type TaskBatchOptions = z.output<typeof TaskBatchOptionsSchema>;

export interface TaskRecordsInput {
  options: TaskBatchOptions;
  seed: number;
  startIndex: number;
  count: number;
  models: TaskModelFactory | undefined;
  /** The batch's store: model replies are cached in it, and submitted provider batches recorded. */
  store?: ObjectStore;
  /** The shard job, stored with a submitted provider batch so the poller can resume it. */
  job?: ShardJob;
}

/**
 * Generates tasks [startIndex, startIndex + count) as JSONL lines (one record per task, failures included so a
 * shard's line count always equals its planned count).
 */
export async function generateTaskLines(input: TaskRecordsInput): Promise<string[]> {
  if (input.models === undefined) {
    throw new BatchError("This worker has no language model factory configured, so it cannot run task shards.");
  }
  const batchApi = input.options.batch_api === true;
  if (batchApi && (input.store === undefined || input.job === undefined)) {
    throw new InputError("batch_api runs only in task batches (POST /v1/batches): its replies take hours.", [
      { path: "batch_api", message: "only allowed in a batch spec", value: true },
    ]);
  }
  const model = input.models({
    provider: input.options.provider,
    ...(input.options.model === undefined ? {} : { model: input.options.model }),
    seed: input.seed,
    concurrency: input.options.concurrency,
  });
  const cache = input.store === undefined ? undefined : createResponseCache(input.store, RESPONSE_CACHE_PREFIX);
  const result = await generateTaskBatch({
    categories: input.options.categories,
    count: input.count,
    seed: input.seed,
    startIndex: input.startIndex,
    model,
    concurrency: input.options.concurrency,
    maxRetryAttempts: input.options.max_retry_attempts,
    ...(input.options.insufficient_information_ratio === undefined
      ? {}
      : { insufficientInformationRatio: input.options.insufficient_information_ratio }),
    ...(input.options.multi_turn_ratio === undefined ? {} : { multiTurnRatio: input.options.multi_turn_ratio }),
    ...(cache === undefined ? {} : { cache }),
    prices: DEFAULT_PRICES,
    ...(input.options.max_cost_usd === undefined ? {} : { maxCostUsd: input.options.max_cost_usd }),
    // Lambda never waits for a batch: the calls are submitted, the job ends, and the poller requeues it.
    ...(batchApi && input.store !== undefined
      ? { batchApi: { store: input.store, prefix: OPEN_BATCHES_PREFIX, wait: false, resume: { job: input.job } } }
      : {}),
  });
  const pending = result.report.failures.filter((failure) => failure.code === "batch_pending");
  if (pending.length > 0) {
    throw new BatchPendingError(
      `${pending.length} tasks wait on a ${model.provider} batch; the poller resumes this shard when it ends.`,
    );
  }
  // A provider outage (or a missing or refused key) fails every task: fail the job too, with the cause's code, so
  // the queue retries it later instead of storing a shard of errors as done.
  const failures = result.report.failures;
  if (result.report.produced === 0 && failures.length > 0 && failures.every((f) => CALL_FAILURES.has(f.code))) {
    const last = failures.at(-1) as { code: string; message: string };
    throw new LlmCallError(`Every task of the shard failed calling the model; last error: ${last.message}`, {
      provider: model.provider,
      code: last.code as LlmCallErrorCode,
      isRetryable: last.code !== "llm_key_missing" && last.code !== "llm_auth_failed",
    });
  }
  return result.results.map(serializeTaskRecord);
}

/** The task records of a synchronous request, parsed back into objects for a JSON reply. */
export async function generateTaskRecords(input: TaskRecordsInput): Promise<Record<string, unknown>[]> {
  const lines = await generateTaskLines(input);
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The bytes of one task shard (JSONL). */
export async function* renderTaskShard(input: {
  spec: TaskBatchSpec;
  startIndex: number;
  count: number;
  models: TaskModelFactory | undefined;
  store?: ObjectStore;
  job?: ShardJob;
}): AsyncGenerator<Uint8Array> {
  const lines = await generateTaskLines({
    options: input.spec.tasks,
    seed: input.spec.seed,
    startIndex: input.startIndex,
    count: input.count,
    models: input.models,
    ...(input.store === undefined ? {} : { store: input.store }),
    ...(input.job === undefined ? {} : { job: input.job }),
  });
  yield Buffer.from(lines.map((line) => `${line}\n`).join(""), "utf8");
}
