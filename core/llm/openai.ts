import OpenAI, { toFile } from "openai";
import { LlmOutputError } from "../errors.ts";
import { adapterCallOptions, callWithLimiter } from "./call-with-limiter.ts";
import { toOpenAiMessages } from "./convert-messages.ts";
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
import { mapOpenAiFinishReason } from "./map-finish-reason.ts";
import {
  DEFAULT_LLM_CONCURRENCY,
  DEFAULT_MAX_TOKENS,
  DEFAULT_MODELS,
  DEFAULT_TEMPERATURE,
  type LanguageModelOptions,
  requireApiKey,
  sdkClientOptions,
} from "./options.ts";
import { isRetryableStatus, toLlmCallError } from "./to-llm-call-error.ts";

/** Batch control calls (upload, create, poll, download) are few: the SDK's own retries suffice for them. */
const CONTROL_RETRIES = 2;

/**
 * OpenAI chat completions, or any server speaking the same protocol when `baseURL` is set. Calls go through the
 * adaptive limiter shared per provider, endpoint and model; `batchApi` is the OpenAI Batch API.
 * @example
 * const model = createOpenAiLanguageModel({ provider: "openai", apiKey: "sk-...", model: "gpt-4o-mini" });
 */
export function createOpenAiLanguageModel(options: LanguageModelOptions): LanguageModel {
  const apiKey = requireApiKey(options, "OpenAI", "OPENAI_API_KEY");
  const clientOptions = sdkClientOptions(options, apiKey);
  const modelId = options.model ?? DEFAULT_MODELS.openai;
  const limiter = sharedLimiter(
    { provider: "openai", model: modelId, baseURL: options.baseURL, fixed: options.adaptive === false },
    {
      ceiling: options.concurrency ?? DEFAULT_LLM_CONCURRENCY,
      ...(options.adaptive === false ? { fixed: true } : {}),
      ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
    },
  );
  let client: OpenAI | undefined;
  const getClient = (): OpenAI => {
    client ??= new OpenAI(clientOptions);
    return client;
  };
  const requestBody = (request: GenerateRequest): Record<string, unknown> => ({
    model: modelId,
    messages: toOpenAiMessages(request.system, request.messages),
    temperature: request.temperature ?? options.temperature ?? DEFAULT_TEMPERATURE,
    max_tokens: request.maxTokens ?? options.maxTokens ?? DEFAULT_MAX_TOKENS,
  });

  return {
    provider: "openai",
    modelId,
    limiter,
    requestBody,
    parseResponse: parseCompletion,
    batchApi: openAiBatchApi(getClient, apiKey),
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const body = requestBody(request) as unknown as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
      const completion = await callWithLimiter(
        async (signal) => {
          const { data, response } = await getClient()
            .chat.completions.create(body, signal === undefined ? {} : { signal })
            .withResponse();
          return { data, headers: response.headers };
        },
        adapterCallOptions("openai", limiter, options, apiKey, request.signal),
      );
      return parseCompletion(completion);
    },
  };
}

function parseCompletion(body: unknown): GenerateResult {
  const completion = body as OpenAI.Chat.Completions.ChatCompletion;
  const choice = completion.choices?.[0];
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
}

/** The OpenAI Batch API: JSONL upload through the Files API, create, poll, download the output and error files. */
function openAiBatchApi(getClient: () => OpenAI, apiKey: string): ProviderBatchApi {
  const control = <T>(signal: AbortSignal | undefined, run: (opts: OpenAI.RequestOptions) => Promise<T>) =>
    run({ maxRetries: CONTROL_RETRIES, ...(signal === undefined ? {} : { signal }) }).catch((error: unknown) => {
      throw toLlmCallError("openai", error, CONTROL_RETRIES, { apiKey });
    });
  return {
    async submit(requests: readonly BatchRequest[], signal?: AbortSignal): Promise<string> {
      const jsonl = requests
        .map((request) =>
          JSON.stringify({
            custom_id: request.customId,
            method: "POST",
            url: "/v1/chat/completions",
            body: request.body,
          }),
        )
        .join("\n");
      const file = await control(signal, async (opts) =>
        getClient().files.create(
          { file: await toFile(Buffer.from(`${jsonl}\n`, "utf8"), "requests.jsonl"), purpose: "batch" },
          opts,
        ),
      );
      const batch = await control(signal, (opts) =>
        getClient().batches.create(
          { input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" },
          opts,
        ),
      );
      return batch.id;
    },
    async poll(batchId: string, signal?: AbortSignal): Promise<BatchStatus> {
      const batch = await control(signal, (opts) => getClient().batches.retrieve(batchId, opts));
      if (batch.status === "failed") {
        const reasons = (batch.errors?.data ?? []).map((error) => error.message).join("; ");
        return {
          id: batchId,
          state: "failed",
          message: `OpenAI batch ${batchId} failed: ${reasons || "no reason given"}`,
        };
      }
      // An expired or cancelled batch still has the replies it finished; the rest are missing and get resubmitted.
      const ended = batch.status === "completed" || batch.status === "expired" || batch.status === "cancelled";
      return { id: batchId, state: ended ? "ended" : "in_progress" };
    },
    async *results(batchId: string, signal?: AbortSignal): AsyncIterable<BatchItemResult> {
      const batch = await control(signal, (opts) => getClient().batches.retrieve(batchId, opts));
      for (const fileId of [batch.output_file_id, batch.error_file_id]) {
        if (fileId === null || fileId === undefined) continue;
        const response = await control(signal, (opts) => getClient().files.content(fileId, opts));
        const text = await response.text();
        for (const line of text.split("\n")) {
          if (line.trim() === "") continue;
          yield openAiBatchLine(JSON.parse(line) as OpenAiBatchLine);
        }
      }
    },
  };
}

interface OpenAiBatchLine {
  custom_id: string;
  response: { status_code: number; body: unknown } | null;
  error: { code?: string | null; message?: string | null } | null;
}

function openAiBatchLine(line: OpenAiBatchLine): BatchItemResult {
  const status = line.response?.status_code;
  if (line.error === null && status !== undefined && status < 300) {
    return { customId: line.custom_id, ok: true, body: line.response?.body };
  }
  const message =
    line.error?.message ?? `status ${status ?? "unknown"}: ${JSON.stringify(line.response?.body ?? null)}`;
  const customId = line.custom_id;
  if (line.error?.code === "batch_expired") return { customId, ok: false, reason: "expired", retryable: true, message };
  if (line.error?.code === "batch_cancelled")
    return { customId, ok: false, reason: "canceled", retryable: true, message };
  // A request that failed on a retryable status (429, 5xx) inside the batch is resubmitted like an expired one.
  const retryable = status !== undefined && isRetryableStatus(status);
  return { customId, ok: false, reason: "errored", retryable, message };
}
