import type { AdaptiveLimiter } from "./adaptive-limiter.ts";

/** Why a model stopped: normalised across providers so shared code never branches on provider name. */
export type FinishReason = "stop" | "length" | "content-filter" | "other";

export interface ChatMessage {
  role: "user" | "assistant";
  content: string;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface GenerateRequest {
  system: string;
  messages: ChatMessage[];
  /** Overrides the model's default for this call. */
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  /**
   * Per-provider knobs keyed by provider name; an adapter reads only its own key. The offline template provider
   * reads `template.grounding` (categories + execution context) here, since it has no model to read prompts with.
   */
  providerOptions?: Record<string, Record<string, unknown>>;
  /** The task this call belongs to: part of the response-cache key, so two tasks never share a reply. */
  taskRef?: { seed: number; index: number };
}

export interface GenerateResult {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
  /** What the call cost (batch discount applied); undefined when the model has no price. Cached replies keep theirs. */
  costUsd?: number;
  /** The reply came from the response cache: no call was made for it. */
  cached?: boolean;
  /** The reply is already in the response cache (a batch result stored as it was downloaded). */
  persisted?: boolean;
}

/** The port every provider implements: one text generation call. */
export interface LanguageModel {
  readonly provider: string;
  readonly modelId: string;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /**
   * The exact JSON body the provider receives for a request (model, messages, sampling), for providers that make
   * paid calls: the response cache is keyed by it and the Batch APIs send it as is.
   */
  requestBody?(request: GenerateRequest): Record<string, unknown>;
  /** Reads a reply body of the provider (as a Batch API returns it) into a result. */
  parseResponse?(body: unknown): GenerateResult;
  /** The provider's Batch API, for `--batch-api`. */
  readonly batchApi?: ProviderBatchApi;
  /** The adaptive limiter shared by every call to this provider and model in the process. */
  readonly limiter?: AdaptiveLimiter;
}

/** One request of a provider batch: our id for it and the body `requestBody` built. */
export interface BatchRequest {
  customId: string;
  body: Record<string, unknown>;
}

/** A provider batch as last polled. `ended` means results (and errors) can be downloaded. */
export interface BatchStatus {
  id: string;
  state: "in_progress" | "ended" | "failed";
  /** Why the whole batch failed (validation of the input file, cancelled, expired before any result). */
  message?: string;
}

/** One request's outcome: a reply body, or an error (expired, cancelled, errored) to resubmit or report. */
export type BatchItemResult =
  | { customId: string; ok: true; body: unknown }
  | { customId: string; ok: false; reason: "expired" | "canceled" | "errored"; retryable: boolean; message: string };

/** OpenAI Batch or Anthropic Message Batches, through the official SDK. */
export interface ProviderBatchApi {
  submit(requests: readonly BatchRequest[], signal?: AbortSignal): Promise<string>;
  poll(batchId: string, signal?: AbortSignal): Promise<BatchStatus>;
  results(batchId: string, signal?: AbortSignal): AsyncIterable<BatchItemResult>;
}

export const ZERO_USAGE: TokenUsage = Object.freeze({ inputTokens: 0, outputTokens: 0 });

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}
