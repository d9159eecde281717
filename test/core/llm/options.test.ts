import { describe, expect, it } from "vitest";
import { isRetryableStatus, languageModelOptionsFromEnv } from "../../../core/llm/index.ts";
import { createLanguageModel } from "../../../core/tasks/create-language-model.ts";

describe("languageModelOptionsFromEnv", () => {
  it("reads the OpenAI key, base URL and model when they are set", () => {
    const env = { OPENAI_API_KEY: "sk-1", OPENAI_BASE_URL: "http://127.0.0.1:8000/v1", OPENAI_MODEL: "llama" };
    expect(languageModelOptionsFromEnv("openai", env)).toStrictEqual({
      provider: "openai",
      apiKey: "sk-1",
      baseURL: "http://127.0.0.1:8000/v1",
      model: "llama",
    });
  });

  it("lets overrides win and ignores blank variables when both are given", () => {
    const env = { ANTHROPIC_API_KEY: "  ", ANTHROPIC_MODEL: "claude-a" };
    expect(languageModelOptionsFromEnv("anthropic", env, { model: "claude-b", maxRetries: 1 })).toStrictEqual({
      provider: "anthropic",
      model: "claude-b",
      maxRetries: 1,
    });
  });

  it("reads nothing from the environment for the template provider", () => {
    expect(languageModelOptionsFromEnv("template", { OPENAI_API_KEY: "x" }, { seed: 3 })).toStrictEqual({
      provider: "template",
      seed: 3,
    });
  });

  it("rejects an unknown provider with the list of valid ones", () => {
    expect(() => languageModelOptionsFromEnv("mistral", {})).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: Unknown language model provider "mistral". Use one of: template, openai, anthropic.]`,
    );
  });
});

describe("createLanguageModel", () => {
  it("says which variable to set when the OpenAI key is missing", () => {
    expect(() => createLanguageModel({ provider: "openai" })).toThrowErrorMatchingInlineSnapshot(
      `[LlmCallError: OpenAI API key is missing. Pass \`apiKey\` or set OPENAI_API_KEY.]`,
    );
  });

  it("says which variable to set when the Anthropic key is missing", () => {
    expect(() => createLanguageModel({ provider: "anthropic" })).toThrow(
      expect.objectContaining({ code: "llm_key_missing" }),
    );
    expect(() => createLanguageModel({ provider: "anthropic" })).toThrow(/set ANTHROPIC_API_KEY/);
  });

  it("needs no key when a local OpenAI-compatible base URL is given", () => {
    const model = createLanguageModel({ provider: "openai", baseURL: "http://127.0.0.1:11434/v1", model: "qwen" });
    expect([model.provider, model.modelId]).toStrictEqual(["openai", "qwen"]);
  });

  it("builds the offline template provider without any option", () => {
    expect(createLanguageModel({ provider: "template" }).modelId).toBe("template-v1");
  });
});

describe("isRetryableStatus", () => {
  it("retries 408, 409, 429 and 5xx only", () => {
    expect([400, 401, 404, 408, 409, 422, 429, 500, 503].map(isRetryableStatus)).toStrictEqual([
      false,
      false,
      false,
      true,
      true,
      false,
      true,
      true,
      true,
    ]);
  });
});
