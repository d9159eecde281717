import { AdaptiveLimiter, type AdaptiveLimiterOptions } from "./adaptive-limiter.ts";

// One limiter per provider, endpoint and model in a process: the CLI, POST /v1/tasks and the task-shard worker all
// reach the same provider through it, so their calls together adapt to one rate limit. (Each worker thread and each
// Lambda instance is its own process: the fleet's ceiling is the per-process ceiling times their number.)
const limiters = new Map<string, AdaptiveLimiter>();

/**
 * The shared limiter for a provider, base URL and model; a later caller asking for a higher ceiling raises it.
 * @example
 * const limiter = sharedLimiter({ provider: "openai", model: "gpt-4o-mini" }, { ceiling: 50 });
 */
export function sharedLimiter(
  target: { provider: string; model: string; baseURL?: string | undefined; fixed?: boolean },
  options: AdaptiveLimiterOptions,
): AdaptiveLimiter {
  const key = `${target.provider}\u0000${target.baseURL ?? ""}\u0000${target.model}${target.fixed === true ? "\u0000fixed" : ""}`;
  const existing = limiters.get(key);
  if (existing !== undefined) {
    existing.raiseCeiling(options.ceiling);
    return existing;
  }
  const limiter = new AdaptiveLimiter(options);
  limiters.set(key, limiter);
  return limiter;
}
