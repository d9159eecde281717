import { describe, expect, it } from "vitest";
import { injectAnomaly } from "../../../core/anomalies/inject.ts";
import { planAnomalyStep } from "../../../core/anomalies/plan.ts";
import { parseAnomalyInjectionConfig } from "../../../core/trajectory/anomaly-config.ts";
import { type TaskTopic, taskTopic } from "../../../core/trajectory/content/topic.ts";
import { finalizeTrajectory } from "../../../core/trajectory/finalize.ts";
import {
  DEFAULT_TRAJECTORY_CONFIG,
  draftTrajectory,
  type PatternSettings,
  type Trajectory,
} from "../../../core/trajectory/index.ts";
import type { AnomalyType } from "../../../core/trajectory/vocabulary.ts";
import { chanceStumpAccuracy, stumpAccuracy } from "./separability.ts";

/**
 * Shallow per-field statistics, the kind a trivial rule keys on: which fields are present (per node type), the
 * values of low-cardinality fields (strings with digits masked, so "search_term_12" and "search_term_7" are one
 * template, and with the trajectory's own task words masked, so "/v2/churn-rate" and "/v1/fraud-losses" are one
 * template: text derived from the task is drawn before and apart from the anomaly), and the range and mean of numbers.
 */
interface FieldStats {
  count: number;
  values: Map<string, number>;
  min: number;
  max: number;
  sum: number;
  sumSquares: number;
  /** Sum and count per trajectory: nodes of one run are not independent draws, so the error of a mean is per run. */
  runs: Map<number, { sum: number; count: number }>;
}

const SKIPPED = new Set([
  "node_id",
  "edge_id",
  "source_node_id",
  "target_node_id",
  "start_time",
  "end_time",
  "creation_time",
  "anomaly_metadata",
  "anomaly_role",
]);
/** Fields an anomaly changes on purpose (its own nodes): status and outcome, timing, retries, returned values. */
const ANOMALY_SEMANTICS = new Set([
  "status",
  "error_code",
  "error_message",
  "retry_count",
  "duration",
  "tool_success",
  "tool_result",
  "memory_success",
  "memory_value",
  "handoff_success",
  "validation_result",
  "validation_score",
  "performance_score",
  "is_anomalous",
  "anomaly_type",
  "success_rate",
  "error_count",
  "timeout_count",
  "reliability_score",
]);
const MAX_VOCABULARY = 300;

class Profile {
  readonly fields = new Map<string, FieldStats>();
  readonly signatures = new Set<string>();
  /** The trajectory the next values come from. */
  run = 0;

  add(
    kind: string,
    item: Record<string, unknown>,
    mask: (text: string) => string,
    include: (field: string) => boolean = () => true,
  ): void {
    this.signatures.add(
      `${kind}:${Object.keys(item)
        .filter((key) => key !== "anomaly_metadata")
        .join(",")}`,
    );
    for (const [key, value] of Object.entries(item)) {
      if (SKIPPED.has(key) || !include(key)) continue;
      if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        for (const [inner, innerValue] of Object.entries(value))
          this.#observe(`${kind}.${key}.${inner}`, typeof innerValue === "string" ? mask(innerValue) : innerValue);
        this.#observe(`${kind}.${key}.(keys)`, Object.keys(value).join(","));
      } else {
        this.#observe(
          `${kind}.${key}`,
          Array.isArray(value) ? value.join(",") : typeof value === "string" ? mask(value) : value,
        );
      }
    }
  }

  #observe(field: string, value: unknown): void {
    let stats = this.fields.get(field);
    if (stats === undefined) {
      stats = {
        count: 0,
        values: new Map(),
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
        sum: 0,
        sumSquares: 0,
        runs: new Map(),
      };
      this.fields.set(field, stats);
    }
    stats.count++;
    if (typeof value === "number") {
      stats.min = Math.min(stats.min, value);
      stats.max = Math.max(stats.max, value);
      stats.sum += value;
      stats.sumSquares += value * value;
      const run = stats.runs.get(this.run) ?? { sum: 0, count: 0 };
      run.sum += value;
      run.count++;
      stats.runs.set(this.run, run);
    } else {
      const masked = String(value).replace(/[0-9a-f]{8}|\d+/g, "#");
      if (stats.values.size <= MAX_VOCABULARY || stats.values.has(masked))
        stats.values.set(masked, (stats.values.get(masked) ?? 0) + 1);
    }
  }
}

