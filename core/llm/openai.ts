import OpenAI from "openai";
import { LlmOutputError } from "../errors.ts";
import { toOpenAiMessages } from "./convert-messages.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "./language-model.ts";
import { mapOpenAiFinishReason } from "./map-finish-reason.ts";
import {
  DEFAULT_MAX_TOKENS,
  DEFAULT_MODELS,
  DEFAULT_TEMPERATURE,
  type LanguageModelOptions,
  requireApiKey,
  sdkClientOptions,
} from "./options.ts";
import { toLlmCallError } from "./to-llm-call-error.ts";

/**
 * OpenAI chat completions, or any server speaking the same protocol when `baseURL` is set.
 * @example
 * const model = createOpenAiLanguageModel({ provider: "openai", apiKey: "sk-...", model: "gpt-4o-mini" });
 */
export function createOpenAiLanguageModel(options: LanguageModelOptions): LanguageModel {
  const clientOptions = sdkClientOptions(options, requireApiKey(options, "OpenAI", "OPENAI_API_KEY"));
  const modelId = options.model ?? DEFAULT_MODELS.openai;
  let client: OpenAI | undefined;
  const getClient = (): OpenAI => {
    client ??= new OpenAI(clientOptions);
    return client;
  };

  return {
    provider: "openai",
    modelId,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await getClient().chat.completions.create(
          {
            model: modelId,
            messages: toOpenAiMessages(request.system, request.messages),
            temperature: request.temperature ?? options.temperature ?? DEFAULT_TEMPERATURE,
            max_tokens: request.maxTokens ?? options.maxTokens ?? DEFAULT_MAX_TOKENS,
          },
          request.signal === undefined ? {} : { signal: request.signal },
        );
      } catch (error) {
        throw toLlmCallError("openai", error, clientOptions.maxRetries);
      }
      const choice = completion.choices[0];
      if (choice === undefined) {
        throw new LlmOutputError("[llm] [openai] The reply has no choices.", "empty");
      }
      return {
        text: choice.message.content ?? "",
        finishReason: mapOpenAiFinishReason(choice.finish_reason),
        usage: {
          inputTokens: completion.usage?.prompt_tokens ?? 0,
          outputTokens: completion.usage?.completion_tokens ?? 0,
        },
      };
    },
  };
}
