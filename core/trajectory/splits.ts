import { z } from "zod";
import { ConfigError, issuesFromZod } from "../errors.ts";
import { createRandomizer, type Seed } from "../random.ts";
import type { AnomalyInjectionConfig } from "./anomaly-config.ts";
import { decideAnomaly } from "./anomaly-decision.ts";
import { ANOMALY_TYPES } from "./vocabulary.ts";

export const SPLIT_NAMES = ["train", "validation", "test"] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

/** Fractions of `SPLIT_NAMES`, in that order, summing to 1. */
export interface SplitConfig {
  readonly fractions: readonly [number, number, number];
}

/** SPEC §4.1 `evaluation.data_split` of the original. */
export const DEFAULT_SPLIT_FRACTIONS = { train: 0.6, validation: 0.2, test: 0.2 } as const;

/**
 * Trajectories are stratified within aligned blocks of this many indices. A block is what one assignment looks at,
 * so it bounds the work per shard (one anomaly decision per index) while holding enough members of a rare
 * anomaly type for every split to get some.
 */
export const SPLIT_BLOCK_SIZE = 4096;

/** Blocks kept per assigner: a shard straddles at most a few, and 4 KB each is nothing. */
const CACHED_BLOCKS = 8;
/** 1/φ: consecutive multiples modulo 1 spread as evenly as any sequence can, which is what makes the split exact. */
const GOLDEN_STEP = 0.6180339887498949;
const FRACTION_TOLERANCE = 1e-9;

const Fraction = z.number().min(0).max(1);

/** The `splits` section of the YAML config. */
export const SplitsInputSchema = z.strictObject({
  train: Fraction.optional(),
  validation: Fraction.optional(),
  test: Fraction.optional(),
});

/**
 * Validates the `splits` section (the section itself, or undefined for 0.6/0.2/0.2). When given, a missing split
 * counts as 0 and the three must sum to 1.
 * @example
 * parseSplitConfig({ train: 0.8, validation: 0.1, test: 0.1 }).fractions; // [0.8, 0.1, 0.1]
 */
export function parseSplitConfig(input: unknown): SplitConfig {
  const parsed = SplitsInputSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error.issues, input ?? {}, "splits", SplitsInputSchema);
    throw new ConfigError(
      `Invalid splits config:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n")}`,
      issues,
    );
  }
  const given =
    input === undefined || input === null || Object.keys(parsed.data).length === 0
      ? DEFAULT_SPLIT_FRACTIONS
      : parsed.data;
  const fractions = SPLIT_NAMES.map((name) => given[name] ?? 0) as [number, number, number];
  const sum = fractions[0] + fractions[1] + fractions[2];
  if (Math.abs(sum - 1) > FRACTION_TOLERANCE) {
    const shown = Math.round(sum * 1e9) / 1e9;
    const issue = {
      path: "splits",
      message: `train + validation + test must sum to 1 (they sum to ${shown})`,
      value: input,
    };
    throw new ConfigError(`Invalid splits config:\n  - splits: ${issue.message}`, [issue]);
  }
  return { fractions };
}

/** The fractions as the config would write them. */
export function describeSplitConfig(config: SplitConfig): Record<SplitName, number> {
  return { train: config.fractions[0], validation: config.fractions[1], test: config.fractions[2] };
}

/** The `splits` section of the dataset manifest: the fractions and how they were applied. */
export function splitsManifestSection(config: SplitConfig): {
  fractions: Record<SplitName, number>;
  method: string;
  block_size: number;
  field: string;
} {
  return {
    fractions: describeSplitConfig(config),
    method:
      "stratified by anomaly type (normal is a stratum); golden-ratio sequence per stratum within aligned index blocks",
    block_size: SPLIT_BLOCK_SIZE,
    field: "split",
  };
}

/** Assigns splits; caches recent blocks, so a shard walking its indices in order pays one anomaly decision per index. */
export interface SplitAssigner {
  splitOf(index: number): SplitName;
}

