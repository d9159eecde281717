import { createHash } from "node:crypto";
import { ShardLabels } from "../dataset/eval-labels.ts";
import type { LabelsEntry } from "../dataset/manifest.ts";
import { recomputeShardStats } from "../dataset/outputs.ts";
import { renderTrajectoryChunks, renderTrajectoryShard } from "../dataset/render-shard.ts";
import { resolveDatasetConfig } from "../dataset/resolve-config.ts";
import { generationSeed, shardCompression } from "../dataset/spec.ts";
import { createDatasetStats, type DatasetStats, type DatasetStatsJSON } from "../dataset/stats.ts";
import { summarize, type WrittenShard, writeShard } from "../dataset/write-shard.ts";
import { writeTableShard } from "../dataset/write-table-shard.ts";
import { NotFoundError } from "../errors.ts";
import { type TableFormat, trajectoryFormat } from "../export/formats.ts";
import type { Seed } from "../random.ts";
import { relativeLabelsKey, relativeShardKey } from "../storage/keys.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import type { TrajectoryConfig } from "../trajectory/index.ts";
import { batchKeys, loadBatchSpec } from "./batch-store.ts";
import { finalizeBatch } from "./manifest.ts";
import { type ShardDoneRecord, serializeRecord } from "./records.ts";
import { checkJobAgainstPlan, type ShardJob } from "./shard-job.ts";
import { type BatchSpec, datasetSpecOf, type TrajectoryBatchSpec } from "./spec.ts";
import { renderTaskShard, type TaskModelFactory } from "./task-shard.ts";

/** Specs kept by a warm worker; a worker rarely serves more than a few batches at once. */
const MAX_CACHED_SPECS = 32;

export interface ShardRunnerDeps {
  store: ObjectStore;
  /** Builds the language model of a task batch; only task shards need it. */
  taskModels?: TaskModelFactory;
  /** Specs and resolved configs by batch id, kept across jobs of a warm worker. */
  cache?: Map<string, { spec: BatchSpec; config?: TrajectoryConfig }>;
}

export interface ShardJobOutcome {
  /** `written`: this job stored the shard; `recovered`: the shard was stored before but its record was not;
   * `already_done`: a redelivery of a finished job, nothing was written; `cancelled`: the batch was cancelled, the
   * shard was skipped; `waiting_for_batch`: its model calls were submitted to a provider Batch API and the scheduled
   * poller requeues the job when the batch ends. */
  status: "written" | "recovered" | "already_done" | "cancelled" | "waiting_for_batch";
  record: ShardDoneRecord | null;
  /** This job wrote the batch manifest (it finished the last shard). */
  manifestWritten: boolean;
}

/**
 * Generates one shard and stores it create-only, then records it and, if it was the last one, writes the manifest.
 * At-least-once delivery is harmless: a redelivered job finds the done record and returns without writing, and a job
 * that crashed between the shard and its record finds the shard, checks it and only writes the record. A shard of a
 * cancelled batch is skipped.
 * @example
 * await runShardJob({ batch_id, shard: 0, start_index: 0, count: 1000 }, { store });
 */
