import type { Randomizer, Seed } from "../random.ts";
import type { TrajectoryConfig } from "../trajectory/config.ts";
import { finalizeTrajectory } from "../trajectory/finalize.ts";
import type { AnomalyMetadata, Trajectory } from "../trajectory/model.ts";
import type { AnomalyType } from "../trajectory/vocabulary.ts";
import type { AnomalyInjectionConfig } from "./config.ts";
import { InjectionContext } from "./context.ts";
import { injectionRandomizer } from "./decide.ts";
import { quotingSteps } from "./misstatements.ts";
import type { AnomalyPlan } from "./plan.ts";
import { injectContextDrift } from "./types/context-drift.ts";
import { injectHandoffFailure } from "./types/handoff-failures.ts";
import { injectIgnoredAgentInput, receivedWork } from "./types/ignored-agent-inputs.ts";
import { injectIncompleteResponse } from "./types/incomplete-responses.ts";
import { injectIncorrectVerification, verifiedWork } from "./types/incorrect-verifications.ts";
import { injectInfiniteLoop } from "./types/infinite-loops.ts";
import { injectMemoryInconsistency } from "./types/memory-inconsistencies.ts";
import { injectMisreadToolResult } from "./types/misread-tool-results.ts";
import { injectPlanningParalysis } from "./types/planning-paralysis.ts";
import { injectSuboptimalPath } from "./types/suboptimal-paths.ts";
import { injectTimeoutCascade } from "./types/timeout-cascades.ts";
import { injectToolFailureCascade } from "./types/tool-failure-cascades.ts";
import { injectValidationLoop } from "./types/validation-loops.ts";

/** One injector per type: changes the trajectory, labels what it changed, returns the trajectory-level parameters. */
export const INJECTORS: Readonly<Record<AnomalyType, (ctx: InjectionContext) => AnomalyMetadata>> = {
  infinite_loops: injectInfiniteLoop,
  suboptimal_paths: injectSuboptimalPath,
  tool_failure_cascades: injectToolFailureCascade,
  planning_paralysis: injectPlanningParalysis,
  memory_inconsistencies: injectMemoryInconsistency,
  timeout_cascades: injectTimeoutCascade,
  handoff_failures: injectHandoffFailure,
  validation_loops: injectValidationLoop,
  context_drift: injectContextDrift,
  incomplete_responses: injectIncompleteResponse,
  misread_tool_results: injectMisreadToolResult,
  incorrect_verifications: injectIncorrectVerification,
  ignored_agent_inputs: injectIgnoredAgentInput,
};

/**
 * The content-only types change what steps say, never the graph, so they need a run that already has what they
 * build on: a step stating a tool's result (misread), checked by a passing verification (incorrect verification) or
 * received through a handoff (ignored input). A run without it gets the nearest type it can hold, in this order;
 * the labels name the type injected. Checked before any draw, so the stream is the same either way.
 */
const CONTENT_FALLBACKS: Readonly<
  Partial<Record<AnomalyType, { fits: (ctx: InjectionContext) => boolean; fallback: AnomalyType }>>
> = {
  incorrect_verifications: {
    fits: (ctx) => verifiedWork(ctx, quotingSteps(ctx)).length > 0,
    fallback: "misread_tool_results",
  },
  ignored_agent_inputs: {
    fits: (ctx) => receivedWork(ctx, quotingSteps(ctx)).length > 0,
    fallback: "misread_tool_results",
  },
  // A run where no step states a tool's result (no tool call, or none quoted) drifts instead.
  misread_tool_results: { fits: (ctx) => quotingSteps(ctx).length > 0, fallback: "context_drift" },
};

/** Types that need the trajectory's times to decide where to act; the others work on the graph alone. */
const NEEDS_TIMES: ReadonlySet<AnomalyType> = new Set(["incomplete_responses"]);

export interface InjectAnomalyInput {
  /** The normal trajectory of this index, changed in place: a draft (before finalize) or a finalized one. */
  trajectory: Trajectory;
  /** The trajectory's start (the draft's `startMs`). */
  startMs: number;
  trajectoryConfig: TrajectoryConfig;
  /** The trajectory's id stream (the draft builder's `ids`), so new ids continue it. */
  ids: Randomizer;
  /** The plan the draft was built with (`planAnomaly`): type, severity and the node-adding effect counts. */
  plan: AnomalyPlan;
  config: AnomalyInjectionConfig;
  seed: Seed;
  index: number;
}

/**
 * The anomaly step of generation: injects `decision` into trajectory `index`, labels the trajectory, its changed
 * nodes and edges, and finalizes (times, scores, metrics). It works on the draft, between variance and finalize;
 * the one type that needs times (incomplete_responses) finalizes first. Every choice comes from the injection stream
 * of (seed, index), so it is as deterministic as the rest.
 * @example
 * const plan = planAnomaly(decision, anomalies, 42, 7);
 * const draft = draftTrajectory(config, 42, 7, plan.budget);
 * injectAnomaly({ trajectory: draft.trajectory, startMs: draft.startMs, trajectoryConfig: config, ids: draft.builder.ids, plan, config: anomalies, seed: 42, index: 7 });
 */
export function injectAnomaly(input: InjectAnomalyInput): Trajectory {
  const { trajectory, plan } = input;
  const { decision } = plan;
  if (NEEDS_TIMES.has(decision.type)) finalizeTrajectory(trajectory, input.startMs);
  const rng = injectionRandomizer(input.seed, input.index);
  const contextFor = (type: AnomalyType) =>
    new InjectionContext({
      trajectory,
      trajectoryConfig: input.trajectoryConfig,
      ids: input.ids,
      rng,
      type,
      severity: decision.severity,
      counts: plan.counts,
      config: input.config,
    });
  let type = decision.type;
  let ctx = contextFor(type);
  for (let rule = CONTENT_FALLBACKS[type]; rule !== undefined && !rule.fits(ctx); rule = CONTENT_FALLBACKS[type]) {
    type = rule.fallback;
    ctx = contextFor(type);
  }
  const parameters = INJECTORS[type](ctx);
  ctx.placeNewEdges();
  const { metadata } = trajectory;
  metadata.is_anomalous = true;
  metadata.anomaly_types = [type];
  metadata.anomaly_severity = decision.severity;
  metadata.anomaly_metadata = { type, severity: decision.severity, ...parameters };
  metadata.anomalies = [ctx.label()];
  return finalizeTrajectory(trajectory, input.startMs);
}
