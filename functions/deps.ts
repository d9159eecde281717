/// <reference path="../sst-env.d.ts" />
/**
 * The composition root: the only module that reads process.env or SST's Resource. Handlers call one factory at cold
 * start and pass typed dependencies into core/; bad configuration fails there, not on the hundredth request.
 */
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { SQSClient } from "@aws-sdk/client-sqs";
import { Resource } from "sst";
import { type ShardJob, ShardJobSchema } from "../core/batch/shard-job.ts";
import { handleDeadLetter } from "../core/batch/shard-message.ts";
import type { TaskModelFactory } from "../core/batch/task-shard.ts";
import { ConfigError } from "../core/errors.ts";
import { createLanguageModel, languageModelOptionsFromEnv } from "../core/llm/index.ts";
import { siblingModule } from "../core/module-url.ts";
import { createInProcessJobQueue, type InProcessJobQueue } from "../core/queue/in-process.ts";
import type { JobQueue } from "../core/queue/job-queue.ts";
import { createSqsJobQueue } from "../core/queue/sqs.ts";
import { createObjectStore } from "../core/storage/create-object-store.ts";
import type { ObjectStore } from "../core/storage/object-store.ts";

type Env = Record<string, string | undefined>;

/** SQS maxReceiveCount of the shard queue when SHARD_MAX_RECEIVES is not set (sst.config.ts sets it). */
export const DEFAULT_MAX_RECEIVES = 3;
export const DEFAULT_PORT = 8787;
export const DEFAULT_DATA_DIR = "./data";
/** SST writes this placeholder for secrets that were never set; treat it as absent. */
const UNSET_SECRET = "unset";

export interface ServiceDeps {
  store: ObjectStore;
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
  apiToken: string | undefined;
  port: number;
  host: string;
  dataDir: string;
}

/**
 * Dependencies of `npm start`: the fs store under DATA_DIR (default ./data) and the in-process queue running shard
 * jobs on worker threads (WORKERS, default all cores), with the same retry and dead-letter rules as SQS.
 */
export function createLocalDeps(env: Env = process.env): LocalDeps {
  const dataDir = resolve(env.DATA_DIR ?? DEFAULT_DATA_DIR);
  const store = createObjectStore({ driver: "fs", baseDir: dataDir });
  const maxReceives = positiveInt(env.SHARD_MAX_RECEIVES, "SHARD_MAX_RECEIVES", DEFAULT_MAX_RECEIVES);
  const queue = createInProcessJobQueue<ShardJob>({
    handler: {
      moduleUrl: siblingModule("local-worker", import.meta.url),
      exportName: "createLocalShardHandler",
      workerData: { dataDir, maxReceives } satisfies LocalWorkerData,
    },
    concurrency: positiveInt(env.WORKERS, "WORKERS", availableParallelism()),
    maxAttempts: maxReceives,
    schema: ShardJobSchema,
    onDeadLetter: (entry) => handleDeadLetter(JSON.stringify(entry.job), maxReceives, { store }),
  });
  return {
    store,
    queue,
    maxReceives,
    taskModels: taskModelFactory(() => env),
    apiToken: env.AGENTSYNTH_API_TOKEN || undefined,
    port: portNumber(env.PORT),
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
    taskModels: taskModelFactory(() => env),
    maxReceives: data.maxReceives,
  };
}

function taskModelFactory(readEnv: () => Env): TaskModelFactory {
  return ({ provider, model, seed, concurrency }) =>
    createLanguageModel(
      languageModelOptionsFromEnv(provider, readEnv(), {
        ...(model === undefined ? {} : { model }),
        seed,
        concurrency,
      }),
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

/** PORT=0 asks the OS for a free port (tests, benchmarks). */
function portNumber(text: string | undefined): number {
  if (text === undefined || text.trim() === "") return DEFAULT_PORT;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new ConfigError(`Invalid PORT=${JSON.stringify(text)}: use a port number from 0 to 65535.`, [
      { path: "PORT", message: "must be an integer from 0 to 65535", value: text },
    ]);
  }
  return value;
}

function positiveInt(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined || text.trim() === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`Invalid ${name}=${JSON.stringify(text)}: use a positive integer.`, [
      { path: name, message: "must be a positive integer", value: text },
    ]);
  }
  return value;
}
