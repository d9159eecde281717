import Anthropic from "@anthropic-ai/sdk";
import { adapterCallOptions, callWithLimiter } from "./call-with-limiter.ts";
import { toAnthropicMessages } from "./convert-messages.ts";
import type {
  BatchItemResult,
  BatchRequest,
  BatchStatus,
  GenerateRequest,
  GenerateResult,
  LanguageModel,
  ProviderBatchApi,
} from "./language-model.ts";
import { sharedLimiter } from "./limiter-registry.ts";
import { mapAnthropicStopReason } from "./map-finish-reason.ts";
import {
  DEFAULT_LLM_CONCURRENCY,
  DEFAULT_MAX_TOKENS,
  DEFAULT_MODELS,
  type LanguageModelOptions,
  requireApiKey,
  sdkClientOptions,
} from "./options.ts";
import { toLlmCallError } from "./to-llm-call-error.ts";

/** Batch control calls (create, poll, results) are few: the SDK's own retries suffice for them. */
const CONTROL_RETRIES = 2;

/**
 * Anthropic messages API, through the adaptive limiter shared per provider, endpoint and model; `batchApi` is
 * Message Batches.
 * @example
 * const model = createAnthropicLanguageModel({ provider: "anthropic", apiKey: "sk-ant-...", maxRetries: 2 });
 */
export function createAnthropicLanguageModel(options: LanguageModelOptions): LanguageModel {
  const apiKey = requireApiKey(options, "Anthropic", "ANTHROPIC_API_KEY");
  const clientOptions = sdkClientOptions(options, apiKey);
  const modelId = options.model ?? DEFAULT_MODELS.anthropic;
  const limiter = sharedLimiter(
    { provider: "anthropic", model: modelId, baseURL: options.baseURL, fixed: options.adaptive === false },
    {
      ceiling: options.concurrency ?? DEFAULT_LLM_CONCURRENCY,
      ...(options.adaptive === false ? { fixed: true } : {}),
      ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
    },
  );
  let client: Anthropic | undefined;
  const getClient = (): Anthropic => {
    client ??= new Anthropic(clientOptions);
    return client;
  };
  const requestBody = (request: GenerateRequest): Record<string, unknown> => {
    const temperature = request.temperature ?? options.temperature;
    return {
      model: modelId,
      system: request.system,
      messages: toAnthropicMessages(request.messages),
      max_tokens: request.maxTokens ?? options.maxTokens ?? DEFAULT_MAX_TOKENS,
      // SDK 1.x dropped `temperature` from its types (recent models fix sampling), so it is sent only when asked for.
      ...(temperature === undefined ? {} : { temperature }),
    };
  };

  return {
    provider: "anthropic",
    modelId,
    limiter,
    requestBody,
    parseResponse: parseMessage,
    batchApi: anthropicBatchApi(getClient, apiKey),
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const body = requestBody(request) as unknown as Anthropic.MessageCreateParamsNonStreaming;
      const message = await callWithLimiter(
        async (signal) => {
          const { data, response } = await getClient()
            .messages.create(body, signal === undefined ? {} : { signal })
            .withResponse();
          return { data, headers: response.headers };
        },
        adapterCallOptions("anthropic", limiter, options, apiKey, request.signal),
      );
      return parseMessage(message);
    },
  };
}

function parseMessage(body: unknown): GenerateResult {
  const message = body as Anthropic.Message;
  const text = (message.content ?? [])
    .filter((block): block is Anthropic.TextBlock => block.type === "text")
    .map((block) => block.text)
    .join("");
  return {
    text,
    finishReason: mapAnthropicStopReason(message.stop_reason),
    usage: { inputTokens: message.usage?.input_tokens ?? 0, outputTokens: message.usage?.output_tokens ?? 0 },
  };
}

/** Anthropic Message Batches: create, poll, stream the results JSONL. */
function anthropicBatchApi(getClient: () => Anthropic, apiKey: string): ProviderBatchApi {
  const control = <T>(signal: AbortSignal | undefined, run: (opts: Anthropic.RequestOptions) => Promise<T>) =>
    run({ maxRetries: CONTROL_RETRIES, ...(signal === undefined ? {} : { signal }) }).catch((error: unknown) => {
      throw toLlmCallError("anthropic", error, CONTROL_RETRIES, { apiKey });
    });
  return {
    async submit(requests: readonly BatchRequest[], signal?: AbortSignal): Promise<string> {
      const batch = await control(signal, (opts) =>
        getClient().messages.batches.create(
          {
            requests: requests.map((request) => ({
              custom_id: request.customId,
              params: request.body as unknown as Anthropic.MessageCreateParamsNonStreaming,
            })),
          },
          opts,
        ),
      );
      return batch.id;
    },
    async poll(batchId: string, signal?: AbortSignal): Promise<BatchStatus> {
      const batch = await control(signal, (opts) => getClient().messages.batches.retrieve(batchId, {}, opts));
      return { id: batchId, state: batch.processing_status === "ended" ? "ended" : "in_progress" };
    },
    async *results(batchId: string, signal?: AbortSignal): AsyncIterable<BatchItemResult> {
      const decoder = await control(signal, (opts) => getClient().messages.batches.results(batchId, {}, opts));
      for await (const entry of decoder) {
        const customId = entry.custom_id;
        const result = entry.result;
        if (result.type === "succeeded") {
          yield { customId, ok: true, body: result.message };
        } else if (result.type === "errored") {
          const error = result.error.error;
          const retryable =
            error.type === "overloaded_error" || error.type === "rate_limit_error" || error.type === "api_error";
          yield { customId, ok: false, reason: "errored", retryable, message: `${error.type}: ${error.message}` };
        } else {
          yield { customId, ok: false, reason: result.type, retryable: true, message: `request ${result.type}` };
        }
      }
    },
  };
}