export async function runShardJob(job: ShardJob, deps: ShardRunnerDeps): Promise<ShardJobOutcome> {
  const { store } = deps;
  const { spec, config } = await loadCached(job.batch_id, deps);
  checkJobAgainstPlan(job, spec);
  const keys = batchKeys(job.batch_id);
  if ((await store.head(keys.cancelled)) !== null) {
    return { status: "cancelled", record: null, manifestWritten: false };
  }
  if ((await store.head(keys.shardDone(job.shard))) !== null) {
    return { status: "already_done", record: null, manifestWritten: false };
  }
  if (spec.kind === "trajectories" && config !== undefined) {
    const format = trajectoryFormat(spec.format);
    if (format.layout === "tables") return runTableShardJob(job, deps, spec, config, format);
  }
  const compression = spec.kind === "trajectories" ? shardCompression(spec) : "none";
  const objectKey = keys.shard(job.shard, { compression });
  // A shard stored by a job that crashed before its record is kept only if it is whole (task shards cost model
  // calls, so they are not regenerated when intact); a truncated one is replaced.
  const recovered = await recoverStoredShard(job, spec, config, deps, objectKey);
  const labels = spec.kind === "trajectories" && spec.eval_set !== undefined ? new ShardLabels() : undefined;
  let written: WrittenShard;
  let shardStats: DatasetStatsJSON | undefined;
  if (recovered !== null) {
    written = recovered;
    shardStats = recovered.stats;
  } else {
    const stats = spec.kind === "trajectories" ? createDatasetStats() : undefined;
    written = await writeShard(store, objectKey, renderShard(job, spec, config, deps, stats, labels), {
      ifAbsent: true,
    });
    // A shard another job wrote meanwhile was not rendered here: its statistics come from regenerating it.
    shardStats =
      stats === undefined || config === undefined || spec.kind !== "trajectories"
        ? undefined
        : written.written
          ? stats.toJSON()
          : recomputeShardStats(config, seedOf(spec), job.start_index, job.count);
  }
  const labelsEntry =
    spec.kind === "trajectories" && spec.eval_set !== undefined && config !== undefined
      ? await storeLabels(store, keys.prefix, job, spec, config, written.written ? labels : undefined)
      : undefined;

  const record: ShardDoneRecord = {
    index: job.shard,
    key: relativeShardKey(job.shard, compression),
    start_index: job.start_index,
    count: job.count,
    bytes: written.bytes,
    sha256: written.sha256,
    ...(labelsEntry === undefined ? {} : { labels: labelsEntry }),
    ...(shardStats === undefined ? {} : { stats: shardStats }),
  };
  await store.put(keys.shardDone(job.shard), serializeRecord(record), { contentType: "application/json" });
  const finalized = await finalizeBatch(store, job.batch_id, spec);
  return { status: written.written ? "written" : "recovered", record, manifestWritten: finalized.written };
}

/**
 * Checks a shard object found without its done record: a trajectory shard must hash like the shard regenerated
 * (deterministic, so any difference means a partial or foreign object), a task shard must hold one JSON line per
 * task. Returns its summary when it is whole; deletes it and returns null when it is not (or there is none).
 */
async function recoverStoredShard(
  job: ShardJob,
  spec: BatchSpec,
  config: TrajectoryConfig | undefined,
  deps: ShardRunnerDeps,
  objectKey: string,
): Promise<(WrittenShard & { stats?: DatasetStatsJSON }) | null> {
  const existing = await deps.store.getStream(objectKey);
  if (existing === null) return null;
  let whole: boolean;
  let summary: { bytes: number; sha256: string };
  let stats: DatasetStats | undefined;
  if (spec.kind === "trajectories") {
    summary = await summarize(existing);
    stats = createDatasetStats();
    // An evaluation set's shard renders without labels: a throwaway collector makes the same bytes.
    const labels = spec.eval_set === undefined ? undefined : new ShardLabels();
    const expected = await summarize(renderShard(job, spec, config, deps, stats, labels));
    whole = expected.sha256 === summary.sha256;
  } else {
    const bytes = await collectBytes(existing);
    summary = { bytes: bytes.byteLength, sha256: createHash("sha256").update(bytes).digest("hex") };
    const text = bytes.toString("utf8");
    const lines = text.endsWith("\n") ? text.slice(0, -1).split("\n") : null;
    whole = lines !== null && lines.length === job.count && lines.every(isJsonLine);
  }
  if (whole) return { written: false, ...summary, ...(stats === undefined ? {} : { stats: stats.toJSON() }) };
  await deps.store.delete(objectKey);
  return null;
}

