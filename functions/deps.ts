/// <reference path="../sst-env.d.ts" />
/**
 * The composition root: the only module that reads process.env or SST's Resource. Handlers call one factory at cold
 * start and pass typed dependencies into core/; bad configuration fails there, not on the hundredth request.
 */
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { SQSClient } from "@aws-sdk/client-sqs";
import { Resource } from "sst";
import { createFailureLedger, type FailureLedger } from "../core/batch/failure-ledger.ts";
import { type BatchLimits, DEFAULT_BATCH_LIMITS } from "../core/batch/plan-batch.ts";
import { type ShardJob, ShardJobSchema } from "../core/batch/shard-job.ts";
import { handleDeadLetter, type ShardFailure } from "../core/batch/shard-message.ts";
import type { TaskModelFactory } from "../core/batch/task-shard.ts";
import { ConfigError } from "../core/errors.ts";
import { languageModelOptionsFromEnv } from "../core/llm/index.ts";
import { siblingModule } from "../core/module-url.ts";
import { createInProcessJobQueue, type DeadLetter, type InProcessJobQueue } from "../core/queue/in-process.ts";
import type { JobQueue } from "../core/queue/job-queue.ts";
import { createSqsJobQueue } from "../core/queue/sqs.ts";
import { createObjectStore } from "../core/storage/create-object-store.ts";
import type { ObjectStore } from "../core/storage/object-store.ts";
import { createLanguageModel } from "../core/tasks/create-language-model.ts";
import { logger } from "./logger.ts";

type Env = Record<string, string | undefined>;

/** SQS maxReceiveCount of the shard queue when SHARD_MAX_RECEIVES is not set (sst.config.ts sets it). */
export const DEFAULT_MAX_RECEIVES = 3;
export const DEFAULT_PORT = 8787;
export const DEFAULT_DATA_DIR = "./data";
/** A local shard job running longer than this fails and is retried on a fresh thread: the deployed worker's limit. */
export const DEFAULT_SHARD_TIMEOUT_SECONDS = 300;
/** Locally a batch is stalled after 10 quiet minutes by default: twice the longest a shard job may run. */
export const DEFAULT_LOCAL_STALL_SECONDS = 600;
/** Deployed, after the shard queue's visibility timeout (30 min) plus a worker's timeout (5 min). */
export const DEFAULT_LAMBDA_STALL_SECONDS = 2_100;
/** SST writes this placeholder for secrets that were never set; treat it as absent. */
const UNSET_SECRET = "unset";

export interface ServiceDeps {
  store: ObjectStore;
  /** A batch with pending shards and no shard written for this long is reported `stalled` (STALL_AFTER_SECONDS). */
  stallAfterMs: number;
  /** What one batch may ask for in this deployment (BATCH_MAX_TOTAL, BATCH_MAX_SHARD_SIZE). */
  limits: BatchLimits;
  taskModels: TaskModelFactory;
  /** Deliveries of a shard job before it is dead-lettered. */
  maxReceives: number;
}

export interface LambdaDeps extends ServiceDeps {
  /** The shard queue; only functions linked to it (fan-out) may read it. */
  readonly queue: JobQueue<ShardJob>;
  /** The API token; only functions linked to it (api) may read it. */
  readonly apiToken: string | undefined;
}

/**
 * Dependencies of the deployed functions, from SST links: the bucket, the shard queue and the secrets. Linked
 * resources are read lazily, since each function links only what it uses.
 * @example
 * const deps = createLambdaDeps(); // at module scope of a handler
 */
