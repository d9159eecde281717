import { describe, expect, it } from "vitest";
import { parseAnomalyInjectionConfig } from "../../../core/anomalies/config.ts";
import { decideAnomaly } from "../../../core/anomalies/decide.ts";
import { injectAnomaly } from "../../../core/anomalies/inject.ts";
import { finalizeTrajectory } from "../../../core/trajectory/finalize.ts";
import { DEFAULT_TRAJECTORY_CONFIG, draftTrajectory, type Trajectory } from "../../../core/trajectory/index.ts";

/**
 * Shallow per-field statistics, the kind a trivial rule keys on: which fields are present (per node type), the
 * values of low-cardinality fields (strings with digits masked, so "search_term_12" and "search_term_7" are one
 * template), and the range and mean of numbers.
 */
interface FieldStats {
  count: number;
  values: Map<string, number>;
  min: number;
  max: number;
  sum: number;
  sumSquares: number;
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

  add(kind: string, item: Record<string, unknown>, include: (field: string) => boolean = () => true): void {
    this.signatures.add(
      `${kind}:${Object.keys(item)
        .filter((key) => key !== "anomaly_metadata")
        .join(",")}`,
    );
    for (const [key, value] of Object.entries(item)) {
      if (SKIPPED.has(key) || !include(key)) continue;
      if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        for (const [inner, innerValue] of Object.entries(value)) this.#observe(`${kind}.${key}.${inner}`, innerValue);
        this.#observe(`${kind}.${key}.(keys)`, Object.keys(value).join(","));
      } else {
        this.#observe(`${kind}.${key}`, Array.isArray(value) ? value.join(",") : value);
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
      };
      this.fields.set(field, stats);
    }
    stats.count++;
    if (typeof value === "number") {
      stats.min = Math.min(stats.min, value);
      stats.max = Math.max(stats.max, value);
      stats.sum += value;
      stats.sumSquares += value * value;
    } else {
      const masked = String(value).replace(/[0-9a-f]{8}|\d+/g, "#");
      if (stats.values.size <= MAX_VOCABULARY || stats.values.has(masked))
        stats.values.set(masked, (stats.values.get(masked) ?? 0) + 1);
    }
  }
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
        const variance = Math.max(base.sumSquares / base.count - mean * mean, 1e-12);
        const standardError = Math.sqrt(variance / stats.count + variance / base.count);
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

describe("anomaly injection leakage", () => {
  const anomalies = parseAnomalyInjectionConfig({ ratio: 0.5 });
  const normal = new Profile();
  const untouched = new Profile();
  const injected = new Profile();
  const normalTrajectories = new Profile();
  const anomalousTrajectories = new Profile();
  let anomalousCount = 0;
  for (let i = 0; i < TRAJECTORIES; i++) {
    const draft = draftTrajectory(DEFAULT_TRAJECTORY_CONFIG, SEED, i);
    const t: Trajectory = draft.trajectory;
    const decision = decideAnomaly(anomalies, SEED, i);
    const trajectoryFields = {
      pattern: t.pattern,
      task_description: t.task_description,
      tags: t.metadata.tags.join(","),
    };
    if (decision === null) {
      finalizeTrajectory(t, draft.startMs);
      normalTrajectories.add("trajectory", trajectoryFields);
      for (const node of t.nodes) normal.add(node.node_type, node);
      for (const edge of t.edges) normal.add(edge.edge_type, edge);
      continue;
    }
    anomalousCount++;
    const before = new Set([...t.nodes.map((node) => node.node_id), ...t.edges.map((edge) => edge.edge_id)]);
    injectAnomaly({
      trajectory: t,
      startMs: draft.startMs,
      trajectoryConfig: DEFAULT_TRAJECTORY_CONFIG,
      ids: draft.builder.ids,
      decision,
      config: anomalies,
      seed: SEED,
      index: i,
    });
    anomalousTrajectories.add("trajectory", trajectoryFields);
    for (const node of t.nodes) {
      if (!node.is_anomalous) untouched.add(node.node_type, node);
      else if (!before.has(node.node_id)) injected.add(node.node_type, node, (field) => !ANOMALY_SEMANTICS.has(field));
    }
    for (const edge of t.edges) {
      if (!edge.is_anomalous) untouched.add(edge.edge_type, edge);
      else if (!before.has(edge.edge_id)) injected.add(edge.edge_type, edge, (field) => !ANOMALY_SEMANTICS.has(field));
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
});
