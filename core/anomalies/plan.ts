import { createRandomizer, type Seed } from "../random.ts";
import { STRUCTURAL_MIN_NODES } from "../trajectory/defaults.ts";
import type { NodeBudget } from "../trajectory/generate.ts";
import type { AnomalyType, PatternName } from "../trajectory/vocabulary.ts";
import type { AnomalyInjectionConfig } from "./config.ts";
import { type AnomalyDecision, decideAnomaly, effectCount } from "./decide.ts";

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

/** What the anomaly step will do to trajectory `index`, decided before its base graph is built. */
export interface AnomalyPlan {
  readonly decision: AnomalyDecision;
  /**
   * The node-adding effect counts (`loop_length`, `iterations`, `extra_steps`, ...), drawn from (seed, index) for
   * the severity; `budget` shrinks them when the drawn trajectory size leaves too little room.
   */
  readonly counts: Record<string, number>;
  /**
   * The draft's node budget: the drawn size minus the nodes the anomaly adds, never below the pattern's structural
   * minimum. The injected trajectory then has the drawn size, within the pattern's [min_nodes, max_nodes].
   */
  readonly budget: NodeBudget;
}

/**
 * The anomaly plan of trajectory `index`: `decideAnomaly` plus the node-adding effect sizes, or null for a normal
 * trajectory. Cheap: it builds nothing.
 * @example
 * const plan = planAnomalyStep(config.anomalies, 42, 7);
 * const draft = draftTrajectory(config, 42, 7, plan?.budget);
 */
export function planAnomalyStep(config: AnomalyInjectionConfig, seed: Seed, index: number): AnomalyPlan | null {
  const decision = decideAnomaly(config, seed, index);
  return decision === null ? null : planAnomaly(decision, config, seed, index);
}

/** The plan for a given decision (tests force a type and severity this way). */
export function planAnomaly(
  decision: AnomalyDecision,
  config: AnomalyInjectionConfig,
  seed: Seed,
  index: number,
): AnomalyPlan {
  const names = NODE_EFFECTS[decision.type];
  const counts: Record<string, number> = {};
  if (names.length > 0) {
    const rng = createRandomizer(seed, "anomaly", index, "plan");
    const ranges = config.parameters[decision.type] as Readonly<Record<string, readonly [number, number]>>;
    // Declaration order of the ranges, so a count does not depend on the shrink order.
    for (const name of Object.keys(ranges))
      if (names.includes(name))
        counts[name] = effectCount(ranges[name] as readonly [number, number], decision.severity, rng);
  }
  // The trajectory's benign noise (`reserved` nodes) is the same with or without the anomaly, so the anomaly fits in
  // what is left: it shrinks rather than push the trajectory past its drawn size.
  const budget: NodeBudget = (pattern, nodeCount, reserved) => {
    const floor = STRUCTURAL_MIN_NODES[pattern];
    shrinkToFit(decision.type, counts, pattern, nodeCount - reserved - floor);
    return Math.max(floor, nodeCount - reserved - addedNodes(decision.type, counts, pattern));
  };
  return { decision, counts, budget };
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
