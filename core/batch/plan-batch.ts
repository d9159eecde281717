import { renderTrajectoryChunks } from "../dataset/render-shard.ts";
import { resolveDatasetConfig } from "../dataset/resolve-config.ts";
import { ConfigError, type Issue, issuesFromZod } from "../errors.ts";
import type { TrajectoryConfig } from "../trajectory/index.ts";
import { batchIdFor } from "./batch-id.ts";
import { planShardJobs, type ShardJob, ShardJobSchema } from "./shard-job.ts";
import { type BatchSpec, datasetSpecOf, type TrajectoryBatchSpec } from "./spec.ts";

/**
 * What one deployment accepts, so that every shard fits one worker's time and memory and one request cannot fill the
 * store. The composition root (functions/deps.ts) sets them per deployment; see docs/service.md for the figures.
 */
export interface BatchLimits {
  /** Most trajectories in one batch (BATCH_MAX_TOTAL). */
  maxTotal: number;
  /** Most trajectories in one shard (BATCH_MAX_SHARD_SIZE). */
  maxShardSize: number;
  /** Largest estimated shard, in uncompressed bytes: it bounds a shard's generation time and upload. */
  maxShardBytes: number;
  /** Most tasks in one task shard: each task is a few model round trips that must fit one worker invocation. */
  maxTaskShardSize: number;
}

/**
 * Defaults for both deployments. A shard of 100,000 default trajectories is about 1.9 GB of JSONL: about 12 s of
 * generation on one core and 20-40 s to stream to S3, well inside a 5-minute Lambda; locally it is about 15 s on a
 * worker thread. 100 tasks at 4 model calls in flight and up to 4 replies each stay under 5 minutes at 3 s a reply.
 */
export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxTotal: 10_000_000,
  maxShardSize: 100_000,
  maxShardBytes: 2 * 1024 ** 3,
  maxTaskShardSize: 100,
};

/** Trajectories rendered to estimate the bytes per trajectory of a spec: a few milliseconds of work. */
const ESTIMATE_SAMPLE = 32;

export interface BatchEstimate {
  items: number;
  shards: number;
  /** Uncompressed bytes of the whole batch (trajectories; null for tasks, whose size depends on the model). */
  bytes: number | null;
  /** Uncompressed bytes of the largest shard (null for tasks). */
  largest_shard_bytes: number | null;
  /** Most model calls the batch can make, retries included (tasks; null for trajectories). */
  max_model_calls: number | null;
}

export interface PlannedBatch {
  id: string;
  spec: BatchSpec;
  jobs: ShardJob[];
  estimate: BatchEstimate;
  /** The resolved generator config (trajectory batches). */
  config?: TrajectoryConfig;
}

export interface PlanOptions {
  /** Render a sample to estimate the size (default true); on-demand requests skip it, their size is bounded anyway. */
  estimate?: boolean;
}

/**
 * Checks everything about a spec that can be checked before anything is stored or queued: its generator config
 * resolves (the same ConfigError as an on-demand request), its shard plan is valid, every job passes the queue's
 * schema, and it is within the deployment's limits. Throws ConfigError listing every problem.
 * @example
 * const planned = planBatch(parseBatchSpec({ kind: "trajectories", total: 1000, seed: 1 }));
 * planned.estimate.bytes; // about 19 MB
 */
export function planBatch(
  spec: BatchSpec,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
  options: PlanOptions = {},
): PlannedBatch {
  const issues: Issue[] = [];
  const id = batchIdFor(spec);
  let jobs: ShardJob[] = [];
  try {
    jobs = planShardJobs(id, spec);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues);
  }
  jobs.forEach((job, index) => {
    const parsed = ShardJobSchema.safeParse(job);
    if (!parsed.success) issues.push(...issuesFromZod(parsed.error.issues, job, `shards.${index}`));
  });
  const sampleable = issues.length === 0 && options.estimate !== false;
  const config = spec.kind === "trajectories" ? resolveConfigInto(spec, issues) : undefined;
  const estimate =
    spec.kind === "trajectories"
      ? estimateTrajectories(spec, config, limits, issues, sampleable)
      : estimateTasks(spec, limits, issues);
  if (issues.length > 0) throw new ConfigError("Invalid batch spec", issues, { listIssues: true });
  return {
    id,
    spec,
    jobs,
    estimate: { ...estimate, shards: jobs.length },
    ...(config === undefined ? {} : { config }),
  };
}

/**
 * The generator config of a trajectory spec, or undefined with its problems added to `issues` under `config.`, the
 * field they were sent in (the same for on-demand requests and batches).
 */
export function resolveConfigInto(spec: TrajectoryBatchSpec, issues: Issue[]): TrajectoryConfig | undefined {
  try {
    return resolveDatasetConfig(datasetSpecOf(spec));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues.map((issue) => ({ ...issue, path: `config.${issue.path}` })));
    return undefined;
  }
}

function estimateTrajectories(
  spec: TrajectoryBatchSpec,
  config: TrajectoryConfig | undefined,
  limits: BatchLimits,
  issues: Issue[],
  sampleable: boolean,
): Omit<BatchEstimate, "shards"> {
  const unknown = { items: spec.total, bytes: null, largest_shard_bytes: null, max_model_calls: null };
  if (spec.total > limits.maxTotal) {
    issues.push({
      path: "total",
      message: `must be at most ${limits.maxTotal} in this deployment (BATCH_MAX_TOTAL); split the dataset into several batches with start_index`,
      value: spec.total,
    });
  }
  if (spec.shard_size > limits.maxShardSize) {
    issues.push({
      path: "shard_size",
      message: `must be at most ${limits.maxShardSize}, so that one shard fits one worker's time and memory`,
      value: spec.shard_size,
    });
  }
  if (config === undefined || !sampleable) return unknown;
  const sample = Math.min(spec.total, ESTIMATE_SAMPLE);
  let sampleBytes = 0;
  for (const chunk of renderTrajectoryChunks({
    config,
    seed: spec.seed,
    startIndex: spec.start_index,
    count: sample,
    format: spec.format,
  })) {
    sampleBytes += chunk.byteLength;
  }
  const perItem = sampleBytes / sample;
  const largestShard = Math.min(spec.shard_size, spec.total);
  const largestShardBytes = Math.round(perItem * largestShard);
  if (largestShardBytes > limits.maxShardBytes && spec.shard_size <= limits.maxShardSize) {
    const fitting = Math.max(1, Math.floor(limits.maxShardBytes / perItem));
    issues.push({
      path: "shard_size",
      message: `gives shards of about ${formatBytes(largestShardBytes)} with this config, above the ${formatBytes(limits.maxShardBytes)} one worker can write; use a shard_size of at most ${fitting}`,
      value: spec.shard_size,
    });
  }
  return { ...unknown, bytes: Math.round(perItem * spec.total), largest_shard_bytes: largestShardBytes };
}

function estimateTasks(
  spec: Extract<BatchSpec, { kind: "tasks" }>,
  limits: BatchLimits,
  issues: Issue[],
): Omit<BatchEstimate, "shards"> {
  if (spec.shard_size > limits.maxTaskShardSize) {
    issues.push({
      path: "shard_size",
      message: `must be at most ${limits.maxTaskShardSize} for task batches, so that one shard's model calls fit one worker invocation`,
      value: spec.shard_size,
    });
  }
  return {
    items: spec.total,
    bytes: null,
    largest_shard_bytes: null,
    max_model_calls: spec.total * (1 + spec.tasks.max_retry_attempts),
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
