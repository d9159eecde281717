// Worker thread: renders and writes the shards the main thread hands it (see shard-pool.ts).
import { parentPort, workerData } from "node:worker_threads";
import { type ShardPlan, shardKey } from "../core/dataset/plan.ts";
import { renderTrajectoryShard } from "../core/dataset/render-shard.ts";
import { resolveDatasetConfig } from "../core/dataset/resolve-config.ts";
import { createDatasetStats } from "../core/dataset/stats.ts";
import { writeShard } from "../core/dataset/write-shard.ts";
import { createFsObjectStore } from "../core/storage/drivers/fs.ts";
import type { ShardWorkerData, ShardWorkerMessage } from "./shard-pool.ts";

const { spec, outDir } = workerData as ShardWorkerData;
const config = resolveDatasetConfig(spec);
// No fsync per shard: like cp or tar, the CLI leaves flushing to the OS; the manifest's sha256 verifies the files.
const store = createFsObjectStore({ baseDir: outDir, fsync: false });
const port = parentPort!;
const send = (message: ShardWorkerMessage) => port.postMessage(message);

port.on("message", async (shard: ShardPlan) => {
  try {
    const key = shardKey(shard.shard, spec.gzip);
    const stats = createDatasetStats();
    const chunks = renderTrajectoryShard({
      config,
      seed: spec.seed,
      startIndex: shard.start_index,
      count: shard.count,
      gzip: spec.gzip,
      format: spec.format,
      onProgress: (rendered) => send({ type: "progress", shard: shard.shard, rendered }),
      onTrajectory: (trajectory) => stats.add(trajectory),
    });
    const written = await writeShard(store, key, chunks);
    send({
      type: "done",
      entry: {
        index: shard.shard,
        key,
        start_index: shard.start_index,
        count: shard.count,
        bytes: written.bytes,
        sha256: written.sha256,
      },
      stats: stats.toJSON(),
    });
  } catch (error) {
    send({ type: "error", shard: shard.shard, message: error instanceof Error ? error.message : String(error) });
  }
});
