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
}

export interface GenerateResult {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
}

/** The port every provider implements: one text generation call. */
export interface LanguageModel {
  readonly provider: string;
  readonly modelId: string;
  generate(request: GenerateRequest): Promise<GenerateResult>;
}

export const ZERO_USAGE: TokenUsage = Object.freeze({ inputTokens: 0, outputTokens: 0 });

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}
