import { isDeepStrictEqual } from "node:util";
import { checkShards, describeShardCheck } from "../core/batch/check-shards.ts";
import { mapLimit } from "../core/batch/map-limit.ts";
import {
  RECORD_READ_CONCURRENCY,
  readRecord,
  type ShardDoneRecord,
  ShardDoneRecordSchema,
} from "../core/batch/records.ts";
import type { ShardPlan } from "../core/dataset/plan.ts";
import { publicSpec, type TrajectoryDatasetSpec } from "../core/dataset/spec.ts";
import { ConfigError, CoreError } from "../core/errors.ts";
import { listAll } from "../core/storage/list-all.ts";
import type { ObjectStore } from "../core/storage/object-store.ts";
import { DONE_PREFIX, doneRecordKey, SPEC_KEY } from "./shard-output.ts";

export interface ResumePlan {
  /** Shards whose bytes match their done record: kept as they are. */
  kept: ShardDoneRecord[];
  /** Shards to (re)generate: no record, no file, or bytes that do not match the record. */
  todo: ShardPlan[];
  /** One line per shard found wrong (missing files are not listed: they are simply not written yet). */
  problems: string[];
}

/** The spec an output directory was started with (its spec.json), or null when it has none. */
export async function readRecordedSpec(store: ObjectStore): Promise<unknown> {
  const bytes = await store.get(SPEC_KEY);
  if (bytes === null) return null;
  try {
    return JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return undefined;
  }
}

export function serializeSpec(spec: TrajectoryDatasetSpec): string {
  return `${JSON.stringify(spec, null, 2)}\n`;
}

/** Where an evaluation set's full spec (with its secret) is kept during a run: with the labels, never in public. */
export const PRIVATE_SPEC_KEY = "labels/spec.json";

/**
 * Records the spec a run starts with: spec.json holds what may be published (an evaluation set's secret left out),
 * and an evaluation set's full spec goes under labels/, so --resume can continue with the same secret.
 */
export async function recordSpec(store: ObjectStore, spec: TrajectoryDatasetSpec): Promise<void> {
  if (spec.eval_set !== undefined) {
    await store.put(PRIVATE_SPEC_KEY, serializeSpec(spec), { contentType: "application/json" });
  }
  await store.put(SPEC_KEY, serializeSpec(publicSpec(spec)), { contentType: "application/json" });
}

/** The secret an interrupted evaluation set was started with, or undefined when none was recorded. */
export async function readEvalSecret(store: ObjectStore): Promise<string | undefined> {
  const bytes = await store.get(PRIVATE_SPEC_KEY);
  if (bytes === null) return undefined;
  try {
    const secret = (JSON.parse(Buffer.from(bytes).toString("utf8")) as { eval_set?: { secret?: unknown } }).eval_set
      ?.secret;
    return typeof secret === "string" ? secret : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What `--resume` keeps and what it regenerates: every planned shard whose done record is intact and whose file has
 * exactly the recorded size and sha256 is kept; everything else is written again. The directory must have been
 * started with the same spec (its spec.json), since kept shards are only valid for that spec.
 */
export async function planResume(
  store: ObjectStore,
  outDir: string,
  spec: TrajectoryDatasetSpec,
  plan: readonly ShardPlan[],
): Promise<ResumePlan> {
  const recorded = await readRecordedSpec(store);
  if (recorded === null || recorded === undefined) {
    throw new ConfigError(
      `--resume: ${outDir} has no readable spec.json, so it was not started by "agentsynth trajectories" (or by a version without --resume). Use another --out, or --force to overwrite it.`,
    );
  }
  if (spec.eval_set !== undefined) {
    const secret = await readEvalSecret(store);
    if (secret === undefined) {
      throw new ConfigError(
        `--resume: ${outDir} has no readable labels/spec.json, so the evaluation set's secret is lost and its shards cannot be continued. Use --force to start over.`,
      );
    }
    if (secret !== spec.eval_set.secret) {
      throw new ConfigError(
        `--resume: ${outDir} was started with another --eval-secret. Leave --eval-secret out to continue with the recorded one, or use --force to start over.`,
        [{ path: "--eval-secret", message: "differs from the secret in labels/spec.json" }],
      );
    }
  }
  const given = JSON.parse(JSON.stringify(publicSpec(spec))) as Record<string, unknown>;
  const was = recorded as Record<string, unknown>;
  const differing = [...new Set([...Object.keys(was), ...Object.keys(given)])].filter(
    (key) => !isDeepStrictEqual(was[key], given[key]),
  );
  if (differing.length > 0) {
    throw new ConfigError(
      `--resume: ${outDir} was started with a different spec (${differing.join(", ")}). Run --resume with the flags and --config of the interrupted run, or use --force to start over.`,
      differing.map((key) => ({ path: key, message: `was ${JSON.stringify(was[key])}`, value: given[key] })),
    );
  }
  const records = await mapLimit(plan, RECORD_READ_CONCURRENCY, (shard) => readDoneRecord(store, shard));
  const recordedShards = records.filter((record): record is ShardDoneRecord => record !== null);
  const checks = await checkShards(store, "", recordedShards);
  const good = new Set(checks.filter((check) => check.problem === null).map((check) => check.index));
  return {
    kept: recordedShards.filter((record) => good.has(record.index)),
    todo: plan.filter((shard) => !good.has(shard.shard)),
    problems: checks.filter((check) => check.problem !== null).map((check) => describeShardCheck(check, "its record")),
  };
}

/** A shard's done record when it is readable and describes this shard of the plan; otherwise null (regenerate). */
async function readDoneRecord(store: ObjectStore, shard: ShardPlan): Promise<ShardDoneRecord | null> {
  let record: ShardDoneRecord | null;
  try {
    record = await readRecord(store, doneRecordKey(shard.shard), ShardDoneRecordSchema);
  } catch (error) {
    // A corrupt record (cut short by the interruption) only means the shard is written again.
    if (error instanceof CoreError && error.code === "batch_failed") return null;
    throw error;
  }
  if (record === null || record.start_index !== shard.start_index || record.count !== shard.count) return null;
  return record;
}

/** Deletes the done records of an earlier run, so a later --resume cannot trust shards of a spec it replaced. */
export async function forgetDoneRecords(store: ObjectStore): Promise<void> {
  const keys: string[] = [];
  for await (const info of listAll(store, DONE_PREFIX)) keys.push(info.key);
  for (const key of keys) await store.delete(key);
}
