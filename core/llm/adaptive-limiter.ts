import type { RateLimitHint } from "./rate-limit-headers.ts";

// An AIMD concurrency gate, the congestion control of TCP applied to model calls: slow start doubles the limit per
// round trip until the first sign of overload, then each success adds 1/limit (one slot per round of successes) and
// each overload halves it. Overload is a 429/529/503 or a timeout, a success whose latency rose well above the fastest
// seen (servers such as vLLM queue instead of refusing), or rate-limit headers saying the window is nearly spent.
// Libraries looked at first: p-limit and p-queue gate at a fixed number (p-queue's can be changed, but nothing feeds
// it), bottleneck meters a request rate from a reservoir and cockatiel's bulkhead is fixed; none reacts to overload.

export interface AdaptiveLimiterOptions {
  /** Most calls in flight, never exceeded (the `--concurrency` ceiling). */
  ceiling: number;
  /** Where slow start begins (default min(ceiling, 4)). */
  initial?: number;
  /** Factor the limit is multiplied by on overload (default 0.5). */
  decrease?: number;
  /** A success slower than this many times the baseline latency counts as overload (default 2)... */
  latencyTolerance?: number;
  /** ...if it is also this many ms above it, so jitter on fast calls is not read as queueing (default 25). */
  latencySlackMs?: number;
  /** Longest pause honoured from Retry-After or a rate-limit reset (default 30 s). */
  maxWaitMs?: number;
  /** Never adapt: always `ceiling` in flight (the behaviour before this limiter, kept for comparison). */
  fixed?: boolean;
  now?: () => number;
}

export interface LimiterPermit {
  readonly epoch: number;
  readonly startedAt: number;
}

export type LimiterOutcome =
  | { kind: "success"; hint?: RateLimitHint | undefined }
  | { kind: "overload"; retryAfterMs?: number }
  /** The call failed for a reason that says nothing about load (bad request, auth, abort). */
  | { kind: "neutral" };

export interface LimiterStats {
  ceiling: number;
  limit: number;
  inFlight: number;
  peakInFlight: number;
  successes: number;
  /** Calls answered with an overload signal (429, 529, 503, timeout). */
  overloads: number;
  /** Successes slow enough to count as queueing. */
  slowSuccesses: number;
  /** Times the limit was cut. */
  decreases: number;
}

export const DEFAULT_MAX_WAIT_MS = 30_000;
/** How fast the latency baseline follows slower calls: over about a thousand calls, so queueing is not learnt as normal. */
const BASELINE_DRIFT = 0.001;

export class AdaptiveLimiter {
  private ceilingValue: number;
  private limit: number;
  private slowStart = true;
  private inFlight = 0;
  private peakInFlight = 0;
  private epoch = 0;
  private pausedUntil = 0;
  private baselineMs = Number.POSITIVE_INFINITY;
  private counts = { successes: 0, overloads: 0, slowSuccesses: 0, decreases: 0 };
  private waiters = new Set<() => void>();
  private readonly decrease: number;
  private readonly latencyTolerance: number;
  private readonly latencySlackMs: number;
  private readonly fixed: boolean;
  readonly maxWaitMs: number;
  readonly now: () => number;

  constructor(options: AdaptiveLimiterOptions) {
    this.ceilingValue = Math.max(1, Math.floor(options.ceiling));
    this.fixed = options.fixed === true;
    this.limit = this.fixed ? this.ceilingValue : Math.min(this.ceilingValue, Math.max(1, options.initial ?? 4));
    this.decrease = options.decrease ?? 0.5;
    this.latencyTolerance = options.latencyTolerance ?? 2;
    this.latencySlackMs = options.latencySlackMs ?? 25;
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.now = options.now ?? (() => performance.now());
  }

  get ceiling(): number {
    return this.ceilingValue;
  }

