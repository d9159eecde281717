import { afterEach, describe, expect, it } from "vitest";
import { createResponseCache, DEFAULT_PRICES } from "../../../core/llm/index.ts";
import { createMemoryObjectStore } from "../../../core/storage/drivers/memory.ts";
import { createLanguageModel } from "../../../core/tasks/create-language-model.ts";
import { generateTaskBatch } from "../../../core/tasks/index.ts";
import {
  type LlmServer,
  type LlmServerOptions,
  type RecordedRequest,
  startLlmServer,
} from "../../helpers/llm-server.ts";

// Batch mode through the official SDKs' Files/Batch and Message Batches methods, against the local server.

const VALID = "TASK: Check whether wifi is enabled\nTRAJECTORY: get_wifi_status\nCATEGORIES: [setting]";
let server: LlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The first reply of a request whose custom_id starts with a digit is malformed: that task needs a correction round. */
function script(request: RecordedRequest) {
  const messages = request.body.messages as Array<{ role: string; content: string }>;
  const correcting = messages.some((message) => message.role === "assistant");
  return { text: !correcting && /^[0-9]/.test(request.batchCustomId ?? "") ? "no idea" : VALID };
}

async function setUp(provider: "openai" | "anthropic", options: LlmServerOptions = {}) {
  server = await startLlmServer((request) => script(request), { batchPollsBeforeEnd: 2, ...options });
  const model = createLanguageModel({
    provider,
    apiKey: "test-key",
    baseURL: provider === "openai" ? server.openaiBaseURL : server.anthropicBaseURL,
    model: provider === "openai" ? "gpt-4o-mini" : "claude-sonnet-5-5",
  });
  return { model, server };
}

describe.each(["openai", "anthropic"] as const)("%s batch mode", (provider) => {
  it("produces every task in rounds, correction replies going into the next round, at half price", async () => {
    const { model, server } = await setUp(provider, {});
    const store = createMemoryObjectStore();
    const cache = createResponseCache(store);
    const batch = await generateTaskBatch({
      categories: [["setting"]],
      count: 6,
      seed: 3,
      model,
      cache,
      prices: DEFAULT_PRICES,
      batchApi: { store, pollIntervalMs: 1 },
    });
    expect(batch.report.produced).toBe(6);
    expect(server.requests.every((request) => request.batchCustomId !== undefined)).toBe(true);
    expect(server.stats.batchesCreated).toBeGreaterThanOrEqual(2);
    expect(batch.report.batch_api?.rounds).toBe(server.stats.batchesCreated);
    const corrected = batch.results.filter((result) => result.ok && result.attempts.length === 2);
    expect(corrected.length).toBeGreaterThan(0);
    // Half of the standard price: 100 input and 20 output tokens per reply in this server.
    const price = DEFAULT_PRICES[model.modelId] as { input: number; output: number };
    const perCall = ((100 * price.input + 20 * price.output) / 1e6) * 0.5;
    expect(batch.report.cost_usd).toBeCloseTo(perCall * server.requests.length, 10);
    expect(await store.list("batches/open/")).toMatchObject({ keys: [] });
  });

  it("resubmits expired requests in the next round", async () => {
    const { model, server } = await setUp(provider, { expire: (_id, times) => times === 0 });
    const store = createMemoryObjectStore();
    const batch = await generateTaskBatch({
      categories: [["setting"]],
      count: 4,
      seed: 3,
      model,
      cache: createResponseCache(store),
      batchApi: { store, pollIntervalMs: 1 },
    });
    expect(batch.report.produced).toBe(4);
    // Every request expired once, so each was sent in (at least) two batches.
    expect(batch.report.batch_api?.resubmittedRequests).toBeGreaterThanOrEqual(4);
    expect(server.stats.batchesCreated).toBeGreaterThanOrEqual(2);
  });

  it("resumes polling a batch submitted by a killed run instead of submitting it again", async () => {
    const { model, server } = await setUp(provider, { batchPollsBeforeEnd: 3 });
    const store = createMemoryObjectStore();
    const cache = createResponseCache(store);
    const controller = new AbortController();
    // Killed as soon as the first batch is submitted and recorded.
    const put = store.put.bind(store);
    store.put = async (key, body, options) => {
      await put(key, body, options);
      if (key.startsWith("batches/open/")) controller.abort(new Error("killed"));
    };
    const killed = await generateTaskBatch({
      categories: [["setting"]],
      count: 4,
      seed: 3,
      model,
      cache,
      signal: controller.signal,
      batchApi: { store, pollIntervalMs: 1 },
    });
    store.put = put;
    expect(killed.report.interrupted).toBe(4);
    expect(server.stats.batchesCreated).toBe(1);
    const resumed = await generateTaskBatch({
      categories: [["setting"]],
      count: 4,
      seed: 3,
      model,
      cache,
      batchApi: { store, pollIntervalMs: 1 },
    });
    expect(resumed.report.produced).toBe(4);
    expect(resumed.report.batch_api?.resumedBatches).toBe(1);
    // Round one was the resumed batch; only the correction round was submitted anew.
    expect(server.stats.batchesCreated).toBe(2);
  });
});
