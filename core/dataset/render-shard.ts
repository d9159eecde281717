import { createGzip } from "node:zlib";
import { generateTrajectory, serializeTrajectory, type Trajectory, type TrajectoryConfig } from "../trajectory/index.ts";

export interface TrajectoryShardInput {
  config: TrajectoryConfig;
  seed: number;
  startIndex: number;
  count: number;
  gzip: boolean;
  /** Called every few hundred trajectories with the number rendered so far in this shard. */
  onProgress?: (rendered: number) => void;
  /** Sees every trajectory before it is serialised (dataset statistics). */
  onTrajectory?: (trajectory: Trajectory) => void;
  /** One line of output per trajectory; the trajectory JSON by default, or an export format. */
  serialize?: (trajectory: Trajectory) => string;
}

/** Lines are joined into chunks of about this size: big enough to amortise writes, small enough to stream. */
const CHUNK_CHARS = 1 << 20;
/** How often (in trajectories) onProgress is called. */
const PROGRESS_EVERY = 256;

/** JSONL text of trajectories [startIndex, startIndex + count), in chunks of whole lines. */
export function* renderTrajectoryLines(input: Omit<TrajectoryShardInput, "gzip">): Generator<string> {
  const { config, seed, startIndex, count, onProgress, onTrajectory } = input;
  const serialize = input.serialize ?? serializeTrajectory;
  let buffer = "";
  for (let k = 0; k < count; k++) {
    const trajectory = generateTrajectory(config, seed, startIndex + k);
    onTrajectory?.(trajectory);
    buffer += `${serialize(trajectory)}\n`;
    if (buffer.length >= CHUNK_CHARS) {
      yield buffer;
      buffer = "";
    }
    if (onProgress && ((k + 1) % PROGRESS_EVERY === 0 || k + 1 === count)) onProgress(k + 1);
  }
  if (buffer.length > 0) yield buffer;
}

/**
 * The bytes of one trajectory shard: JSONL, gzip-compressed when asked. The same input gives the same bytes, which is
 * what lets a retried shard job write identical content to the same key.
 * @example
 * for await (const chunk of renderTrajectoryShard({ config, seed: 42, startIndex: 0, count: 100, gzip: false })) out.write(chunk);
 */
export async function* renderTrajectoryShard(input: TrajectoryShardInput): AsyncGenerator<Uint8Array> {
  const lines = renderTrajectoryLines(input);
  if (!input.gzip) {
    for (const text of lines) yield Buffer.from(text, "utf8");
    return;
  }
  const gzip = createGzip({ level: 6 });
  const pump = (async () => {
    try {
      for (const text of lines) {
        if (!gzip.write(text)) await new Promise<void>((resolve) => gzip.once("drain", resolve));
      }
      gzip.end();
    } catch (error) {
      gzip.destroy(error as Error);
    }
  })();
  for await (const chunk of gzip) yield chunk as Buffer;
  await pump;
}