/**
 * Deterministic, stratified split assignment. A trajectory's stratum is "normal" or its anomaly type (from
 * `decideAnomaly`, so nothing is generated). Within each aligned block of `SPLIT_BLOCK_SIZE` indices the members of
 * a stratum, in index order, walk a golden-ratio sequence from a seeded start, and the point's position against the
 * cumulative fractions picks the split. Any run of members of a stratum therefore lands in the splits in the
 * configured proportions (within about one member), so every anomaly type reaches every split once it has a few
 * dozen members. The split of trajectory i depends only on (seed, i, config): never on shards or workers.
 * @example
 * createSplitAssigner(42, config.anomalies, config.splits).splitOf(17); // "train"
 */
export function createSplitAssigner(seed: Seed, anomalies: AnomalyInjectionConfig, splits: SplitConfig): SplitAssigner {
  const bounds = [splits.fractions[0], splits.fractions[0] + splits.fractions[1]];
  const cache = new Map<number, Uint8Array>();
  const computeBlock = (block: number): Uint8Array => {
    const start = block * SPLIT_BLOCK_SIZE;
    const result = new Uint8Array(SPLIT_BLOCK_SIZE);
    const ranks = new Array<number>(ANOMALY_TYPES.length + 1).fill(0);
    const offsets = new Array<number | undefined>(ANOMALY_TYPES.length + 1);
    for (let k = 0; k < SPLIT_BLOCK_SIZE; k++) {
      const decision = decideAnomaly(anomalies, seed, start + k);
      const stratum = decision === null ? 0 : 1 + ANOMALY_TYPES.indexOf(decision.type);
      const offset = offsets[stratum] ?? createRandomizer(seed, "split", block, stratum).next();
      offsets[stratum] = offset;
      const rank = ranks[stratum] as number;
      ranks[stratum] = rank + 1;
      const point = (offset + rank * GOLDEN_STEP) % 1;
      result[k] = point < (bounds[0] as number) ? 0 : point < (bounds[1] as number) ? 1 : 2;
    }
    return result;
  };
  return {
    splitOf(index: number): SplitName {
      const block = Math.floor(index / SPLIT_BLOCK_SIZE);
      let splits = cache.get(block);
      if (splits === undefined) {
        splits = computeBlock(block);
        if (cache.size >= CACHED_BLOCKS) cache.delete(cache.keys().next().value as number);
        cache.set(block, splits);
      }
      return SPLIT_NAMES[splits[index - block * SPLIT_BLOCK_SIZE] as number] as SplitName;
    },
  };
}

/** Assigners kept by `splitOf`: one per (seed, config) in use, a few for code that alternates between configs. */
const CACHED_ASSIGNERS = 4;
const assigners: Array<{
  seed: Seed;
  anomalies: AnomalyInjectionConfig;
  splits: SplitConfig;
  assigner: SplitAssigner;
}> = [];

function sameSeed(a: Seed, b: Seed): boolean {
  if (typeof a === "number" || typeof b === "number") return a === b;
  return a.seed === b.seed && a.secret === b.secret;
}

/**
 * The split of one trajectory. Reuses the assigner of earlier calls with the same seed and config objects, so calling
 * it for consecutive indices (as generation does) costs one anomaly decision per index.
 */
export function splitOf(seed: Seed, index: number, anomalies: AnomalyInjectionConfig, splits: SplitConfig): SplitName {
  let entry = assigners.find(
    (item) => sameSeed(item.seed, seed) && item.anomalies === anomalies && item.splits === splits,
  );
  if (entry === undefined) {
    entry = { seed, anomalies, splits, assigner: createSplitAssigner(seed, anomalies, splits) };
    if (assigners.length >= CACHED_ASSIGNERS) assigners.shift();
    assigners.push(entry);
  }
  return entry.assigner.splitOf(index);
}
