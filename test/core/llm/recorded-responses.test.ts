import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { createLanguageModel } from "../../../core/tasks/create-language-model.ts";

// Adapters with an injected fetch serving recorded responses (no socket at all).

async function fixtureFetch(provider: string, seen: string[]): Promise<typeof globalThis.fetch> {
  const body = await readFile(new URL(`../../fixtures/llm/${provider}/good.json`, import.meta.url), "utf8");
  return (async (input: string | URL | Request) => {
    seen.push(String(input instanceof Request ? input.url : input));
    return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
  }) as typeof globalThis.fetch;
}

describe("adapters with an injected fetch", () => {
  it.each([
    ["openai", "https://api.openai.com/v1/chat/completions", { inputTokens: 812, outputTokens: 23 }],
    ["anthropic", "https://api.anthropic.com/v1/messages", { inputTokens: 790, outputTokens: 25 }],
  ] as const)("parses the recorded %s response and calls the default endpoint", async (provider, url, usage) => {
    const seen: string[] = [];
    const model = createLanguageModel({ provider, apiKey: "test", fetch: await fixtureFetch(provider, seen) });
    const result = await model.generate({ system: "s", messages: [{ role: "user", content: "u" }] });
    expect(result).toStrictEqual({
      text: "TASK: Check whether wifi is enabled\nTRAJECTORY: get_wifi_status\nCATEGORIES: [setting]",
      finishReason: "stop",
      usage,
    });
    expect(seen).toStrictEqual([url]);
  });
});
