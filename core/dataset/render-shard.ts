import { constants, createGzip, createZstdCompress } from "node:zlib";
import { lineFormat, type TrajectoryFormatName } from "../export/formats.ts";
import type { Seed } from "../random.ts";
import type { ShardCompression } from "../storage/keys.ts";
import type { Trajectory, TrajectoryConfig } from "../trajectory/index.ts";
import { separateLabels, type TrajectoryRecord } from "../trajectory/labels.ts";
import { generateTrajectory } from "./generate-trajectory.ts";

export interface TrajectoryShardInput {
  config: TrajectoryConfig;
  seed: Seed;
  startIndex: number;
  count: number;
  gzip: boolean;
  /** Overrides `gzip`: how the JSONL is compressed (zstd is several times cheaper to write than gzip). */
  compression?: ShardCompression;
  /** Called every few hundred trajectories with the number rendered so far in this shard. */
  onProgress?: (rendered: number) => void;
  /** Sees every trajectory before it is serialised (dataset statistics). */
  onTrajectory?: (trajectory: Trajectory) => void;
  /** One line of output per trajectory: the trajectory JSON (default) or an export format. */
  format?: TrajectoryFormatName;
  /**
   * Evaluation-set mode: receives each trajectory's labels as one JSON line (`TrajectoryLabels`), and the shard line
   * is rendered from the record without them, whatever the format.
   */
  onLabels?: (line: string) => void;
}

/**
 * Output is encoded into buffers of about this size: big enough to amortise writes, small enough to stream. It stays
 * under 512 KiB because Node's `FileHandle.writeFile` splits bigger chunks into several writes, and only the first
 * overlaps rendering the next chunk (see `readAhead`): with 1 MiB chunks a worker sat idle for 8% of a run.
 */
const CHUNK_BYTES = 448 * 1024;
/** How often (in trajectories) onProgress is called. */
const PROGRESS_EVERY = 256;
const NEWLINE = 10;

/**
 * UTF-8 JSONL of trajectories [startIndex, startIndex + count), in chunks of whole lines. Each line is encoded straight
 * into the chunk buffer: joining lines into one string first would build a rope that has to be flattened and copied
 * again, which costs more than the encoding itself.
 */
export function* renderTrajectoryChunks(input: Omit<TrajectoryShardInput, "gzip" | "compression">): Generator<Buffer> {
  const { config, seed, startIndex, count, onProgress, onTrajectory, onLabels } = input;
  const serialize = lineFormat(input.format ?? "trajectory").serialize;
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  for (let k = 0; k < count; k++) {
    const trajectory = generateTrajectory(config, seed, startIndex + k);
    onTrajectory?.(trajectory);
    let record: TrajectoryRecord = trajectory;
    if (onLabels !== undefined) {
      const separated = separateLabels(trajectory);
      onLabels(JSON.stringify(separated.labels));
      record = separated.record;
    }
    const line = serialize(record);
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
    const worstCase = line.length * 3 + 1;
    if (used + worstCase > chunk.length) {
      if (used > 0) yield chunk.subarray(0, used);
      chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, worstCase));
      used = 0;
    }
    used += chunk.write(line, used);
    chunk[used++] = NEWLINE;
    if (onProgress && ((k + 1) % PROGRESS_EVERY === 0 || k + 1 === count)) onProgress(k + 1);
  }
  if (used > 0) yield chunk.subarray(0, used);
}

/**
 * Compression levels of JSONL shards, chosen by `npm run bench -- compression`: zstd level 1 costs a fraction of
 * gzip's time for output of about the same size. gzip keeps level 6 (zlib's default), so `--gzip` datasets keep
 * their bytes.
 */
export const GZIP_LEVEL = 6;
export const ZSTD_LEVEL = 1;

/** A compressing stream for `compression`. */
export function createShardCompressor(compression: "gzip" | "zstd") {
  return compression === "gzip"
    ? createGzip({ level: GZIP_LEVEL })
    : createZstdCompress({ params: { [constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } });
}

/**
 * The bytes of one trajectory shard: JSONL, gzip- or zstd-compressed when asked. The same input gives the same bytes,
 * which is what lets a retried shard job write identical content to the same key.
 * @example
 * for await (const chunk of renderTrajectoryShard({ config, seed: 42, startIndex: 0, count: 100, gzip: false })) out.write(chunk);
 */
export async function* renderTrajectoryShard(input: TrajectoryShardInput): AsyncGenerator<Uint8Array> {
  const chunks = renderTrajectoryChunks(input);
  const compression = input.compression ?? (input.gzip ? "gzip" : "none");
  if (compression === "none") {
    yield* readAhead(chunks);
    return;
  }
  const compressor = createShardCompressor(compression);
  const pump = (async () => {
    try {
      for (const chunk of chunks) {
        if (!compressor.write(chunk)) await new Promise<void>((resolve) => compressor.once("drain", resolve));
      }
      compressor.end();
    } catch (error) {
      compressor.destroy(error as Error);
    }
  })();
  for await (const chunk of compressor) yield chunk as Buffer;
  await pump;
}

/**
 * Yields the chunks of `source`, rendering the next one while the consumer writes the current one. The next chunk is
 * started from `setImmediate`, after the consumer has had the current chunk and dispatched its (asynchronous) write,
 * so generation on this thread overlaps the write in the I/O pool instead of waiting for it.
 */
async function* readAhead(source: Iterator<Buffer>): AsyncGenerator<Buffer> {
  const nextChunk = () => {
    const promise = new Promise<IteratorResult<Buffer>>((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(source.next());
        } catch (error) {
          reject(error);
        }
      });
    });
    // A consumer that stops early never awaits the prefetch; its failure must not become an unhandled rejection.
    promise.catch(() => undefined);
    return promise;
  };
  let pending = nextChunk();
  for (;;) {
    const result = await pending;
    if (result.done) return;
    pending = nextChunk();
    yield result.value;
  }
}
