import { createRandomizer, type Seed } from "../random.ts";
import type { AnomalyInjectionConfig } from "../trajectory/anomaly-config.ts";
import { type AnomalyDecision, decideAnomalies, effectCount } from "../trajectory/anomaly-decision.ts";
import { STRUCTURAL_MIN_NODES } from "../trajectory/defaults.ts";
import type { NodeBudget } from "../trajectory/generate.ts";
import type { AnomalyType, PatternName } from "../trajectory/vocabulary.ts";

/**
 * The effect parameters that add nodes, per type, in the order they shrink when the trajectory has no room for them
 * (a loop loses iterations before it loses body steps). Drawn before the base graph is built.
 */
const NODE_EFFECTS: Readonly<Record<AnomalyType, readonly string[]>> = {
  infinite_loops: ["iterations", "loop_length"],
  suboptimal_paths: ["extra_steps"],
  tool_failure_cascades: [],
  planning_paralysis: ["extra_rounds"],
  memory_inconsistencies: ["inconsistent_reads"],
  timeout_cascades: [],
  handoff_failures: ["failed_attempts"],
  validation_loops: ["iterations"],
  context_drift: [],
  incomplete_responses: [],
  misread_tool_results: [],
  incorrect_verifications: [],
  ignored_agent_inputs: [],
};

/** Patterns whose graph always has what the injector builds on, so it needs no extra node (see `addedNodes`). */
const HAS_HANDOFF: ReadonlySet<PatternName> = new Set(["multi_agent_handoffs"]);
// Every branch of branched_analysis and the retry of error_recovery end in a VALIDATION of a work step; a small
// complex_research may validate a memory read instead.
const HAS_CHECKED_WORK: ReadonlySet<PatternName> = new Set(["branched_analysis", "error_recovery"]);

/**
 * Nodes the pattern must still build beyond its structural minimum for a further node-adding anomaly to be kept:
 * the anomalies after the first need steps of the run to act on (a drift needs two work steps in a row), not only
 * the ones the first added.
 */
const EXTRA_SLACK = 2;

/** One anomaly of a plan: its decision and the node-adding effect counts drawn for it. */
export interface PlannedAnomaly {
  readonly decision: AnomalyDecision;
  /** Position in `decideAnomalies` order (0 is the primary): names the anomaly's plan and injection streams. */
  readonly position: number;
  readonly counts: Record<string, number>;
}

/** What the anomaly step will do to trajectory `index`, decided before its base graph is built. */
export interface AnomalyPlan {
  /** The primary anomaly (the one splits stratify on). */
  readonly decision: AnomalyDecision;
  /**
   * The primary's node-adding effect counts (`loop_length`, `iterations`, `extra_steps`, ...), drawn from (seed,
   * index) for the severity; `budget` shrinks them when the drawn trajectory size leaves too little room.
   */
  readonly counts: Record<string, number>;
  /**
   * Every anomaly to inject, the primary first (`decideAnomalies` order). With `max_per_trajectory` 1 it is the
   * primary alone. `budget` drops a further anomaly that adds nodes the drawn size has no room left for.
   */
  readonly anomalies: readonly PlannedAnomaly[];
  /**
   * The draft's node budget: the drawn size minus the nodes the anomalies add, never below the pattern's structural
   * minimum. The injected trajectory then has the drawn size, within the pattern's [min_nodes, max_nodes].
   */
  readonly budget: NodeBudget;
}

/**
 * The anomaly plan of trajectory `index`: `decideAnomalies` plus the node-adding effect sizes, or null for a normal
 * trajectory. Cheap: it builds nothing.
 * @example
 * const plan = planAnomalyStep(config.anomalies, 42, 7);
 * const draft = draftTrajectory(config, 42, 7, plan?.budget);
 */
export function planAnomalyStep(config: AnomalyInjectionConfig, seed: Seed, index: number): AnomalyPlan | null {
  const decisions = decideAnomalies(config, seed, index);
  return decisions === null ? null : planAnomalies(decisions, config, seed, index);
}

/** The plan for a given decision (tests force a type and severity this way). */
export function planAnomaly(
  decision: AnomalyDecision,
  config: AnomalyInjectionConfig,
  seed: Seed,
  index: number,
): AnomalyPlan {
  return planAnomalies([decision], config, seed, index);
}

/**
 * The plan for given decisions, the primary first (tests force types and severities this way). The node budget
 * fits the primary as a single anomaly is fitted (it shrinks to the room left); each further one in turn shrinks to
 * the room the ones before left, and is dropped when it still adds more nodes than that (less `EXTRA_SLACK`), so the
 * node count of an anomalous trajectory is distributed as with one anomaly, which is as in a normal one.
 */