export function createLambdaDeps(env: Env = process.env): LambdaDeps {
  const store = createObjectStore({
    driver: "s3",
    bucket: Resource.Datasets.name,
    // An endpoint override (the local emulator) has no bucket subdomains.
    clientConfig: env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {},
  });
  let queue: JobQueue<ShardJob> | undefined;
  return {
    store,
    limits: batchLimits(env),
    // SQS hands a lost job out again after the visibility timeout (30 min): only then is a quiet batch stuck.
    stallAfterMs: positiveInt(env.STALL_AFTER_SECONDS, "STALL_AFTER_SECONDS", DEFAULT_LAMBDA_STALL_SECONDS) * 1000,
    maxReceives: positiveInt(env.SHARD_MAX_RECEIVES, "SHARD_MAX_RECEIVES", DEFAULT_MAX_RECEIVES),
    taskModels: taskModelFactory(() => ({
      ...env,
      OPENAI_API_KEY: secretOrUndefined(() => Resource.OpenaiApiKey.value) ?? env.OPENAI_API_KEY,
      ANTHROPIC_API_KEY: secretOrUndefined(() => Resource.AnthropicApiKey.value) ?? env.ANTHROPIC_API_KEY,
    })),
    get queue() {
      queue ??= createSqsJobQueue<ShardJob>({
        queueUrl: Resource.Shards.url,
        // fauxqs hands out queue URLs on hosts that do not resolve; keep requests on the endpoint (infra-findings §3).
        client: new SQSClient(env.AWS_ENDPOINT_URL_SQS ? { useQueueUrlAsEndpoint: false } : {}),
        schema: ShardJobSchema,
      });
      return queue;
    },
    get apiToken() {
      return secretOrUndefined(() => Resource.ApiToken.value);
    },
  };
}

export interface LocalDeps extends ServiceDeps {
  queue: InProcessJobQueue<ShardJob>;
  /** Shard failures the store could not take (a read-only DATA_DIR), for the batch status. */
  ledger: FailureLedger;
  apiToken: string | undefined;
  port: number;
  host: string;
  dataDir: string;
}

/**
 * Dependencies of `npm start`: the fs store under DATA_DIR (default ./data) and the in-process queue running shard
 * jobs on worker threads (WORKERS, default all cores), with the same retry and dead-letter rules as SQS and a job
 * timeout (SHARD_TIMEOUT_SECONDS, default the deployed worker's 300) so a hung shard cannot hold its batch.
 */
export function createLocalDeps(env: Env = process.env): LocalDeps {
  const dataDir = resolve(env.DATA_DIR ?? DEFAULT_DATA_DIR);
  // Every setting is checked before anything starts, so a bad one is the only thing that happens.
  const port = portNumber(env.PORT);
  const concurrency = positiveInt(env.WORKERS, "WORKERS", availableParallelism());
  const maxReceives = positiveInt(env.SHARD_MAX_RECEIVES, "SHARD_MAX_RECEIVES", DEFAULT_MAX_RECEIVES);
  const shardTimeoutSeconds = positiveInt(
    env.SHARD_TIMEOUT_SECONDS,
    "SHARD_TIMEOUT_SECONDS",
    DEFAULT_SHARD_TIMEOUT_SECONDS,
  );
  const store = createObjectStore({ driver: "fs", baseDir: dataDir });
  const ledger = createFailureLedger();
  const queue = createInProcessJobQueue<ShardJob>({
    handler: {
      moduleUrl: siblingModule("local-worker", import.meta.url),
      exportName: "createLocalShardHandler",
      workerData: { dataDir, maxReceives } satisfies LocalWorkerData,
    },
    concurrency,
    maxAttempts: maxReceives,
    jobTimeoutMs: shardTimeoutSeconds * 1000,
    schema: ShardJobSchema,
    onJobProgress: (job, data) => {
      const failure = (data as { unrecordedFailure?: ShardFailure } | undefined)?.unrecordedFailure;
      if (failure === undefined) return;
      ledger.note(job.batch_id, {
        shard: failure.shard,
        attempts: failure.attempt,
        final: failure.final,
        code: failure.code,
        message: failure.error,
        at: Date.now(),
      });
    },
    onDeadLetter: (entry) => recordDeadLetter(entry, maxReceives, store, ledger),
  });
  return {
    store,
    limits: batchLimits(env),
    // Twice the longest a shard job may run: a quiet batch is then stuck, not busy.
    stallAfterMs: positiveInt(env.STALL_AFTER_SECONDS, "STALL_AFTER_SECONDS", 2 * shardTimeoutSeconds) * 1000,
    ledger,
    queue,
    maxReceives,
    taskModels: taskModelFactory(() => env),
    apiToken: env.AGENTSYNTH_API_TOKEN || undefined,
    port,
    host: env.HOST ?? "127.0.0.1",
    dataDir,
  };
}

