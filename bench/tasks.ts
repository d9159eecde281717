// Task-generation bench: throughput against a local OpenAI-compatible server with 200 ms latency, and our own
// per-task overhead (context, prompts, parsing, validation, scenario) with an instant in-process model.

import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { GenerateResult, LanguageModel } from "../core/llm/index.ts";
import { createLanguageModel } from "../core/tasks/create-language-model.ts";
import { generateTaskBatch } from "../core/tasks/index.ts";
import { startLlmServer } from "../test/helpers/llm-server.ts";

const REPLY =
  "TASK: What will the date be 10 days from now?\nTRAJECTORY: get_current_timestamp -> shift_timestamp -> timestamp_to_datetime_info\nCATEGORIES: [utilities]";
const LATENCY_MS = 200;
const TASKS = 500;
const CONCURRENCY = 50;
const OVERHEAD_TASKS = 2000;

/** Printable lines for `npm run bench`. */
export async function benchTasks(): Promise<string[]> {
  const lines: string[] = [];

  const server = await startServerThread();
  try {
    const model = createLanguageModel({
      provider: "openai",
      apiKey: "bench",
      baseURL: server.openaiBaseURL,
      maxRetries: 0,
    });
    // Warm-up at full concurrency, so module loading and opening the 50 connections do not count.
    await generateTaskBatch({
      categories: [["utilities"]],
      count: CONCURRENCY,
      seed: 0,
      model,
      concurrency: CONCURRENCY,
    });
    const started = performance.now();
    const batch = await generateTaskBatch({
      categories: [["utilities"]],
      count: TASKS,
      seed: 1,
      model,
      concurrency: CONCURRENCY,
    });
    const seconds = (performance.now() - started) / 1000;
    const ideal = (TASKS / CONCURRENCY) * (LATENCY_MS / 1000);
    // The same calls straight through the adapter, without our pipeline: what HTTP and the SDK cost on their own.
    const request = { system: "You write tasks.", messages: [{ role: "user" as const, content: "x".repeat(4000) }] };
    const baselineStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TASKS) {
          next++;
          await model.generate(request);
        }
      }),
    );
    const baseline = (performance.now() - baselineStarted) / 1000;
    lines.push(
      `tasks: ${batch.report.produced}/${TASKS} tasks via the OpenAI SDK, ${LATENCY_MS} ms server, concurrency ${CONCURRENCY}: ` +
        `${seconds.toFixed(2)} s (ideal ${ideal.toFixed(2)} s, ${((seconds / ideal - 1) * 100).toFixed(0)}% over; ` +
        `bare adapter calls alone ${baseline.toFixed(2)} s)`,
    );
  } finally {
    await server.close();
  }

  const instant: LanguageModel = {
    provider: "instant",
    modelId: "instant",
    generate: async (): Promise<GenerateResult> => ({
      text: REPLY,
      finishReason: "stop",
      usage: { inputTokens: 0, outputTokens: 0 },
    }),
  };
  const template = createLanguageModel({ provider: "template" });
  const categories = [
    ["contact", "messaging"],
    ["reminder", "utilities"],
    ["setting", "rapid_api_search_tools"],
    ["utilities"],
  ];
  const runs = [
    ["fixed reply", instant, [["utilities"]]],
    ["template provider", template, categories],
  ] as const;
  for (const [label, model, combinations] of runs) {
    const options = { categories: combinations.map((combination) => [...combination]), model, concurrency: 1 };
    await generateTaskBatch({ ...options, count: 50, seed: 0 });
    const started = performance.now();
    const batch = await generateTaskBatch({ ...options, count: OVERHEAD_TASKS, seed: 2 });
    const perTask = (performance.now() - started) / OVERHEAD_TASKS;
    lines.push(
      `tasks: own overhead per task (${label}; state, prompts, parse, validate, scenario): ${perTask.toFixed(3)} ms ` +
        `over ${OVERHEAD_TASKS} tasks (${batch.report.produced} produced)`,
    );
  }
  return lines;
}

interface ServerThread {
  openaiBaseURL: string;
  close(): Promise<void>;
}

/** The scripted server in its own thread, so its JSON work does not share the event loop being measured. */
async function startServerThread(): Promise<ServerThread> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: "llm-server" } });
  const openaiBaseURL = await new Promise<string>((resolve, reject) => {
    worker.once("message", (message: { openaiBaseURL: string }) => resolve(message.openaiBaseURL));
    worker.once("error", reject);
  });
  return {
    openaiBaseURL,
    close: async () => {
      await worker.terminate();
    },
  };
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === "llm-server") {
  const server = await startLlmServer(() => ({ text: REPLY }), { delayMs: LATENCY_MS });
  parentPort?.postMessage({ openaiBaseURL: server.openaiBaseURL });
}
