import { mkdirSync, watch } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { fanOutBatch, resumeBatches, submitBatch } from "../core/batch/submit.ts";
import { startBatchFromUpload } from "../core/batch/upload.ts";
import { BATCH_SPEC_PREFIX } from "../core/storage/keys.ts";
import { createApp } from "./api/app.ts";
import { createLocalDeps, type LocalDeps } from "./deps.ts";
import { logger } from "./logger.ts";

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `npm start`: the deployed API on @hono/node-server, with the fs store and the worker-thread queue. A spec dropped
 * into DATA_DIR/batches/ starts its batch, as an upload to the bucket does when deployed.
 */
export async function startLocalServer(
  deps: LocalDeps,
  options: { watchUploads?: boolean } = {},
): Promise<LocalServer> {
  const app = createApp({
    store: deps.store,
    taskModels: deps.taskModels,
    apiToken: deps.apiToken,
    limits: deps.limits,
    ledger: deps.ledger,
    stallAfterMs: deps.stallAfterMs,
    async startBatch(spec) {
      const result = await submitBatch(deps.store, deps.queue, spec, deps.limits);
      deps.ledger.clear(result.id);
      return { id: result.id, shards: result.shards, estimate: result.estimate };
    },
  });
  // Batches interrupted by a stop or a crash continue without being submitted again.
  for (const resumed of await resumeBatches(deps.store, deps.queue)) {
    logger.info("resumed batch", { ...resumed });
  }
  const server = await new Promise<ReturnType<typeof serve>>((resolveServer) => {
    const started = serve({ fetch: app.fetch, port: deps.port, hostname: deps.host }, () => resolveServer(started));
  });
  const address = server.address() as AddressInfo;
  const stopWatching = options.watchUploads === false ? () => undefined : watchUploads(deps);
  return {
    url: `http://${deps.host}:${address.port}`,
    async close() {
      stopWatching();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      await deps.queue.close();
    },
  };
}

/** Local stand-in for the bucket notification on batches/: start each spec file written there. */
function watchUploads(deps: LocalDeps): () => void {
  const dir = join(deps.dataDir, BATCH_SPEC_PREFIX);
  mkdirSync(dir, { recursive: true });
  const seen = new Map<string, NodeJS.Timeout>();
  const watcher = watch(dir, (_event, filename) => {
    if (filename === null) return;
    // Editors and copies fire several events per file: act once the file has been quiet for a moment.
    clearTimeout(seen.get(filename));
    seen.set(
      filename,
      setTimeout(() => {
        seen.delete(filename);
        void startUpload(deps, `${BATCH_SPEC_PREFIX}${filename}`);
      }, 200),
    );
  });
  return () => {
    watcher.close();
    for (const timer of seen.values()) clearTimeout(timer);
  };
}

async function startUpload(deps: LocalDeps, key: string): Promise<void> {
  try {
    const outcome = await startBatchFromUpload(deps.store, key, deps.limits);
    if (outcome.status === "started") await fanOutBatch(deps.store, deps.queue, outcome.id);
    if (outcome.status !== "ignored") logger.info("batch upload", { ...outcome });
  } catch (error) {
    logger.error("batch upload failed", { key, error: error instanceof Error ? error.message : String(error) });
  }
}

/** `npm start`: serves the API until SIGINT/SIGTERM. */
export async function main(): Promise<void> {
  const deps = createLocalDeps();
  const server = await startLocalServer(deps);
  logger.info(`agentsynth API on ${server.url} (docs: ${server.url}/docs), data in ${deps.dataDir}`, {
    url: server.url,
    data_dir: deps.dataDir,
  });
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (import.meta.main) await main();
