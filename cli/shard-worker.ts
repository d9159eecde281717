// Worker thread: renders and writes the shards the main thread hands it (see shard-pool.ts).
import { parentPort, workerData } from "node:worker_threads";
import type { ShardPlan } from "../core/dataset/plan.ts";
import { produceTrajectoryShard } from "../core/dataset/produce-shard.ts";
import { resolveDatasetConfig } from "../core/dataset/resolve-config.ts";
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
    const { entry, stats } = await produceTrajectoryShard(store, spec, config, shard, (rendered) =>
      send({ type: "progress", shard: shard.shard, rendered }),
    );
    send({ type: "done", entry, stats });
  } catch (error) {
    send({ type: "error", shard: shard.shard, message: error instanceof Error ? error.message : String(error) });
  }
});
