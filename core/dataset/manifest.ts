import { GENERATOR_VERSION } from "../version.ts";
import { publicSpec, type TrajectoryDatasetSpec } from "./spec.ts";

export const MANIFEST_FORMAT = "agentsynth.dataset/v1";

/** One file of a shard written as several files (the Parquet format: one per table and split). */
export interface ShardFileEntry {
  /** Key relative to the dataset root, e.g. `nodes/train/00000.parquet`. */
  key: string;
  table: string;
  split: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface ShardEntry {
  index: number;
  /**
   * Key relative to the dataset root, e.g. `shards/00000.jsonl`. A shard of several files has the pattern of their
   * keys here (`{table}/{split}/00000.parquet`), and `bytes` and `sha256` describe `files`: their total size, and the
   * sha256 of their `sha256sum` listing (`<sha256>  <key>` lines in `files` order).
   */
  key: string;
  start_index: number;
  count: number;
  bytes: number;
  sha256: string;
  files?: ShardFileEntry[] | undefined;
  /** An evaluation set's label file for this shard; listed only in the labels manifest, never the public one. */
  labels?: LabelsEntry | undefined;
}

/** A label file (`labels/NNNNN.jsonl`) of an evaluation set. */
export interface LabelsEntry {
  key: string;
  bytes: number;
  sha256: string;
}

export interface DatasetManifest {
  format: typeof MANIFEST_FORMAT;
  kind: "trajectories";
  generator: { name: "agentsynth"; version: string };
  spec: TrajectoryDatasetSpec;
  /**
   * The fully resolved generator config (defaults filled in) in the shape of a config file (snake_case sections), so
   * the dataset can be regenerated from it alone; `config.yaml` beside the manifest holds the same as YAML.
   */
  config: unknown;
  shards: ShardEntry[];
  totals: { trajectories: number; bytes: number; shards: number };
  /** Extra sections (splits, statistics) added by later stages, kept in insertion order. */
  [section: string]: unknown;
}

/**
 * Assembles a manifest. Shards are sorted by index; nothing time- or machine-dependent goes in, so the same spec
 * gives the same manifest bytes.
 */
export function buildManifest(input: {
  spec: TrajectoryDatasetSpec;
  config: unknown;
  shards: readonly ShardEntry[];
  sections?: Record<string, unknown>;
}): DatasetManifest {
  // A public manifest lists no label files (their hashes would let anyone confirm a guess of the labels).
  const shards = [...input.shards].sort((a, b) => a.index - b.index).map(({ labels: _labels, ...entry }) => entry);
  let trajectories = 0;
  let bytes = 0;
  for (const shard of shards) {
    trajectories += shard.count;
    bytes += shard.bytes;
  }
  return {
    format: MANIFEST_FORMAT,
    kind: "trajectories",
    generator: { name: "agentsynth", version: GENERATOR_VERSION },
    spec: publicSpec(input.spec),
    config: input.config,
    shards,
    totals: { trajectories, bytes, shards: shards.length },
    ...input.sections,
  };
}

export function serializeManifest(manifest: DatasetManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
