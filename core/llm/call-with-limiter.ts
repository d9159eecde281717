import { type AdaptiveLimiter, sleep } from "./adaptive-limiter.ts";
import { DEFAULT_MAX_RETRIES, type LanguageModelOptions } from "./options.ts";
import { readRateLimitHint, readRetryAfterMs } from "./rate-limit-headers.ts";
import { isOverloadError, isRetryableError, readErrorHeaders, toLlmCallError } from "./to-llm-call-error.ts";

export interface LimitedCallOptions {
  provider: string;
  limiter: AdaptiveLimiter;
  /** Retries after the first attempt (the SDKs' own retries are off, so they never fight the limiter). */
  maxRetries: number;
  /** First backoff without Retry-After; doubles per retry up to 8 s. */
  backoffMs?: number;
  apiKey?: string;
  signal?: AbortSignal;
  /** Called once per retry, e.g. to count 429s in the report. */
  onRetry?: (error: unknown) => void;
}

/** The call options every provider adapter passes: the model's retry settings, its key for redaction, the caller's signal. */
export function adapterCallOptions(
  provider: string,
  limiter: AdaptiveLimiter,
  options: Pick<LanguageModelOptions, "maxRetries" | "backoffMs">,
  apiKey: string,
  signal: AbortSignal | undefined,
): LimitedCallOptions {
  return {
    provider,
    limiter,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    apiKey,
    ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }),
    ...(signal === undefined ? {} : { signal }),
  };
}

/** The headers of a successful response, for the rate-limit hint. */
export interface CallResponse<T> {
  data: T;
  headers: { get(name: string): string | null } | undefined;
}

const MAX_BACKOFF_MS = 8_000;
/** Spreads the retries of calls that failed together, without Math.random: the golden-ratio sequence. */
let spreadCounter = 0;

/**
 * Runs one model call through the shared limiter, retrying overloads and transport failures. A wait from
 * Retry-After or a reset header longer than the limiter's `maxWaitMs` is cut to it and still costs one attempt, so
 * `Retry-After: 3600` fails the call after the retries instead of stalling the run for an hour.
 */
export async function callWithLimiter<T>(
  call: (signal: AbortSignal | undefined) => Promise<CallResponse<T>>,
  options: LimitedCallOptions,
): Promise<T> {
  const { limiter } = options;
  let cappedWaits = 0;
  for (let attempt = 0; ; attempt++) {
    const permit = await limiter.acquire(options.signal);
    let response: CallResponse<T>;
    try {
      response = await call(options.signal);
    } catch (error) {
      const headers = readErrorHeaders(error);
      const retryAfterMs = readRetryAfterMs(headers, Date.now());
      const overload = isOverloadError(error);
      limiter.release(
        permit,
        overload ? { kind: "overload", ...(retryAfterMs === undefined ? {} : { retryAfterMs }) } : { kind: "neutral" },
      );
      if (!isRetryableError(error) || attempt >= options.maxRetries || options.signal?.aborted === true) {
        throw toLlmCallError(options.provider, error, attempt, {
          ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
          cappedWaits,
        });
      }
      options.onRetry?.(error);
      const backoff = Math.min(MAX_BACKOFF_MS, (options.backoffMs ?? 250) * 2 ** attempt);
      spreadCounter = (spreadCounter + 0.618_033_988_75) % 1;
      const wanted = retryAfterMs ?? backoff * (0.5 + spreadCounter / 2);
      if (wanted > limiter.maxWaitMs) cappedWaits++;
      await sleep(Math.min(wanted, limiter.maxWaitMs), options.signal);
      continue;
    }
    limiter.release(permit, { kind: "success", hint: readRateLimitHint(response.headers, Date.now()) });
    return response.data;
  }
}
