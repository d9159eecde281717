import { z } from "zod";
import { ConfigError, type Issue, issuesFromZod } from "../errors.ts";
import { TRAJECTORY_FORMAT_NAMES, trajectoryFormat } from "../export/formats.ts";
import type { Seed } from "../random.ts";
import type { ShardCompression } from "../storage/keys.ts";
import { MAX_TOTAL } from "./plan.ts";

/** An evaluation set's secret: 128 to 512 bits as hex. */
const SECRET_PATTERN = /^[0-9a-f]{32,128}$/;

/** Default trajectories per shard: about 10-20 MB of JSONL, a second or two of work per shard. */
export const DEFAULT_SHARD_SIZE = 10_000;

/** Deepest nesting accepted in `config`: deeper input is not a config, and walking it must stay cheap and shallow. */
export const MAX_CONFIG_DEPTH = 16;

/**
 * How deeply `value` nests objects and arrays (a scalar is 0, `{}` is 1), counted without recursion so hostile input
 * cannot overflow the stack; stops counting once past `limit`.
 */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== "object") continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * What a trajectory dataset is made from. Together with the generator version it fixes every byte of the output.
 */
export const TrajectoryDatasetSpecSchema = z
  .object({
    seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).describe("Dataset seed; trajectory i depends only on (seed, i)."),
    total: z.int().min(1).max(MAX_TOTAL).describe("Number of trajectories."),
    shard_size: z.int().min(1).max(MAX_TOTAL).default(DEFAULT_SHARD_SIZE).describe("Trajectories per shard file."),
    start_index: z.int().min(0).max(Number.MAX_SAFE_INTEGER).default(0).describe("Index of the first trajectory."),
    gzip: z.boolean().default(false).describe("Write shards as .jsonl.gz (the same as compression: gzip)."),
    compression: z
      .enum(["gzip", "zstd"])
      .optional()
      .describe(
        "Compress JSONL shards: gzip (.jsonl.gz, readable everywhere) or zstd (.jsonl.zst, several times faster to write; pandas, Polars and DuckDB read it).",
      ),
    format: z
      .enum(TRAJECTORY_FORMAT_NAMES)
      .default("trajectory")
      .describe("One line per trajectory: the trajectory JSON, a graph record (PyG/DGL layout) or an OTLP/JSON trace."),
    anomaly_ratio: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe("Fraction of anomalous trajectories; overrides anomaly_injection.ratio in the config."),
    eval_set: z
      .strictObject({
        secret: z
          .string()
          .regex(SECRET_PATTERN, {
            message:
              "must be 32 to 128 hex digits (e.g. the output of `openssl rand -hex 32`); leave it out to get one",
          })
          .optional()
          .describe("The secret every random stream is keyed with; generated when left out. Keep it with the labels."),
      })
      .optional()
      .describe(
        "Evaluation-set mode: labels, split, seed and index go to labels/NNNNN.jsonl beside the shards (keyed by trajectory_id), shard lines carry none of them, and all randomness is keyed with a secret kept with the labels, so the public seed and generator cannot reproduce the data.",
      ),
    config: z
      .record(z.string(), z.unknown())
      .refine((value) => jsonDepth(value, MAX_CONFIG_DEPTH) <= MAX_CONFIG_DEPTH, {
        message: `must not nest objects or arrays more than ${MAX_CONFIG_DEPTH} levels deep (a generator config needs 5)`,
      })
      .optional()
      .describe("Generator config in the YAML config's shape (random_seed, data_generation, anomaly_injection)."),
  })
  .strict();

export type TrajectoryDatasetSpec = z.output<typeof TrajectoryDatasetSpecSchema>;
export type TrajectoryDatasetSpecInput = z.input<typeof TrajectoryDatasetSpecSchema>;

export function parseTrajectoryDatasetSpec(input: unknown): TrajectoryDatasetSpec {
  const result = TrajectoryDatasetSpecSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      "Invalid trajectory dataset spec",
      issuesFromZod(result.error.issues, input, "", TrajectoryDatasetSpecSchema),
    );
  }
  assertFormatOptions(result.data);
  return result.data;
}

/**
 * Options that only some formats take: gzip compresses JSONL shards, while Parquet files compress their own pages
 * (zstd), so gzip with parquet is an error rather than silently ignored.
 */
export function formatOptionIssues(spec: FormatOptions): Issue[] {
  const issues: Issue[] = [];
  if (spec.gzip && spec.compression !== undefined && spec.compression !== "gzip") {
    issues.push({
      path: "gzip",
      message: `contradicts compression ${spec.compression}; give one of them (gzip is the same as compression: gzip)`,
      value: spec.gzip,
    });
  }
  if (trajectoryFormat(spec.format).layout === "tables") {
    for (const [path, value] of [
      ["gzip", spec.gzip ? true : undefined],
      ["compression", spec.compression],
    ] as const) {
      if (value === undefined) continue;
      issues.push({
        path,
        message: `does not apply to format ${spec.format}, whose files are compressed inside (zstd pages); leave ${path} out`,
        value,
      });
    }
  }
  return issues;
}

type FormatOptions = Pick<TrajectoryDatasetSpec, "format" | "gzip"> & { compression?: ShardCompression | undefined };

/** How the spec's JSONL shards are compressed: `compression`, else gzip when `gzip` is set, else none. */
export function shardCompression(
  spec: Pick<TrajectoryDatasetSpec, "gzip"> & { compression?: ShardCompression | undefined },
): ShardCompression {
  return spec.compression ?? (spec.gzip ? "gzip" : "none");
}

export function assertFormatOptions(spec: FormatOptions): void {
  const issues = formatOptionIssues(spec);
  if (issues.length > 0) throw new ConfigError("Invalid trajectory dataset spec", issues, { listIssues: true });
}

/**
 * The spec with its evaluation-set secret filled in: `makeSecret` runs only when the spec asks for an evaluation set
 * without giving one, so a spec that names its secret stays reproducible (same seed and secret, same bytes).
 * @example
 * withEvalSecret(spec, () => randomBytes(32).toString("hex"));
 */
export function withEvalSecret(spec: TrajectoryDatasetSpec, makeSecret: () => string): TrajectoryDatasetSpec {
  if (spec.eval_set === undefined || spec.eval_set.secret !== undefined) return spec;
  return { ...spec, eval_set: { secret: makeSecret() } };
}

/** The seed every stream of the dataset derives from: the spec's seed, keyed with the secret in an evaluation set. */
export function generationSeed(spec: TrajectoryDatasetSpec): Seed {
  if (spec.eval_set === undefined) return spec.seed;
  const secret = spec.eval_set.secret;
  if (secret === undefined)
    throw new ConfigError("An evaluation set needs its secret before it is generated", [
      { path: "eval_set.secret", message: "missing; generate one with withEvalSecret" },
    ]);
  return { seed: spec.seed, secret };
}

/** The spec as published beside an evaluation set: everything but the secret, which stays with the labels. */
export function publicSpec(spec: TrajectoryDatasetSpec): TrajectoryDatasetSpec {
  return spec.eval_set === undefined ? spec : { ...spec, eval_set: {} };
}
