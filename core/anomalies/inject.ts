import type { Randomizer, Seed } from "../random.ts";
import type { AnomalyInjectionConfig } from "../trajectory/anomaly-config.ts";
import { injectionRandomizer } from "../trajectory/anomaly-decision.ts";
import type { TrajectoryConfig } from "../trajectory/config.ts";
import { type TaskTopic, taskTopic } from "../trajectory/content/topic.ts";
import { finalizeTrajectory } from "../trajectory/finalize.ts";
import type { AnomalyMetadata, Trajectory } from "../trajectory/model.ts";
import { type AnomalyType, SEVERITY_LEVELS, type SeverityLevel } from "../trajectory/vocabulary.ts";
import { InjectionContext, LabelLedger } from "./context.ts";
import { quotingSteps } from "./misstatements.ts";
import type { AnomalyPlan, PlannedAnomaly } from "./plan.ts";
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
  /** The task's topic (the draft builder's), so it is not read again; read from the task description when absent. */
  topic?: TaskTopic;
  /** The plan the draft was built with (`planAnomalyStep`): the anomalies, their severity and node-adding counts. */
  plan: AnomalyPlan;
  config: AnomalyInjectionConfig;
  seed: Seed;
  index: number;
}

/**
 * Where an anomaly goes in the injection order of a trajectory with several: first the ones that add or reshape
 * steps, then the content-only ones (they restate steps the run now has, and fall back on the final graph), then
 * the failures that propagate downstream (so the steps the others added are downstream too), last the one that cuts
 * the run short (incomplete_responses needs the times and removes what comes after its cut).
 */
function injectionRank(type: AnomalyType): number {
  if (NEEDS_TIMES.has(type)) return 3;
  if (type === "tool_failure_cascades" || type === "timeout_cascades") return 2;
  return CONTENT_TYPES.has(type) ? 1 : 0;
}

/** Types that change what steps say (and context drift, their last fallback), not how many steps there are. */
const CONTENT_TYPES: ReadonlySet<AnomalyType> = new Set([
  "misread_tool_results",
  "incorrect_verifications",
  "ignored_agent_inputs",
  "context_drift",
]);

const SEVERITY_RANK: Readonly<Record<SeverityLevel, number>> = Object.fromEntries(
  SEVERITY_LEVELS.map((level, rank) => [level, rank]),
) as Record<SeverityLevel, number>;

/**
 * The anomaly step of generation: injects the plan's anomalies into trajectory `index`, labels the trajectory, its
 * changed nodes and edges, and finalizes (times, scores, metrics). It works on the draft, between variance and
 * finalize; the one type that needs times (incomplete_responses) finalizes first. Every choice comes from the
 * injection streams of (seed, index), one per anomaly, so it is as deterministic as the rest.
 *
 * With several anomalies (`max_per_trajectory` > 1) they go in the order of `injectionRank`, each with its own
 * stream, severity and `metadata.anomalies` entry; the entries and `anomaly_types` list them primary first
 * (`decideAnomalies` order). A node two anomalies touch keeps the labels of the first that marked it and is listed in
 * both entries (see `LabelLedger`). An anomaly whose content fallback lands on a type the trajectory already has is
 * left out (the fallbacks add no nodes), as is one whose every node a later cut removed; `anomaly_severity` is the
 * highest of the entries and `anomaly_metadata` the primary's parameters plus `anomaly_count`.
 * @example
 * const plan = planAnomaly(decision, anomalies, 42, 7);
 * const draft = draftTrajectory(config, 42, 7, plan.budget);
 * injectAnomaly({ trajectory: draft.trajectory, startMs: draft.startMs, trajectoryConfig: config, ids: draft.builder.ids, plan, config: anomalies, seed: 42, index: 7 });
 */
export function injectAnomaly(input: InjectAnomalyInput): Trajectory {
  const { trajectory, plan } = input;
  const ledger = new LabelLedger();
  const order = [...plan.anomalies].sort(
    (a, b) => injectionRank(a.decision.type) - injectionRank(b.decision.type) || a.position - b.position,
  );
  const injected: Array<{ planned: PlannedAnomaly; ctx: InjectionContext; parameters: AnomalyMetadata }> = [];
  const types = new Set<AnomalyType>();
  // One topic for every context: the task description does not change.
  const topic = input.topic ?? taskTopic(trajectory.task_description);
  for (const planned of order) {
    const { decision } = planned;
    if (NEEDS_TIMES.has(decision.type)) finalizeTrajectory(trajectory, input.startMs);
    const rng = injectionRandomizer(input.seed, input.index, planned.position);
    const contextFor = (type: AnomalyType) =>
      new InjectionContext({
        trajectory,
        trajectoryConfig: input.trajectoryConfig,
        ids: input.ids,
        topic,
        rng,
        type,
        severity: decision.severity,
        counts: planned.counts,
        config: input.config,
        ledger,
      });
    let type = decision.type;
    let ctx = contextFor(type);
    for (let rule = CONTENT_FALLBACKS[type]; rule !== undefined && !rule.fits(ctx); rule = CONTENT_FALLBACKS[type]) {
      type = rule.fallback;
      ctx = contextFor(type);
    }
    if (types.has(type)) continue;
    types.add(type);
    const parameters = INJECTORS[type](ctx);
    ctx.placeNewEdges();
    injected.push({ planned, ctx, parameters });
  }
  injected.sort((a, b) => a.planned.position - b.planned.position);
  const kept = injected.filter(({ ctx }) => ctx.hasLabelledNodes());
  for (const { ctx } of injected) if (!kept.some((entry) => entry.ctx === ctx)) ctx.withdraw();
  const first = kept[0];
  if (first === undefined) throw new RangeError("the anomaly step left no labelled anomaly");
  const labels = kept.map(({ ctx }) => ctx.label());
  const { metadata } = trajectory;
  metadata.is_anomalous = true;
  metadata.anomaly_types = labels.map((label) => label.anomaly_type);
  metadata.anomaly_severity = labels
    .map((label) => label.severity)
    .reduce((a, b) => (SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a));
  metadata.anomaly_metadata = {
    type: first.ctx.type,
    severity: first.planned.decision.severity,
    ...first.parameters,
    ...(labels.length > 1 ? { anomaly_count: labels.length } : {}),
  };
  metadata.anomalies = labels;
  return finalizeTrajectory(trajectory, input.startMs);
}
