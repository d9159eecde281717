import { mkdirSync, watch } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { pollSubmittedBatches } from "../core/batch/poll-batches.ts";
import { fanOutBatch, submitBatch } from "../core/batch/submit.ts";
import { startBatchFromUpload } from "../core/batch/upload.ts";
import { BATCH_SPEC_PREFIX } from "../core/storage/keys.ts";
import { createApp } from "./api/app.ts";
import { createLocalDeps, type LocalDeps } from "./deps.ts";

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
  options: { watchUploads?: boolean; batchPollIntervalMs?: number } = {},
): Promise<LocalServer> {
  const app = createApp({
    store: deps.store,
    taskModels: deps.taskModels,
    apiToken: deps.apiToken,
    async startBatch(spec) {
      const result = await submitBatch(deps.store, deps.queue, spec);
      return { id: result.id, shards: result.shards };
    },
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolveServer) => {
    const started = serve({ fetch: app.fetch, port: deps.port, hostname: deps.host }, () => resolveServer(started));
  });
  const address = server.address() as AddressInfo;
  const stopWatching = options.watchUploads === false ? () => undefined : watchUploads(deps);
  const stopPolling = pollBatches(deps, options.batchPollIntervalMs ?? BATCH_POLL_INTERVAL_MS);
  return {
    url: `http://${deps.host}:${address.port}`,
    async close() {
      stopWatching();
      stopPolling();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      await deps.queue.close();
    },
  };
}

/** How often `npm start` polls submitted provider batches (the deployed Cron runs every 5 minutes). */
const BATCH_POLL_INTERVAL_MS = 60_000;

/** Local stand-in for the scheduled poller: one pass at a time, never overlapping. */
function pollBatches(deps: LocalDeps, intervalMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    pollSubmittedBatches({ store: deps.store, models: deps.taskModels, queue: deps.queue })
      .catch((error: unknown) => {
        console.error(JSON.stringify({ level: "error", message: "batch poll failed", error: String(error) }));
      })
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
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
    const outcome = await startBatchFromUpload(deps.store, key);
    if (outcome.status === "started") await fanOutBatch(deps.store, deps.queue, outcome.id);
    if (outcome.status !== "ignored") console.log(`[agentsynth] ${key}: ${outcome.status}, see ${outcome.resultKey}`);
  } catch (error) {
    console.error(`[agentsynth] ${key}: ${(error as Error).message}`);
  }
}

/** `npm start`: serves the API until SIGINT/SIGTERM. */
export async function main(): Promise<void> {
  const deps = createLocalDeps();
  const server = await startLocalServer(deps);
  console.log(`agentsynth API on ${server.url} (docs: ${server.url}/docs), data in ${deps.dataDir}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (import.meta.main) await main();
