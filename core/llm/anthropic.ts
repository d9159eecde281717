import Anthropic from "@anthropic-ai/sdk";
import { toAnthropicMessages } from "./convert-messages.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "./language-model.ts";
import { mapAnthropicStopReason } from "./map-finish-reason.ts";
import {
  DEFAULT_MAX_TOKENS,
  DEFAULT_MODELS,
  type LanguageModelOptions,
  requireApiKey,
  sdkClientOptions,
} from "./options.ts";
import { toLlmCallError } from "./to-llm-call-error.ts";

/**
 * Anthropic messages API.
 * @example
 * const model = createAnthropicLanguageModel({ provider: "anthropic", apiKey: "sk-ant-...", maxRetries: 2 });
 */
export function createAnthropicLanguageModel(options: LanguageModelOptions): LanguageModel {
  const clientOptions = sdkClientOptions(options, requireApiKey(options, "Anthropic", "ANTHROPIC_API_KEY"));
  const modelId = options.model ?? DEFAULT_MODELS.anthropic;
  let client: Anthropic | undefined;
  const getClient = (): Anthropic => {
    client ??= new Anthropic(clientOptions);
    return client;
  };

  return {
    provider: "anthropic",
    modelId,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      let message: Anthropic.Message;
      try {
        const temperature = request.temperature ?? options.temperature;
        const body: Anthropic.MessageCreateParamsNonStreaming = {
          model: modelId,
          system: request.system,
          messages: toAnthropicMessages(request.messages),
          max_tokens: request.maxTokens ?? options.maxTokens ?? DEFAULT_MAX_TOKENS,
          // SDK 1.x dropped `temperature` from its types (recent models fix sampling), so it is sent only when asked for.
          ...(temperature === undefined ? {} : ({ temperature } as object)),
        };
        message = await getClient().messages.create(
          body,
          request.signal === undefined ? {} : { signal: request.signal },
        );
      } catch (error) {
        throw toLlmCallError("anthropic", error, clientOptions.maxRetries);
      }
      const text = message.content
        .filter((block): block is Anthropic.TextBlock => block.type === "text")
        .map((block) => block.text)
        .join("");
      return {
        text,
        finishReason: mapAnthropicStopReason(message.stop_reason),
        usage: { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens },
      };
    },
  };
}
