import { z } from "zod";
import { ConfigError, issuesFromZod } from "../errors.ts";
import { TRAJECTORY_FORMAT_NAMES } from "../export/formats.ts";
import { MAX_TOTAL } from "./plan.ts";

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
    gzip: z.boolean().default(false).describe("Write shards as .jsonl.gz."),
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
  return result.data;
}
