/**
 * How often normal runs show the everyday noise of real agents (see benign.ts). Each rate is the probability that a
 * trajectory has the event once; `inPlaceRetry` is per step. `clean` is none of it (the original generator: every
 * irregularity was an anomaly), `realistic` the rates the default dataset uses, `noisy` more of everything.
 */
export interface BenignRates {
  /** A revised plan (1–2 extra PLANNING or planning LLM rounds that change the plan), then the work. */
  readonly replan: number;
  /** A step fails (rate limit, outage, timeout, interruption) and its retry succeeds. */
  readonly stepRetry: number;
  /** Share of step retries whose failure first makes the next step fail for want of input, which then recovers. */
  readonly consumerRecovers: number;
  /** A handoff is refused by one agent and re-routed to another. */
  readonly handoffReroute: number;
  /** Work is delegated through a HANDOFF in a pattern that does not hand off by itself. */
  readonly delegation: number;
  /** A validation rejects a draft, the step is revised (same inputs, better result) and passes (sometimes twice). */
  readonly validationRework: number;
  /** A result is stored in memory and read back later (sometimes after an update of the same key). */
  readonly memory: number;
  /** One tool call leaves the transition table: an unusual but useful next tool. */
  readonly offTable: number;
  /** One tool call is slow (tens of seconds) but succeeds within its timeout. */
  readonly slowCall: number;
  /** A call is polled: repeated with the same inputs and the same answer until the answer changes. */
  readonly polling: number;
  /** An earlier step is revisited (same inputs and result) because a later step needs it again. */
  readonly revisit: number;
  /** The run ends early with an honest final answer that it cannot complete the task. */
  readonly giveUp: number;
  /** Per step (other than tool calls, which have their own rate): an internal retry that succeeds. */
  readonly inPlaceRetry: number;
}

export const BENIGN_LEVELS = ["clean", "realistic", "noisy"] as const;
export type BenignLevel = (typeof BENIGN_LEVELS)[number];

export const BENIGN_PRESETS: Readonly<Record<BenignLevel, BenignRates>> = {
  clean: {
    replan: 0,
    stepRetry: 0,
    consumerRecovers: 0,
    handoffReroute: 0,
    delegation: 0,
    validationRework: 0,
    memory: 0,
    offTable: 0,
    slowCall: 0,
    polling: 0,
    revisit: 0,
    giveUp: 0,
    inPlaceRetry: 0,
  },
  realistic: {
    replan: 0.3,
    stepRetry: 0.18,
    consumerRecovers: 0.25,
    handoffReroute: 0.1,
    delegation: 0.1,
    validationRework: 0.16,
    memory: 0.16,
    offTable: 0.18,
    slowCall: 0.12,
    polling: 0.24,
    revisit: 0.3,
    giveUp: 0.04,
    inPlaceRetry: 0.03,
  },
  noisy: {
    replan: 0.22,
    stepRetry: 0.28,
    consumerRecovers: 0.3,
    handoffReroute: 0.16,
    delegation: 0.16,
    validationRework: 0.24,
    memory: 0.24,
    offTable: 0.22,
    slowCall: 0.2,
    polling: 0.16,
    revisit: 0.22,
    giveUp: 0.06,
    inPlaceRetry: 0.05,
  },
};
