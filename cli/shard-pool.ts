import type { ShardDoneRecord } from "../core/batch/records.ts";
import type { ShardPlan } from "../core/dataset/plan.ts";
import type { TrajectoryDatasetSpec } from "../core/dataset/spec.ts";
import { BatchError } from "../core/errors.ts";
import { siblingModule } from "../core/module-url.ts";
import type { JobHandlerModule } from "../core/pool/job-handler.ts";
import { createInProcessJobQueue } from "../core/queue/in-process.ts";

export interface ShardWorkerData {
  spec: TrajectoryDatasetSpec;
  outDir: string;
}

/** Tries per shard: a thread that dies mid-shard (out of memory, a crash) gets its shard retried on a fresh one. */
const SHARD_ATTEMPTS = 3;

export interface ShardRunResult {
  records: ShardDoneRecord[];
  /** True when `signal` stopped the run: `records` holds the shards that finished, the rest are not written. */
  interrupted: boolean;
}

/**
 * Renders and writes shards on the shared worker pool (through the in-process queue: its retries and timeouts), one
 * shard at a time per thread, handing out shards in order. Each shard's bytes depend only on the spec and the shard,
 * so the result is the same for any number of workers, and a retried shard is byte-identical to a first try. When
 * `signal` aborts (SIGINT/SIGTERM), no new shard starts and the running ones get `graceMs` to finish.
 */
export async function runShardsOnWorkers(options: {
  spec: TrajectoryDatasetSpec;
  outDir: string;
  plan: readonly ShardPlan[];
  workers: number;
  onProgress: (done: number) => void;
  signal?: AbortSignal;
  graceMs?: number;
  /** The shard handler module; tests swap in one that injects faults. */
  handler?: JobHandlerModule;
}): Promise<ShardRunResult> {
  const { plan, onProgress } = options;
  const records: ShardDoneRecord[] = [];
  const renderedByShard = new Map<number, number>();
  let finishedCount = 0;
  const report = () => {
    let done = finishedCount;
    for (const rendered of renderedByShard.values()) done += rendered;
    onProgress(done);
  };
  const workerData: ShardWorkerData = { spec: options.spec, outDir: options.outDir };
  const queue = createInProcessJobQueue<ShardPlan>({
    handler: options.handler ?? {
      moduleUrl: siblingModule("shard-worker", import.meta.url),
      exportName: "createCliShardHandler",
      workerData,
    },
    concurrency: options.workers,
    maxAttempts: SHARD_ATTEMPTS,
    retryDelayMs: 0,
    // Measured: a larger young generation is no faster here and costs ~30 MB more per thread.
    resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 96 },
    onJobProgress: (shard, rendered) => {
      renderedByShard.set(shard.shard, rendered as number);
      report();
    },
    onJobDone: (shard, result) => {
      renderedByShard.delete(shard.shard);
      finishedCount += shard.count;
      records.push(result as ShardDoneRecord);
      report();
    },
  });
  const signal = options.signal;
  try {
    await queue.send(plan);
    const idle = queue.onIdle();
    idle.catch(() => undefined); // rejects when a shutdown hands jobs back, which is handled below
    const stopped = new Promise<void>((resolve) => {
      if (signal?.aborted) resolve();
      signal?.addEventListener("abort", () => resolve(), { once: true });
    });
    await Promise.race([idle, stopped]);
    if (signal?.aborted) {
      await queue.shutdown({ graceMs: options.graceMs ?? 0 });
      return { records: sortByIndex(records), interrupted: true };
    }
    const [dead] = queue.deadLetters();
    if (dead !== undefined) {
      throw new BatchError(
        `Shard ${dead.job.shard} failed after ${dead.attempts} attempt(s): ${dead.error}. The other shards are written: ` +
          "fix the cause and run the same command with --resume.",
      );
    }
    return { records: sortByIndex(records), interrupted: false };
  } finally {
    await queue.close();
  }
}

function sortByIndex(records: ShardDoneRecord[]): ShardDoneRecord[] {
  return records.sort((a, b) => a.index - b.index);
}