/** What the main thread hands each local worker thread (structured-cloneable). */
export interface LocalWorkerData {
  dataDir: string;
  maxReceives: number;
}

/** Dependencies inside a local worker thread: the same fs store and model keys as the server. */
export function createLocalWorkerDeps(data: LocalWorkerData, env: Env = process.env): ServiceDeps {
  return {
    store: createObjectStore({ driver: "fs", baseDir: data.dataDir }),
    limits: batchLimits(env),
    stallAfterMs: DEFAULT_LOCAL_STALL_SECONDS * 1000,
    taskModels: taskModelFactory(() => env),
    maxReceives: data.maxReceives,
  };
}

/**
 * Marks a dead-lettered shard failed in the store, as the deployed dead-letter consumer does. When the store cannot
 * take the record (read-only, full), the failure goes to the ledger instead, so the batch status still reports it, and
 * either way it is logged with its cause.
 */
async function recordDeadLetter(
  entry: DeadLetter<ShardJob>,
  maxReceives: number,
  store: ObjectStore,
  ledger: FailureLedger,
): Promise<void> {
  const job = entry.job;
  // A crash or a timeout leaves no error code: the shard was abandoned, as the deployed dead-letter consumer says.
  const code = entry.code ?? "shard_abandoned";
  try {
    const failure = await handleDeadLetter(JSON.stringify(job), maxReceives, { store });
    logger.warn("dead-lettered shard job", { batch_id: job.batch_id, shard: job.shard, failure });
  } catch (error) {
    const recordError = error instanceof Error ? error.message : String(error);
    ledger.note(job.batch_id, {
      shard: job.shard,
      attempts: entry.attempts,
      final: true,
      code,
      message: entry.error,
      at: Date.now(),
    });
    logger.error("dead-lettered shard job; its failure record could not be written", {
      batch_id: job.batch_id,
      shard: job.shard,
      attempts: entry.attempts,
      code,
      error: entry.error,
      record_error: recordError,
    });
  }
}

/** The deployment's batch limits: the defaults of core/batch/plan-batch.ts, each overridable from the environment. */
function batchLimits(env: Env): BatchLimits {
  return {
    ...DEFAULT_BATCH_LIMITS,
    maxTotal: positiveInt(env.BATCH_MAX_TOTAL, "BATCH_MAX_TOTAL", DEFAULT_BATCH_LIMITS.maxTotal),
    maxShardSize: positiveInt(env.BATCH_MAX_SHARD_SIZE, "BATCH_MAX_SHARD_SIZE", DEFAULT_BATCH_LIMITS.maxShardSize),
  };
}

function taskModelFactory(readEnv: () => Env): TaskModelFactory {
  return ({ provider, model, seed }) =>
    createLanguageModel(
      languageModelOptionsFromEnv(provider, readEnv(), { ...(model === undefined ? {} : { model }), seed }),
    );
}

function secretOrUndefined(read: () => string): string | undefined {
  let value: string;
  try {
    value = read();
  } catch {
    return undefined; // not linked to this function
  }
  return value === "" || value === UNSET_SECRET ? undefined : value;
}

/** Plain decimal digits: "0x10", "1e3" or "8_080" are not a count a person means. */
const DECIMAL = /^\d+$/;

/** PORT=0 asks the OS for a free port (tests, benchmarks). */
function portNumber(text: string | undefined): number {
  if (text === undefined || text.trim() === "") return DEFAULT_PORT;
  const value = DECIMAL.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new ConfigError(`Invalid PORT=${JSON.stringify(text)}: use a port number from 0 to 65535.`, [
      { path: "PORT", message: "must be an integer from 0 to 65535", value: text },
    ]);
  }
  return value;
}

function positiveInt(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined || text.trim() === "") return fallback;
  const value = DECIMAL.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`Invalid ${name}=${JSON.stringify(text)}: use a positive integer.`, [
      { path: name, message: "must be a positive integer", value: text },
    ]);
  }
  return value;
}
