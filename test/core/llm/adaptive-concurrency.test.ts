import { afterEach, describe, expect, it } from "vitest";
import { LlmCallError } from "../../../core/errors.ts";
import { readRateLimitHint, readRetryAfterMs } from "../../../core/llm/index.ts";
import { createLanguageModel } from "../../../core/tasks/create-language-model.ts";
import { generateTaskBatch } from "../../../core/tasks/index.ts";
import { type LlmServer, startLlmServer } from "../../helpers/llm-server.ts";

// The real OpenAI and Anthropic SDKs against a server with a capacity: 429 above it, or queueing above it.

const VALID = "TASK: Check whether wifi is enabled\nTRAJECTORY: get_wifi_status\nCATEGORIES: [setting]";
let server: LlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each(["openai", "anthropic"] as const)("%s through the adaptive limiter", (provider) => {
  it("produces every task at a ceiling far above a 429-limited server, with few requests refused", async () => {
    server = await startLlmServer(() => ({ text: VALID }), { maxInFlight: 5, delayMs: 15 });
    const model = createLanguageModel({
      provider,
      apiKey: "test-key",
      baseURL: provider === "openai" ? server.openaiBaseURL : server.anthropicBaseURL,
      model: "limited-model",
      concurrency: 40,
      backoffMs: 20,
    });
    const batch = await generateTaskBatch({ categories: [["setting"]], count: 80, seed: 1, model, concurrency: 40 });
    expect(batch.report.produced).toBe(80);
    const refusedShare = server.stats.rejected / server.requests.length;
    expect(refusedShare).toBeLessThan(0.15);
    expect(batch.report.rate_limit?.overloads).toBe(server.stats.rejected);
    // It converged below the ceiling, near the server's capacity.
    expect(batch.report.rate_limit?.limit).toBeLessThanOrEqual(8);
  }, 90_000);
});

it("cuts concurrency on rising latency when the server queues instead of refusing", async () => {
  server = await startLlmServer(() => ({ text: VALID }), { maxInFlight: 4, delayMs: 40, overload: "queue" });
  const model = createLanguageModel({
    provider: "openai",
    apiKey: "test-key",
    baseURL: server.openaiBaseURL,
    model: "queueing-model",
    concurrency: 32,
  });
  const batch = await generateTaskBatch({ categories: [["setting"]], count: 60, seed: 1, model, concurrency: 32 });
  expect(batch.report.produced).toBe(60);
  expect(server.stats.rejected).toBe(0);
  const stats = batch.report.rate_limit;
  expect(stats?.slowSuccesses).toBeGreaterThan(0);
  expect(stats?.limit).toBeLessThan(16);
}, 90_000);

it("cuts a Retry-After of an hour to --max-wait-ms and counts each cut wait as a failed attempt", async () => {
  server = await startLlmServer([{ status: 429, headers: { "retry-after": "3600" } }]);
  const model = createLanguageModel({
    provider: "openai",
    apiKey: "sk-proj-secretsecret",
    baseURL: server.openaiBaseURL,
    model: "retry-after-model",
    maxRetries: 2,
    maxWaitMs: 30,
  });
  const error = await model
    .generate({ system: "s", messages: [{ role: "user", content: "u" }] })
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(LlmCallError);
  expect(error).toMatchObject({ code: "llm_rate_limited", status: 429 });
  expect((error as Error).message).toContain("2 Retry-After waits were longer than --max-wait-ms and cut short");
  expect((error as Error).message).toContain("Rate limit reached, slow down.");
  expect(server.requests).toHaveLength(3);
});

it("names auth failures and outages by code, with the provider's message and the key redacted", async () => {
  server = await startLlmServer([{ status: 401 }]);
  const key = "sk-ant-abcdefghijklmnop";
  const model = createLanguageModel({ provider: "anthropic", apiKey: key, baseURL: server.anthropicBaseURL });
  const auth = await model.generate({ system: "s", messages: [{ role: "user", content: "u" }] }).catch((e) => e);
  expect(auth).toMatchObject({ code: "llm_auth_failed", status: 401 });
  await server.close();
  server = await startLlmServer([{ status: 529 }]);
  const down = createLanguageModel({
    provider: "anthropic",
    apiKey: key,
    baseURL: server.anthropicBaseURL,
    model: "outage-model",
    maxRetries: 1,
    backoffMs: 1,
  });
  const outage = await down.generate({ system: "s", messages: [{ role: "user", content: "u" }] }).catch((e) => e);
  expect(outage).toMatchObject({ code: "llm_unavailable", status: 529 });
  expect((outage as Error).message).toContain("Scripted failure with status 529");
  expect((outage as Error).message).not.toContain(key);
});

it("stops at the rate-limit window the headers announce instead of waiting for a 429", async () => {
  server = await startLlmServer([
    { text: VALID, headers: { "x-ratelimit-remaining-requests": "1", "x-ratelimit-reset-requests": "20ms" } },
  ]);
  const model = createLanguageModel({
    provider: "openai",
    apiKey: "test-key",
    baseURL: server.openaiBaseURL,
    model: "headers-model",
    concurrency: 16,
  });
  await model.generate({ system: "s", messages: [{ role: "user", content: "u" }] });
  expect(model.limiter?.stats().limit).toBe(1);
});

describe("rate-limit headers", () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);
  it("reads OpenAI's and Anthropic's remaining quota and reset", () => {
    expect(
      readRateLimitHint(
        headers({
          "x-ratelimit-remaining-requests": "0",
          "x-ratelimit-reset-requests": "6m0s",
          "x-ratelimit-remaining-tokens": "900",
          "x-ratelimit-reset-tokens": "120ms",
        }),
        0,
      ),
    ).toStrictEqual({ remainingRequests: 0, remainingTokens: 900, resetMs: 360_000 });
    expect(
      readRateLimitHint(
        headers({
          "anthropic-ratelimit-requests-remaining": "12",
          "anthropic-ratelimit-tokens-remaining": "0",
          "anthropic-ratelimit-tokens-reset": "2026-01-01T00:00:05Z",
        }),
        Date.parse("2026-01-01T00:00:00Z"),
      ),
    ).toStrictEqual({ remainingRequests: 12, remainingTokens: 0, resetMs: 5000 });
    expect(readRateLimitHint(headers({}), 0)).toBeUndefined();
  });

  it("reads Retry-After in seconds, as a date, and retry-after-ms", () => {
    expect(readRetryAfterMs(headers({ "retry-after": "3" }), 0)).toBe(3000);
    expect(readRetryAfterMs(headers({ "retry-after-ms": "250", "retry-after": "3" }), 0)).toBe(250);
    expect(readRetryAfterMs(headers({ "retry-after": "Thu, 01 Jan 1970 00:00:10 GMT" }), 4000)).toBe(6000);
    expect(readRetryAfterMs(headers({}), 0)).toBeUndefined();
  });
});
