import { LlmCallError } from "../errors.ts";

/** Statuses worth another try: timeout, conflict, rate limit, server errors (decided once, here). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * Turns whatever an SDK threw (after its own retries) into an LlmCallError. Both official SDKs expose `status` on
 * HTTP errors and name their transport errors APIConnectionError / APIConnectionTimeoutError / APIUserAbortError.
 */
export function toLlmCallError(provider: string, error: unknown, maxRetries: number): LlmCallError {
  if (error instanceof LlmCallError) return error;
  const name = error instanceof Error ? error.name : "";
  const constructorName = error instanceof Error ? error.constructor.name : "";
  const message = error instanceof Error ? error.message : String(error);
  const status = readStatus(error);
  const retriesNote = maxRetries > 0 ? ` after ${maxRetries} ${maxRetries === 1 ? "retry" : "retries"}` : "";
  if (status !== undefined) {
    return new LlmCallError(`[llm] [${provider}] Request failed with status ${status}${retriesNote}: ${message}`, {
      provider,
      status,
      isRetryable: isRetryableStatus(status),
      cause: error,
    });
  }
  const kind = `${name} ${constructorName}`;
  if (kind.includes("UserAbort")) {
    return new LlmCallError(`[llm] [${provider}] Request was aborted.`, { provider, isRetryable: false, cause: error });
  }
  if (kind.includes("Timeout")) {
    return new LlmCallError(
      `[llm] [${provider}] Request timed out${retriesNote}. Raise \`timeoutMs\` or check the server.`,
      { provider, isRetryable: true, cause: error },
    );
  }
  if (kind.includes("Connection")) {
    return new LlmCallError(
      `[llm] [${provider}] Could not reach the server${retriesNote}: ${message}. Check \`baseURL\` and the network.`,
      { provider, isRetryable: true, cause: error },
    );
  }
  return new LlmCallError(`[llm] [${provider}] Request failed: ${message}`, {
    provider,
    isRetryable: false,
    cause: error,
  });
}

function readStatus(error: unknown): number | undefined {
  if (error === null || typeof error !== "object") return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === "number" ? status : undefined;
}