/** Replaces the words of `topic` in a text by placeholders (longest first, so a subject goes before its words). */
function topicMask(topic: TaskTopic): (text: string) => string {
  const lead = topic.keywords[0];
  const words = [
    topic.api,
    topic.file,
    topic.subject,
    topic.context,
    topic.slug,
    topic.slug.replaceAll("_", "-"),
    lead === undefined ? null : lead.charAt(0).toUpperCase() + lead.slice(1),
  ]
    .filter((word): word is string => word !== null && word.length > 2)
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let masked = text;
    for (const word of words) masked = masked.split(word).join("<task>");
    return masked;
  };
}

/**
 * The sampling variance of a field's mean when values come in runs (cluster-robust: the spread of the runs' sums
 * around the mean times their sizes). Nodes of one trajectory share its pattern and size, so treating them as
 * independent would understate the error several times over.
 */
function meanVariance(stats: FieldStats): number {
  const mean = stats.sum / stats.count;
  const runs = stats.runs.size;
  if (runs < 2) return 0;
  let spread = 0;
  for (const run of stats.runs.values()) spread += (run.sum - mean * run.count) ** 2;
  return (runs / (runs - 1)) * (spread / (stats.count * stats.count));
}

/** Differences between a profile and the normal one that a trivial rule could use. */
function differences(normal: Profile, other: Profile, compareMeans: boolean): string[] {
  const found: string[] = [];
  for (const signature of other.signatures)
    if (!normal.signatures.has(signature)) found.push(`new field layout ${signature}`);
  for (const [field, stats] of other.fields) {
    const base = normal.fields.get(field);
    if (base === undefined) {
      found.push(`field ${field} never appears in normal data`);
      continue;
    }
    if (base.values.size > 0 && base.values.size <= MAX_VOCABULARY) {
      // A value both samples could show is fine when rare; one that is common here and absent there is a tell.
      for (const [value, count] of stats.values) {
        if (!base.values.has(value) && count >= Math.max(3, 0.01 * stats.count)) {
          found.push(`${field} = ${value} (${count}×) never appears in normal data`);
        }
      }
    }
    if (stats.sum !== 0 || base.sum !== 0) {
      // Sample extremes wander a little; anything well outside the normal range is a tell.
      const slack = 0.05 * (base.max - base.min);
      if (stats.min < base.min - slack || stats.max > base.max + slack) {
        found.push(`${field} range [${stats.min}, ${stats.max}] outside normal [${base.min}, ${base.max}]`);
      }
      if (compareMeans && stats.count >= 30) {
        const mean = base.sum / base.count;
        const standardError = Math.sqrt(Math.max(meanVariance(base) + meanVariance(stats), 1e-12));
        const otherMean = stats.sum / stats.count;
        if (Math.abs(otherMean - mean) > 5 * standardError)
          found.push(`${field} mean ${otherMean} vs normal ${mean} (±${standardError})`);
      }
    }
  }
  return found;
}

const TRAJECTORIES = 3000;
const SEED = 99;

/** Per-trajectory scalars a shallow classifier could use without looking at labels. */
interface SizeFeatures {
  /** Node count relative to the pattern's bounds: 0 at min_nodes, 1 at max_nodes. */
  position: number;
  /** The plan's `planned_steps` over the steps the run's node count implies (nodes minus the fixed ones). */
  planRatio: number;
  nodes: number;
  plannedSteps: number;
  pattern: string;
  inBounds: boolean;
  maxNodes: number;
  /** The run ended early with an honest "cannot complete" (benign noise). */
  endedEarly: boolean;
}

/** Nodes every run of a pattern has besides its steps (the builders size `planned_steps` from the rest). */
const FIXED_NODES: Readonly<Record<string, number>> = { complex_research: 4 };

