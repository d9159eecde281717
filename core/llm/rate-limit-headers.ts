// What the providers' response headers say about the rate-limit window, in one shape:
// OpenAI: x-ratelimit-remaining-requests / -tokens, x-ratelimit-reset-requests / -tokens as durations ("1s", "6m0s").
// Anthropic: anthropic-ratelimit-requests-remaining / -tokens-remaining / -input-tokens-remaining /
// -output-tokens-remaining, with -reset as an RFC 3339 time. Both: Retry-After (seconds or an HTTP date) and
// OpenAI's retry-after-ms.

export interface RateLimitHint {
  remainingRequests?: number;
  remainingTokens?: number;
  /** Until the window resets (the later of the request and token resets that are exhausted, else the earliest). */
  resetMs?: number;
}

type HeaderSource = { get(name: string): string | null } | undefined;

/** Reads the remaining-quota headers; undefined when the response has none (local servers, proxies). */
export function readRateLimitHint(headers: HeaderSource, nowEpochMs: number): RateLimitHint | undefined {
  if (headers === undefined) return undefined;
  const remainingRequests = firstNumber(headers, [
    "x-ratelimit-remaining-requests",
    "anthropic-ratelimit-requests-remaining",
  ]);
  const remainingTokens = minNumber(headers, [
    "x-ratelimit-remaining-tokens",
    "anthropic-ratelimit-tokens-remaining",
    "anthropic-ratelimit-input-tokens-remaining",
    "anthropic-ratelimit-output-tokens-remaining",
  ]);
  if (remainingRequests === undefined && remainingTokens === undefined) return undefined;
  const requestReset = resetOf(headers, "requests", nowEpochMs);
  const tokenReset = resetOf(headers, "tokens", nowEpochMs);
  const exhaustedResets = [
    ...(remainingRequests === 0 && requestReset !== undefined ? [requestReset] : []),
    ...(remainingTokens === 0 && tokenReset !== undefined ? [tokenReset] : []),
  ];
  const resets = [requestReset, tokenReset].filter((value): value is number => value !== undefined);
  const resetMs =
    exhaustedResets.length > 0 ? Math.max(...exhaustedResets) : resets.length > 0 ? Math.min(...resets) : undefined;
  return {
    ...(remainingRequests === undefined ? {} : { remainingRequests }),
    ...(remainingTokens === undefined ? {} : { remainingTokens }),
    ...(resetMs === undefined ? {} : { resetMs }),
  };
}

/** Milliseconds a 429/529/503 asks us to wait, from retry-after-ms or Retry-After; undefined when not given. */
export function readRetryAfterMs(headers: HeaderSource, nowEpochMs: number): number | undefined {
  if (headers === undefined) return undefined;
  const ms = Number(headers.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const text = headers.get("retry-after");
  if (text === null || text.trim() === "") return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowEpochMs);
}

/** OpenAI's reset durations: "20ms", "1s", "6m0s", "1h2m3.5s". */
export function parseResetDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    const value = Number(amount);
    total += unit === "ms" ? value : unit === "s" ? value * 1000 : unit === "m" ? value * 60_000 : value * 3_600_000;
  }
  return total;
}

function resetOf(headers: NonNullable<HeaderSource>, kind: "requests" | "tokens", nowEpochMs: number) {
  const openai = headers.get(`x-ratelimit-reset-${kind}`);
  if (openai !== null) return parseResetDuration(openai);
  const anthropic = headers.get(`anthropic-ratelimit-${kind}-reset`);
  if (anthropic === null) return undefined;
  const at = Date.parse(anthropic);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowEpochMs);
}

function firstNumber(headers: NonNullable<HeaderSource>, names: string[]): number | undefined {
  for (const name of names) {
    const value = numberOf(headers.get(name));
    if (value !== undefined) return value;
  }
  return undefined;
}

function minNumber(headers: NonNullable<HeaderSource>, names: string[]): number | undefined {
  const values = names.map((name) => numberOf(headers.get(name))).filter((v): v is number => v !== undefined);
  return values.length === 0 ? undefined : Math.min(...values);
}

function numberOf(text: string | null): number | undefined {
  if (text === null || text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
