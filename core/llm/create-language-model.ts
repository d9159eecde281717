import { createAnthropicLanguageModel } from "./anthropic.ts";
import type { LanguageModel } from "./language-model.ts";
import { createOpenAiLanguageModel } from "./openai.ts";
import { type LanguageModelOptions, parseProvider } from "./options.ts";
import { createTemplateLanguageModel } from "./template.ts";

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