export function planAnomalies(
  decisions: readonly AnomalyDecision[],
  config: AnomalyInjectionConfig,
  seed: Seed,
  index: number,
): AnomalyPlan {
  const drawn = decisions.map((decision, position) => ({
    decision,
    position,
    counts: drawCounts(decision, config, seed, index, position),
  }));
  const primary = drawn[0];
  if (primary === undefined) throw new RangeError("an anomaly plan needs at least one decision");
  let anomalies: readonly PlannedAnomaly[] = drawn;
  // The trajectory's benign noise (`reserved` nodes) is the same with or without the anomaly, so the anomaly fits in
  // what is left: it shrinks rather than push the trajectory past its drawn size.
  const budget: NodeBudget = (pattern, nodeCount, reserved) => {
    const floor = STRUCTURAL_MIN_NODES[pattern];
    const room = nodeCount - reserved - floor;
    shrinkToFit(primary.decision.type, primary.counts, pattern, room);
    let added = addedNodes(primary.decision.type, primary.counts, pattern);
    const kept: PlannedAnomaly[] = [primary];
    for (const extra of drawn.slice(1)) {
      const type = extra.decision.type;
      shrinkToFit(type, extra.counts, pattern, room - added - EXTRA_SLACK);
      const adds = addedNodes(type, extra.counts, pattern);
      if (adds > 0 && added + adds > room - EXTRA_SLACK) continue;
      added += adds;
      kept.push(extra);
    }
    anomalies = kept;
    return Math.max(floor, nodeCount - reserved - added);
  };
  return {
    decision: primary.decision,
    counts: primary.counts,
    get anomalies() {
      return anomalies;
    },
    budget,
  };
}

/** The node-adding effect counts of one anomaly, from its own plan stream (the primary's is a single anomaly's). */
function drawCounts(
  decision: AnomalyDecision,
  config: AnomalyInjectionConfig,
  seed: Seed,
  index: number,
  position: number,
): Record<string, number> {
  const names = NODE_EFFECTS[decision.type];
  const counts: Record<string, number> = {};
  if (names.length > 0) {
    const rng =
      position === 0
        ? createRandomizer(seed, "anomaly", index, "plan")
        : createRandomizer(seed, "anomaly", index, "plan", position);
    const ranges = config.parameters[decision.type] as Readonly<Record<string, readonly [number, number]>>;
    // Declaration order of the ranges, so a count does not depend on the shrink order.
    for (const name of Object.keys(ranges))
      if (names.includes(name))
        counts[name] = effectCount(ranges[name] as readonly [number, number], decision.severity, rng);
  }
  return counts;
}

/**
 * How many nodes the injector adds with these counts to a trajectory of `pattern`: the effect itself plus its
 * `setupNodes`. Injectors add exactly this many, so the injected trajectory has the size drawn for it.
 */
export function addedNodes(type: AnomalyType, counts: Readonly<Record<string, number>>, pattern: PatternName): number {
  const count = (name: string) => counts[name] ?? 0;
  switch (type) {
    case "infinite_loops":
      return count("loop_length") * count("iterations");
    case "suboptimal_paths":
      return count("extra_steps");
    case "planning_paralysis":
      return count("extra_rounds");
    case "memory_inconsistencies":
      return count("inconsistent_reads") + setupNodes(type, pattern);
    case "handoff_failures":
      return count("failed_attempts") + setupNodes(type, pattern);
    case "validation_loops":
      return 2 * count("iterations") + setupNodes(type, pattern);
    default:
      return 0;
  }
}

/**
 * The node an injector splices in before its effect, decided by the pattern so the plan can leave room for it: the
 * store whose reads go wrong (always new), a HANDOFF to fail where the pattern has none, a VALIDATION to keep
 * rejecting where the pattern does not always check a work step.
 */
export function setupNodes(type: AnomalyType, pattern: PatternName): number {
  switch (type) {
    case "memory_inconsistencies":
      return 1;
    case "handoff_failures":
      return HAS_HANDOFF.has(pattern) ? 0 : 1;
    case "validation_loops":
      return HAS_CHECKED_WORK.has(pattern) ? 0 : 1;
    default:
      return 0;
  }
}

/** Lowers the counts, in `NODE_EFFECTS` order and never below 1, until the anomaly adds at most `room` nodes. */
function shrinkToFit(type: AnomalyType, counts: Record<string, number>, pattern: PatternName, room: number): void {
  for (const name of NODE_EFFECTS[type]) {
    while (addedNodes(type, counts, pattern) > room && (counts[name] ?? 1) > 1) counts[name] = (counts[name] ?? 1) - 1;
  }
}
