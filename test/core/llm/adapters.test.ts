import { afterEach, describe, expect, it } from "vitest";
import { LlmCallError } from "../../../core/errors.ts";
import type { LanguageModel } from "../../../core/llm/index.ts";
import { createLanguageModel } from "../../../core/tasks/create-language-model.ts";
import { type LlmServer, type ReplyScript, startLlmServer } from "../../helpers/llm-server.ts";

// Both official SDKs against the local wire-protocol server: real HTTP, real retries, real error classes.

let server: LlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const PROVIDERS = ["openai", "anthropic"] as const;

async function modelFor(
  provider: (typeof PROVIDERS)[number],
  script: ReplyScript,
  overrides: { maxRetries?: number; timeoutMs?: number } = {},
): Promise<LanguageModel> {
  server = await startLlmServer(script);
  return createLanguageModel({
    provider,
    apiKey: "test-key",
    baseURL: provider === "openai" ? server.openaiBaseURL : server.anthropicBaseURL,
    model: "test-model",
    maxRetries: overrides.maxRetries ?? 1,
    timeoutMs: overrides.timeoutMs ?? 2000,
  });
}

const request = { system: "You write tasks.", messages: [{ role: "user" as const, content: "One task please." }] };

describe.each(PROVIDERS)("%s adapter", (provider) => {
  it("returns text, finish reason and usage when the server answers", async () => {
    const model = await modelFor(provider, [{ text: "TASK: x", usage: { inputTokens: 11, outputTokens: 7 } }]);
    const result = await model.generate({ ...request, maxTokens: 300 });
    expect(result).toStrictEqual({
      text: "TASK: x",
      finishReason: "stop",
      usage: { inputTokens: 11, outputTokens: 7 },
    });
    const body = server?.requests[0]?.body ?? {};
    expect(body.model).toBe("test-model");
    expect(body.max_tokens).toBe(300);
    if (provider === "openai") {
      expect(body.messages).toStrictEqual([
        { role: "system", content: "You write tasks." },
        { role: "user", content: "One task please." },
      ]);
      expect(body.temperature).toBe(0.8);
    } else {
      expect(body.system).toBe("You write tasks.");
      expect(body.messages).toStrictEqual([{ role: "user", content: "One task please." }]);
    }
  });

  it("reports a length stop when the reply was truncated", async () => {
    const model = await modelFor(provider, [{ text: "TASK: half a", finish: "length" }]);
    expect((await model.generate(request)).finishReason).toBe("length");
  });

  it("returns empty text when the reply is empty", async () => {
    const model = await modelFor(provider, [{ text: "" }]);
    expect((await model.generate(request)).text).toBe("");
  });

  it("waits as long as Retry-After says and succeeds when a 429 is followed by a reply", async () => {
    const model = await modelFor(provider, [{ status: 429, headers: { "retry-after": "0.05" } }, { text: "ok" }]);
    const started = performance.now();
    const result = await model.generate(request);
    const elapsed = performance.now() - started;
    expect(result.text).toBe("ok");
    expect(server?.requests).toHaveLength(2);
    // At least what Retry-After asked for (no upper bound: a loaded machine only makes it slower).
    expect(elapsed).toBeGreaterThanOrEqual(45);
  });

  it("throws a retryable llm_unavailable error with the status when 500s outlast the retries", async () => {
    const model = await modelFor(provider, [{ status: 500, headers: { "retry-after-ms": "10" } }]);
    const error = await model.generate(request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmCallError);
    expect(error).toMatchObject({ provider, status: 500, isRetryable: true, code: "llm_unavailable" });
    expect(server?.requests).toHaveLength(2);
  });

  it("throws a non-retryable LlmCallError without retrying when the request is rejected with 400", async () => {
    const model = await modelFor(provider, [{ status: 400 }]);
    const error = await model.generate(request).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, isRetryable: false });
    expect(server?.requests).toHaveLength(1);
  });

  it("throws a retryable timeout error when the server does not answer in time", async () => {
    const model = await modelFor(provider, [{ text: "late", delayMs: 1500 }], { maxRetries: 0, timeoutMs: 150 });
    const error = await model.generate(request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmCallError);
    expect(error).toMatchObject({ provider, isRetryable: true, status: undefined });
    expect((error as Error).message).toMatch(/timed out/);
  });

  it("throws a non-retryable abort error when the caller aborts", async () => {
    const model = await modelFor(provider, [{ text: "late", delayMs: 1500 }], { maxRetries: 0 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await model.generate({ ...request, signal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ provider, isRetryable: false });
    expect((error as Error).message).toMatch(/aborted/);
  });
});
