import { LlmCallError, type LlmCallErrorCode } from "../errors.ts";

/** Statuses worth another try: timeout, conflict, rate limit, server errors (decided once, here). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Statuses that say the provider is overloaded: the limiter cuts its concurrency on them. */
export function isOverloadStatus(status: number): boolean {
  return status === 429 || status === 503 || status === 529;
}

/** What each status means for the user, by error code. */
export function codeForStatus(status: number): LlmCallErrorCode {
  if (status === 401 || status === 403) return "llm_auth_failed";
  if (status === 429) return "llm_rate_limited";
  if (status >= 500) return "llm_unavailable";
  return "llm_call_failed";
}

const ADVICE: Record<LlmCallErrorCode, string> = {
  llm_auth_failed: "The provider refused the API key: check that it is valid and allowed to use this model.",
  llm_rate_limited:
    "Still rate limited after every retry: lower --concurrency, raise --max-retries, or use --batch-api.",
  llm_unavailable: "The provider is down or overloaded: try again later.",
  llm_key_missing: "",
  llm_call_failed: "",
};

/**
 * Turns whatever an SDK threw into an LlmCallError with a code naming the cause and the provider's own message,
 * any API key in it redacted. `retries` is how many retries were spent before giving up.
 */
export function toLlmCallError(
  provider: string,
  error: unknown,
  retries: number,
  options: { apiKey?: string; cappedWaits?: number } = {},
): LlmCallError {
  if (error instanceof LlmCallError) return error;
  const name = error instanceof Error ? error.name : "";
  const constructorName = error instanceof Error ? error.constructor.name : "";
  const message = redactSecrets(error instanceof Error ? error.message : String(error), options.apiKey);
  const status = readStatus(error);
  const retriesNote = retries > 0 ? ` after ${retries} ${retries === 1 ? "retry" : "retries"}` : "";
  const cappedNote =
    (options.cappedWaits ?? 0) > 0
      ? ` (${options.cappedWaits} Retry-After ${options.cappedWaits === 1 ? "wait was" : "waits were"} longer than --max-wait-ms and cut short)`
      : "";
  if (status !== undefined) {
    const code = status === 529 ? "llm_unavailable" : codeForStatus(status);
    const advice = ADVICE[code] === "" ? "" : ` ${ADVICE[code]}`;
    return new LlmCallError(
      `[llm] [${provider}] Request failed with status ${status}${retriesNote}${cappedNote}: ${message}.${advice}`,
      { provider, status, code, isRetryable: isRetryableStatus(status), cause: error },
    );
  }
  const kind = `${name} ${constructorName}`;
  if (kind.includes("UserAbort") || name === "AbortError") {
    return new LlmCallError(`[llm] [${provider}] Request was aborted.`, { provider, isRetryable: false, cause: error });
  }
  if (kind.includes("Timeout")) {
    return new LlmCallError(
      `[llm] [${provider}] Request timed out${retriesNote}. Raise \`timeoutMs\` (--timeout-ms) or check the server.`,
      { provider, code: "llm_unavailable", isRetryable: true, cause: error },
    );
  }
  if (kind.includes("Connection")) {
    return new LlmCallError(
      `[llm] [${provider}] Could not reach the server${retriesNote}: ${message}. Check \`baseURL\` and the network.`,
      { provider, code: "llm_unavailable", isRetryable: true, cause: error },
    );
  }
  return new LlmCallError(`[llm] [${provider}] Request failed: ${message}`, {
    provider,
    isRetryable: false,
    cause: error,
  });
}

/** Whether an SDK error is worth retrying: transport failures and retryable statuses, never aborts. */
export function isRetryableError(error: unknown): boolean {
  const status = readStatus(error);
  if (status !== undefined) return isRetryableStatus(status);
  const kind = error instanceof Error ? `${error.name} ${error.constructor.name}` : "";
  if (kind.includes("UserAbort") || kind.includes("AbortError")) return false;
  return kind.includes("Timeout") || kind.includes("Connection");
}

/** Whether an SDK error says the server is overloaded (429/503/529 or a timeout). */
export function isOverloadError(error: unknown): boolean {
  const status = readStatus(error);
  if (status !== undefined) return isOverloadStatus(status);
  return error instanceof Error && `${error.name} ${error.constructor.name}`.includes("Timeout");
}

/** Keys never reach a report: the configured key and anything shaped like a provider key are masked. */
export function redactSecrets(text: string, apiKey?: string): string {
  let redacted = text;
  if (apiKey !== undefined && apiKey.length >= 8) redacted = redacted.split(apiKey).join("[redacted]");
  return redacted.replace(/\b(sk-(?:ant-|proj-)?)[A-Za-z0-9_*-]{6,}/g, "$1[redacted]");
}

export function readStatus(error: unknown): number | undefined {
  if (error === null || typeof error !== "object") return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === "number" ? status : undefined;
}

/** The response headers an SDK error carries (both SDKs expose a fetch Headers as `headers`). */
export function readErrorHeaders(error: unknown): { get(name: string): string | null } | undefined {
  if (error === null || typeof error !== "object") return undefined;
  const headers = (error as { headers?: unknown }).headers;
  return headers !== null && typeof headers === "object" && typeof (headers as Headers).get === "function"
    ? (headers as Headers)
    : undefined;
}
