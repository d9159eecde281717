import { createHash } from "node:crypto";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { TableFormat } from "../export/formats.ts";
import type { Seed } from "../random.ts";
import { formatShardIndex } from "../storage/keys.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import type { Trajectory, TrajectoryConfig } from "../trajectory/index.ts";
import { separateLabels } from "../trajectory/labels.ts";
import { generateTrajectory } from "./generate-trajectory.ts";
import type { ShardFileEntry } from "./manifest.ts";
import { writeShard } from "./write-shard.ts";

export interface TableShardInput {
  format: TableFormat;
  config: TrajectoryConfig;
  seed: Seed;
  shard: number;
  startIndex: number;
  count: number;
  /** Prepended to every file key (a batch's dataset folder); keys in the result stay relative. */
  keyPrefix?: string;
  onProgress?: (rendered: number) => void;
  onTrajectory?: (trajectory: Trajectory) => void;
  /**
   * Evaluation-set mode: receives each trajectory's labels as one JSON line, and the files get no label, seed or
   * index columns.
   */
  onLabels?: (line: string) => void;
}

export interface WrittenTableShard {
  /** The pattern of the shard's keys, `{table}/{split}/NNNNN.parquet`. */
  key: string;
  bytes: number;
  /** sha256 of the `sha256sum` listing of `files`. */
  sha256: string;
  files: ShardFileEntry[];
}

/** How often (in trajectories) onProgress is called and the event loop gets a turn. */
const PROGRESS_EVERY = 256;

/**
 * Generates one shard of a table format (Parquet) and writes its files to `store`. The files are rendered in memory
 * (compressed, about 2 KB per trajectory) and then written; the same input gives the same bytes, so a retried shard
 * overwrites its files with identical content.
 * @example
 * const written = await writeTableShard(store, { format, config, seed: 42, shard: 0, startIndex: 0, count: 1000 });
 */
export async function writeTableShard(store: ObjectStore, input: TableShardInput): Promise<WrittenTableShard> {
  const { onLabels } = input;
  const writer = input.format.createShardWriter(input.shard, onLabels === undefined ? {} : { evaluation: true });
  for (let k = 0; k < input.count; k++) {
    const trajectory = generateTrajectory(input.config, input.seed, input.startIndex + k);
    input.onTrajectory?.(trajectory);
    if (onLabels !== undefined) onLabels(JSON.stringify(separateLabels(trajectory).labels));
    writer.add(trajectory);
    if ((k + 1) % PROGRESS_EVERY === 0 || k + 1 === input.count) {
      input.onProgress?.(k + 1);
      // A server rendering a shard on request keeps answering other requests meanwhile.
      await yieldToEventLoop();
    }
  }
  const files: ShardFileEntry[] = [];
  for (const file of writer.finish()) {
    const written = await writeShard(store, `${input.keyPrefix ?? ""}${file.key}`, fromChunks(file.chunks));
    files.push({ key: file.key, table: file.table, split: file.split, rows: file.rows, ...summary(written) });
  }
  const listing = files.map((file) => `${file.sha256}  ${file.key}\n`).join("");
  return {
    key: `{table}/{split}/${formatShardIndex(input.shard)}.parquet`,
    bytes: files.reduce((sum, file) => sum + file.bytes, 0),
    sha256: createHash("sha256").update(listing).digest("hex"),
    files,
  };
}

function summary(written: { bytes: number; sha256: string }) {
  return { bytes: written.bytes, sha256: written.sha256 };
}

async function* fromChunks(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}