  /** Raises the ceiling (several callers in one process share a limiter; the largest ceiling asked for holds). */
  raiseCeiling(ceiling: number): void {
    if (ceiling > this.ceilingValue) {
      this.ceilingValue = Math.floor(ceiling);
      if (this.fixed) this.limit = this.ceilingValue;
      this.wake();
    }
  }

  /** Waits for a slot (and for any pause to end); rejects with the signal's reason when aborted. */
  async acquire(signal?: AbortSignal): Promise<LimiterPermit> {
    for (;;) {
      signal?.throwIfAborted();
      const pause = this.pausedUntil - this.now();
      if (pause > 0) {
        await sleep(pause, signal);
        continue;
      }
      if (this.inFlight < Math.max(1, Math.floor(this.limit))) break;
      await this.waitForWake(signal);
    }
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    return { epoch: this.epoch, startedAt: this.now() };
  }

  release(permit: LimiterPermit, outcome: LimiterOutcome): void {
    this.inFlight--;
    if (this.fixed) {
      if (outcome.kind === "overload") this.counts.overloads++;
      if (outcome.kind === "success") this.counts.successes++;
      this.wake();
      return;
    }
    if (outcome.kind === "overload") {
      this.counts.overloads++;
      this.cut(permit);
      if (outcome.retryAfterMs !== undefined) this.pause(outcome.retryAfterMs);
    } else if (outcome.kind === "success") {
      this.counts.successes++;
      this.onSuccess(permit, outcome.hint);
    }
    this.wake();
  }

  stats(): LimiterStats {
    return {
      ceiling: this.ceilingValue,
      limit: Math.round(this.limit * 100) / 100,
      inFlight: this.inFlight,
      peakInFlight: this.peakInFlight,
      ...this.counts,
    };
  }

  private onSuccess(permit: LimiterPermit, hint: RateLimitHint | undefined): void {
    const latency = this.now() - permit.startedAt;
    const queued =
      this.baselineMs !== Number.POSITIVE_INFINITY &&
      latency > this.baselineMs * this.latencyTolerance &&
      latency - this.baselineMs > this.latencySlackMs;
    // The baseline follows the fastest calls and drifts up slowly, so a server that became slower for good is learnt.
    this.baselineMs =
      this.baselineMs === Number.POSITIVE_INFINITY
        ? latency
        : Math.min(latency, this.baselineMs + (latency - this.baselineMs) * BASELINE_DRIFT);
    if (queued) {
      this.counts.slowSuccesses++;
      this.cut(permit);
    } else if (this.slowStart) {
      this.limit = Math.min(this.ceilingValue, this.limit + 1);
    } else {
      this.limit = Math.min(this.ceilingValue, this.limit + 1 / this.limit);
    }
    if (hint !== undefined) this.applyHint(hint);
  }

  /** The providers' rate-limit headers: stop before the window runs out instead of collecting 429s. */
  private applyHint(hint: RateLimitHint): void {
    const exhausted = hint.remainingRequests === 0 || hint.remainingTokens === 0;
    if (exhausted && hint.resetMs !== undefined) this.pause(hint.resetMs);
    if (hint.remainingRequests !== undefined && hint.remainingRequests < this.limit) {
      this.limit = Math.max(1, hint.remainingRequests);
      this.slowStart = false;
    }
  }

  /** One cut per congestion event: calls that started before the last cut report the same overload again. */
  private cut(permit: LimiterPermit): void {
    this.slowStart = false;
    if (permit.epoch !== this.epoch) return;
    this.epoch++;
    this.counts.decreases++;
    this.limit = Math.max(1, this.limit * this.decrease);
  }

  private pause(ms: number): void {
    const until = this.now() + Math.min(Math.max(0, ms), this.maxWaitMs);
    if (until > this.pausedUntil) this.pausedUntil = until;
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const resume of waiters) resume();
  }

  private waitForWake(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters.delete(resume);
        reject(signal?.reason);
      };
      const resume = (): void => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      this.waiters.add(resume);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/** setTimeout as a promise that an AbortSignal can cut short. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
