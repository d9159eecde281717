import { ConfigError, LlmCallError } from "../errors.ts";

export const LANGUAGE_MODEL_PROVIDERS = ["template", "openai", "anthropic"] as const;
export type LanguageModelProvider = (typeof LANGUAGE_MODEL_PROVIDERS)[number];

export interface LanguageModelOptions {
  provider: LanguageModelProvider;
  model?: string;
  apiKey?: string;
  /** An OpenAI-compatible server (vLLM, Ollama, llama.cpp) or an Anthropic proxy. */
  baseURL?: string;
  temperature?: number;
  maxTokens?: number;
  /**
   * Retries per call on 408/409/429/5xx, 529 and timeouts, with backoff or what Retry-After says. They run through
   * the shared adaptive limiter; the SDKs' own retries are switched off so the two never fight.
   */
  maxRetries?: number;
  /** Ceiling of the shared adaptive limiter for this provider and model (calls in flight). */
  concurrency?: number;
  /** Longest wait honoured from Retry-After or a rate-limit reset; a longer one is cut and costs an attempt. */
  maxWaitMs?: number;
  /** First retry backoff when the server gives no Retry-After (doubles per retry, up to 8 s). */
  backoffMs?: number;
  /** false: keep `concurrency` calls in flight whatever the server says (for comparison; default true). */
  adaptive?: boolean;
  /** Per-attempt timeout handed to the SDK. */
  timeoutMs?: number;
  /** Seed of the offline template provider. */
  seed?: number;
  fetch?: typeof globalThis.fetch;
}

/** Overrides for languageModelOptionsFromEnv; undefined values are skipped, so CLI flags can be passed as they are. */
export type LanguageModelOverrides = {
  [K in Exclude<keyof LanguageModelOptions, "provider">]?: LanguageModelOptions[K] | undefined;
};

export const DEFAULT_MODELS: Readonly<Record<LanguageModelProvider, string>> = {
  template: "template-v1",
  openai: "gpt-4o-mini",
  // claude-sonnet-4-5 reaches end of life on 2026-11-30 (the SDK's deprecation table); the current Sonnet replaces it.
  anthropic: "claude-sonnet-5-5",
};
/** The plan's sampling settings: varied tasks, replies well under a page. */
export const DEFAULT_TEMPERATURE = 0.8;
export const DEFAULT_MAX_TOKENS = 1000;
/** Retries per call; each waits 0.25 s doubling to 8 s, or what Retry-After says (capped by maxWaitMs). */
export const DEFAULT_MAX_RETRIES = 4;
/** Calls in flight per provider and model when nobody says otherwise (the limiter adapts below it). */
export const DEFAULT_LLM_CONCURRENCY = 8;
/** Task replies are short; a minute per attempt is generous without hanging a batch on a stuck socket. */
export const DEFAULT_TIMEOUT_MS = 60_000;

const ENV_NAMES = {
  openai: { apiKey: "OPENAI_API_KEY", baseURL: "OPENAI_BASE_URL", model: "OPENAI_MODEL" },
  anthropic: { apiKey: "ANTHROPIC_API_KEY", baseURL: "ANTHROPIC_BASE_URL", model: "ANTHROPIC_MODEL" },
} as const;

export function parseProvider(value: string): LanguageModelProvider {
  if ((LANGUAGE_MODEL_PROVIDERS as readonly string[]).includes(value)) return value as LanguageModelProvider;
  throw new ConfigError(
    `Unknown language model provider "${value}". Use one of: ${LANGUAGE_MODEL_PROVIDERS.join(", ")}.`,
    [{ path: "provider", message: `must be one of ${LANGUAGE_MODEL_PROVIDERS.join(", ")}`, value }],
  );
}

/**
 * Builds options from an environment record (pass `process.env` from cli/ or functions/); overrides win.
 * @example
 * const options = languageModelOptionsFromEnv("openai", process.env, { model: "gpt-4o" });
 */
export function languageModelOptionsFromEnv(
  provider: LanguageModelProvider | string,
  env: Record<string, string | undefined>,
  overrides: LanguageModelOverrides = {},
): LanguageModelOptions {
  const checked = parseProvider(provider);
  const options: LanguageModelOptions = { provider: checked };
  if (checked !== "template") {
    const names = ENV_NAMES[checked];
    const apiKey = nonEmpty(env[names.apiKey]);
    const baseURL = nonEmpty(env[names.baseURL]);
    const model = nonEmpty(env[names.model]);
    if (apiKey !== undefined) options.apiKey = apiKey;
    if (baseURL !== undefined) options.baseURL = baseURL;
    if (model !== undefined) options.model = model;
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (options as unknown as Record<string, unknown>)[key] = value;
  }
  return options;
}

/**
 * The API key to hand the SDK. A custom base URL (a local vLLM/Ollama/llama.cpp server) usually needs no key, so a
 * placeholder is sent there; the real services get a clear error instead.
 */
export function requireApiKey(options: LanguageModelOptions, providerLabel: string, envName: string): string {
  if (options.apiKey !== undefined && options.apiKey !== "") return options.apiKey;
  if (options.baseURL !== undefined) return "not-needed";
  throw new LlmCallError(`${providerLabel} API key is missing. Pass \`apiKey\` or set ${envName}.`, {
    provider: options.provider,
    code: "llm_key_missing",
    isRetryable: false,
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** The client options both SDKs take in the same shape, from ours; retries are ours (callWithLimiter), not the SDK's. */
export function sdkClientOptions(options: LanguageModelOptions, apiKey: string) {
  return {
    apiKey,
    maxRetries: 0,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  };
}
