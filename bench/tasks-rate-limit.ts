// Fixed against adaptive concurrency against a server that answers 429 above 10 requests in flight, side by side in
// one run, and a rerun of the adaptive run from its response cache.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { createResponseCache } from "../core/llm/index.ts";
import { createObjectStore } from "../core/storage/create-object-store.ts";
import { createLanguageModel } from "../core/tasks/create-language-model.ts";
import { generateTaskBatch } from "../core/tasks/index.ts";
import { startLlmServer } from "../test/helpers/llm-server.ts";

const REPLY =
  "TASK: What will the date be 10 days from now?\nTRAJECTORY: get_current_timestamp -> shift_timestamp -> timestamp_to_datetime_info\nCATEGORIES: [utilities]";
const TASKS = 200;
const CONCURRENCY = 50;
const SERVER_LIMIT = 10;
const LATENCY_MS = 100;

interface ServerStats {
  requests: number;
  rejected: number;
  peakInFlight: number;
}

/** Printable lines for `npm run bench -- tasks`. */
export async function benchRateLimitedTasks(): Promise<string[]> {
  const ideal = (TASKS / SERVER_LIMIT) * (LATENCY_MS / 1000);
  const lines = [
    `tasks vs a server answering 429 above ${SERVER_LIMIT} in flight (${LATENCY_MS} ms a reply): ${TASKS} tasks at --concurrency ${CONCURRENCY}, ideal ${ideal.toFixed(1)} s`,
  ];
  const cacheDir = await mkdtemp(join(tmpdir(), "agentsynth-bench-cache-"));
  try {
    const cache = createResponseCache(createObjectStore({ driver: "fs", baseDir: cacheDir, fsync: false }));
    for (const mode of ["fixed", "adaptive", "adaptive, rerun from cache"] as const) {
      const server = await startServerThread();
      try {
        const model = createLanguageModel({
          provider: "openai",
          apiKey: "bench",
          baseURL: server.openaiBaseURL,
          model: "bench-model",
          concurrency: CONCURRENCY,
          adaptive: mode !== "fixed",
        });
        const started = performance.now();
        const batch = await generateTaskBatch({
          categories: [["utilities"]],
          count: TASKS,
          seed: 1,
          model,
          concurrency: CONCURRENCY,
          ...(mode === "fixed" ? {} : { cache }),
        });
        const seconds = (performance.now() - started) / 1000;
        const stats = await server.stats();
        const share = stats.requests === 0 ? 0 : (stats.rejected / stats.requests) * 100;
        lines.push(
          `  ${mode.padEnd(27)} ${String(batch.report.produced).padStart(3)}/${TASKS} tasks, ` +
            `${String(stats.requests).padStart(3)} calls made, ${String(stats.rejected).padStart(3)} answered 429 (${share.toFixed(1)}%), ` +
            `${seconds.toFixed(2)} s = ${(seconds / ideal).toFixed(2)}x ideal, peak ${stats.peakInFlight} in flight` +
            (mode === "adaptive, rerun from cache" ? `, ${batch.report.calls.cache_hits} replies from the cache` : ""),
        );
      } finally {
        await server.close();
      }
    }
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
  return lines;
}

interface ServerThread {
  openaiBaseURL: string;
  stats(): Promise<ServerStats>;
  close(): Promise<void>;
}

/** The limited server in its own thread, so its work does not share the event loop being measured. */
async function startServerThread(): Promise<ServerThread> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: "limited-llm-server" } });
  const openaiBaseURL = await new Promise<string>((resolve, reject) => {
    worker.once("message", (message: { openaiBaseURL: string }) => resolve(message.openaiBaseURL));
    worker.once("error", reject);
  });
  return {
    openaiBaseURL,
    stats: () =>
      new Promise<ServerStats>((resolve) => {
        worker.once("message", (message: ServerStats) => resolve(message));
        worker.postMessage("stats");
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === "limited-llm-server") {
  const server = await startLlmServer(() => ({ text: REPLY }), { delayMs: LATENCY_MS, maxInFlight: SERVER_LIMIT });
  parentPort?.on("message", () => {
    parentPort?.postMessage({
      requests: server.requests.length,
      rejected: server.stats.rejected,
      peakInFlight: server.stats.peakInFlight,
    });
  });
  parentPort?.postMessage({ openaiBaseURL: server.openaiBaseURL });
}