function sizeFeatures(t: Trajectory): SizeFeatures {
  const settings = DEFAULT_TRAJECTORY_CONFIG.patterns[t.pattern] as PatternSettings;
  const plan = t.nodes.find((node) => node.node_type === "PLANNING");
  const plannedSteps = plan?.node_type === "PLANNING" ? plan.planning_output.planned_steps : 0;
  const nodes = t.nodes.length;
  return {
    position: (nodes - settings.minNodes) / (settings.maxNodes - settings.minNodes),
    planRatio: plannedSteps / Math.max(1, nodes - (FIXED_NODES[t.pattern] ?? 3)),
    nodes,
    maxNodes: settings.maxNodes,
    plannedSteps,
    pattern: t.pattern,
    inBounds: nodes >= settings.minNodes && nodes <= settings.maxNodes,
    endedEarly: t.nodes.some(
      (node) => node.node_type === "ACTION" && node.final_output.startsWith("Cannot complete the request"),
    ),
  };
}

describe("anomaly injection leakage", () => {
  const anomalies = parseAnomalyInjectionConfig({ ratio: 0.5 });
  const normal = new Profile();
  const untouched = new Profile();
  const injected = new Profile();
  const normalTrajectories = new Profile();
  const anomalousTrajectories = new Profile();
  const normalSizes: SizeFeatures[] = [];
  const anomalousSizes = new Map<AnomalyType, SizeFeatures[]>();
  let anomalousCount = 0;
  for (let i = 0; i < TRAJECTORIES; i++) {
    // The generation pipeline: plan (leaves room for the nodes the anomaly adds) → draft → inject or finalize.
    const plan = planAnomalyStep(anomalies, SEED, i);
    const draft = draftTrajectory(DEFAULT_TRAJECTORY_CONFIG, SEED, i, plan?.budget);
    const t: Trajectory = draft.trajectory;
    const mask = topicMask(taskTopic(t.task_description));
    for (const profile of [normal, untouched, injected, normalTrajectories, anomalousTrajectories]) profile.run = i;
    const trajectoryFields = {
      pattern: t.pattern,
      task_description: t.task_description,
      tags: t.metadata.tags.join(","),
    };
    if (plan === null) {
      finalizeTrajectory(t, draft.startMs);
      normalSizes.push(sizeFeatures(t));
      normalTrajectories.add("trajectory", trajectoryFields, mask);
      for (const node of t.nodes) normal.add(node.node_type, node, mask);
      for (const edge of t.edges) normal.add(edge.edge_type, edge, mask);
      continue;
    }
    anomalousCount++;
    const before = new Set([...t.nodes.map((node) => node.node_id), ...t.edges.map((edge) => edge.edge_id)]);
    injectAnomaly({
      trajectory: t,
      startMs: draft.startMs,
      trajectoryConfig: DEFAULT_TRAJECTORY_CONFIG,
      ids: draft.builder.ids,
      plan,
      config: anomalies,
      seed: SEED,
      index: i,
    });
    const sizes = anomalousSizes.get(plan.decision.type) ?? [];
    sizes.push(sizeFeatures(t));
    anomalousSizes.set(plan.decision.type, sizes);
    anomalousTrajectories.add("trajectory", trajectoryFields, mask);
    for (const node of t.nodes) {
      // Work an anomaly builds on stays unlabelled but can record it (a handoff that got through after failed
      // attempts counts them; a step after a timeout starts late): outcome fields are compared for injected parts.
      if (!node.is_anomalous) untouched.add(node.node_type, node, mask, (field) => !ANOMALY_SEMANTICS.has(field));
      else if (!before.has(node.node_id))
        injected.add(node.node_type, node, mask, (field) => !ANOMALY_SEMANTICS.has(field));
    }
    for (const edge of t.edges) {
      if (!edge.is_anomalous) untouched.add(edge.edge_type, edge, mask, (field) => !ANOMALY_SEMANTICS.has(field));
      else if (!before.has(edge.edge_id))
        injected.add(edge.edge_type, edge, mask, (field) => !ANOMALY_SEMANTICS.has(field));
    }
  }

  it("draws a ratio-sized sample of anomalous trajectories to compare", () => {
    expect(anomalousCount).toBeGreaterThan(TRAJECTORIES * 0.4);
    expect(anomalousCount).toBeLessThan(TRAJECTORIES * 0.6);
  });

  it("keeps unlabelled nodes and edges of anomalous trajectories indistinguishable from normal ones", () => {
    expect(differences(normal, untouched, true)).toStrictEqual([]);
  });

  it("draws injected nodes and edges from the normal vocabularies and ranges", () => {
    expect(differences(normal, injected, false)).toStrictEqual([]);
  });

  it("leaves trajectory-level fields (pattern, task, tags) distributed as in normal trajectories", () => {
    expect(differences(normalTrajectories, anomalousTrajectories, false)).toStrictEqual([]);
  });

  it("keeps every trajectory within its pattern's [min_nodes, max_nodes], except runs cut short", () => {
    const outside = [
      ...normalSizes,
      ...[...anomalousSizes].flatMap(([type, sizes]) => (type === "incomplete_responses" ? [] : sizes)),
      // A run that stops early and says it cannot complete is shorter than drawn: benign, and in normal runs too.
    ].filter((sizes) => !sizes.inBounds && !(sizes.endedEarly && sizes.nodes <= sizes.maxNodes));
    expect(outside).toStrictEqual([]);
    // incomplete_responses stops before its ACTION: fewer nodes than drawn is its defining effect.
    const incomplete = anomalousSizes.get("incomplete_responses") ?? [];
    expect(incomplete.some((sizes) => !sizes.inBounds)).toBe(true);
  });

  it("draws planned_steps as an estimate that follows the node count without being a function of it", () => {
    const byCount = new Map<string, Set<number>>();
    for (const sizes of normalSizes) {
      const key = `${sizes.pattern}/${sizes.nodes}`;
      byCount.set(key, (byCount.get(key) ?? new Set()).add(sizes.plannedSteps));
    }
    const repeated = [...byCount.values()].filter((values) => values.size > 1);
    expect(repeated.length / byCount.size).toBeGreaterThan(0.9);
    const ratios = normalSizes.map((sizes) => sizes.planRatio);
    expect(Math.min(...ratios)).toBeLessThan(0.8);
    expect(Math.max(...ratios)).toBeGreaterThan(1.2);
    expect(
      correlation(
        normalSizes.map((sizes) => sizes.nodes),
        normalSizes.map((sizes) => sizes.plannedSteps),
      ),
    ).toBeGreaterThan(0.7);
  });

  it("gives a one-threshold classifier on size features no edge over chance, except for runs cut short", () => {
    const normalPosition = normalSizes.map((sizes) => sizes.position);
    const normalRatio = normalSizes.map((sizes) => sizes.planRatio);
    const separable: string[] = [];
    const pooled: SizeFeatures[] = [];
    // Two features per type and for all types pooled, checked at once: each check gets its share of α.
    const comparisons = 2 * anomalousSizes.size;
    for (const [type, sizes] of anomalousSizes) {
      if (type === "incomplete_responses") continue;
      pooled.push(...sizes);
      const chance = chanceStumpAccuracy(sizes.length, normalSizes.length, comparisons);
      const position = stumpAccuracy(
        sizes.map((s) => s.position),
        normalPosition,
      );
      const ratio = stumpAccuracy(
        sizes.map((s) => s.planRatio),
        normalRatio,
      );
      if (position > chance) separable.push(`${type} node count: ${position.toFixed(3)} > ${chance.toFixed(3)}`);
      if (ratio > chance) separable.push(`${type} planned_steps ratio: ${ratio.toFixed(3)} > ${chance.toFixed(3)}`);
    }
    const chance = chanceStumpAccuracy(pooled.length, normalSizes.length, comparisons);
    const position = stumpAccuracy(
      pooled.map((s) => s.position),
      normalPosition,
    );
    const ratio = stumpAccuracy(
      pooled.map((s) => s.planRatio),
      normalRatio,
    );
    if (position > chance) separable.push(`all node count: ${position.toFixed(3)} > ${chance.toFixed(3)}`);
    if (ratio > chance) separable.push(`all planned_steps ratio: ${ratio.toFixed(3)} > ${chance.toFixed(3)}`);
    expect(separable).toStrictEqual([]);
  });

  it("lets the same classifier find runs cut short by their size (the test can see a real signal)", () => {
    const incomplete = anomalousSizes.get("incomplete_responses") ?? [];
    const accuracy = stumpAccuracy(
      incomplete.map((s) => s.position),
      normalSizes.map((s) => s.position),
    );
    expect(accuracy).toBeGreaterThan(chanceStumpAccuracy(incomplete.length, normalSizes.length));
  });
});

function correlation(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < n; k++) {
    const dx = (xs[k] as number) - mx;
    const dy = (ys[k] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}
