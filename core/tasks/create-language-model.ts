import { createAnthropicLanguageModel } from "../llm/anthropic.ts";
import type { LanguageModel } from "../llm/language-model.ts";
import { createOpenAiLanguageModel } from "../llm/openai.ts";
import { type LanguageModelOptions, parseProvider } from "../llm/options.ts";
import { createTemplateLanguageModel } from "./template-model.ts";

/**
 * Builds the language model a provider name stands for. Keys come from options only (see
 * languageModelOptionsFromEnv); a missing key is a ConfigError naming the variable to set.
 * @example
 * const model = createLanguageModel(languageModelOptionsFromEnv("openai", process.env));
 */
export function createLanguageModel(options: LanguageModelOptions): LanguageModel {
  switch (parseProvider(options.provider)) {
    case "openai":
      return createOpenAiLanguageModel(options);
    case "anthropic":
      return createAnthropicLanguageModel(options);
    case "template":
      return createTemplateLanguageModel(options);
  }
}