/** Task shards are small (at most a few hundred records), so they are checked in memory. */
async function collectBytes(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

function isJsonLine(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/**
 * A shard of a table format (Parquet) is several files, so there is no single object whose presence shows it was
 * stored: it is rendered again and its files overwritten with identical bytes, then recorded.
 */
async function runTableShardJob(
  job: ShardJob,
  deps: ShardRunnerDeps,
  spec: BatchSpec & { kind: "trajectories" },
  config: TrajectoryConfig,
  format: TableFormat,
): Promise<ShardJobOutcome> {
  const keys = batchKeys(job.batch_id);
  const stats = createDatasetStats();
  const labels = spec.eval_set === undefined ? undefined : new ShardLabels();
  const written = await writeTableShard(deps.store, {
    format,
    config,
    seed: seedOf(spec),
    shard: job.shard,
    startIndex: job.start_index,
    count: job.count,
    keyPrefix: keys.prefix,
    onTrajectory: (trajectory) => stats.add(trajectory),
    ...(labels === undefined ? {} : { onLabels: labels.onLabels }),
  });
  const labelsEntry =
    labels === undefined ? undefined : await storeLabels(deps.store, keys.prefix, job, spec, config, labels);
  const record: ShardDoneRecord = {
    index: job.shard,
    key: written.key,
    start_index: job.start_index,
    count: job.count,
    bytes: written.bytes,
    sha256: written.sha256,
    files: written.files,
    ...(labelsEntry === undefined ? {} : { labels: labelsEntry }),
    stats: stats.toJSON(),
  };
  await deps.store.put(keys.shardDone(job.shard), serializeRecord(record), { contentType: "application/json" });
  const finalized = await finalizeBatch(deps.store, job.batch_id, spec);
  return { status: "written", record, manifestWritten: finalized.written };
}

function renderShard(
  job: ShardJob,
  spec: BatchSpec,
  config: TrajectoryConfig | undefined,
  deps: ShardRunnerDeps,
  stats: DatasetStats | undefined,
  labels: ShardLabels | undefined,
): AsyncIterable<Uint8Array> {
  if (spec.kind === "tasks") {
    return renderTaskShard({
      spec,
      startIndex: job.start_index,
      count: job.count,
      models: deps.taskModels,
      store: deps.store,
      job,
    });
  }
  return renderTrajectoryShard({
    config: config as TrajectoryConfig,
    seed: seedOf(spec),
    startIndex: job.start_index,
    count: job.count,
    gzip: spec.gzip,
    compression: shardCompression(spec),
    format: spec.format,
    ...(stats === undefined ? {} : { onTrajectory: (trajectory) => stats.add(trajectory) }),
    ...(labels === undefined ? {} : { onLabels: labels.onLabels }),
  });
}

function seedOf(spec: TrajectoryBatchSpec): Seed {
  return generationSeed(datasetSpecOf(spec));
}

/**
 * Writes an evaluation set's label file beside the shard (create-only). `collected` holds the labels of a shard this
 * job rendered; a shard stored by an earlier attempt has its labels rendered again (they are deterministic) unless
 * that attempt stored them too.
 */
async function storeLabels(
  store: ObjectStore,
  prefix: string,
  job: ShardJob,
  spec: TrajectoryBatchSpec,
  config: TrajectoryConfig,
  collected: ShardLabels | undefined,
): Promise<LabelsEntry> {
  let labels = collected;
  if (labels === undefined) {
    const existing = await store.getStream(`${prefix}${relativeLabelsKey(job.shard)}`);
    if (existing !== null) return { key: relativeLabelsKey(job.shard), ...(await summarize(existing)) };
    labels = new ShardLabels();
    const input = { config, seed: seedOf(spec), startIndex: job.start_index, count: job.count, format: spec.format };
    for (const _chunk of renderTrajectoryChunks({ ...input, onLabels: labels.onLabels })) {
      // Only the labels are wanted; the shard itself is already stored.
    }
  }
  return labels.write(store, job.shard, { prefix, ifAbsent: true });
}

async function loadCached(
  batchId: string,
  deps: ShardRunnerDeps,
): Promise<{ spec: BatchSpec; config?: TrajectoryConfig }> {
  const cached = deps.cache?.get(batchId);
  if (cached) return cached;
  const spec = await loadBatchSpec(deps.store, batchId);
  if (spec === null)
    throw new NotFoundError(`Batch ${batchId} has no stored spec; submit the batch before sending its jobs.`);
  const entry = spec.kind === "trajectories" ? { spec, config: resolveDatasetConfig(datasetSpecOf(spec)) } : { spec };
  if (deps.cache !== undefined) {
    if (deps.cache.size >= MAX_CACHED_SPECS) deps.cache.delete(deps.cache.keys().next().value as string);
    deps.cache.set(batchId, entry);
  }
  return entry;
}
