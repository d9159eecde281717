import { describe, expect, it } from "vitest";
import { generateTrajectory } from "../../../core/dataset/generate-trajectory.ts";
import {
  PATTERN_NAMES,
  type PatternName,
  parseTrajectoryConfig,
  STRUCTURAL_MIN_NODES,
  TOOL_ERROR_CODES,
  type Trajectory,
  type TrajectoryConfig,
  TrajectorySchema,
} from "../../../core/trajectory/index.ts";
import { trajectoryViolations } from "./check-invariants.ts";

/** Pattern shapes are checked on clean runs (difficulty easy); benign noise has its own tests (benign.test.ts). */
function onlyPattern(pattern: PatternName, minNodes: number, maxNodes: number): TrajectoryConfig {
  return parseTrajectoryConfig({
    anomaly_injection: { difficulty: "easy" },
    data_generation: { trajectory_patterns: { [pattern]: { min_nodes: minNodes, max_nodes: maxNodes, weight: 1 } } },
  });
}

function many(config: TrajectoryConfig, count: number, seedBase: number): Trajectory[] {
  const result: Trajectory[] = [];
  for (let i = 0; i < count; i++) result.push(generateTrajectory(config, seedBase + (i % 7), i * 13));
  return result;
}

const SIZES: Record<string, [number, number] | "structural"> = {
  defaults: [0, 0],
  structural: "structural",
  large: [40, 80],
};

describe.each(PATTERN_NAMES)("pattern %s", (pattern) => {
  const defaults = parseTrajectoryConfig({}).patterns[pattern];
  if (defaults === undefined) throw new Error("default config lacks a pattern");

  it.each(Object.keys(SIZES))("keeps every invariant and validates against the schema when sized %s", (size) => {
    // Prepare
    const spec = SIZES[size];
    const structural = STRUCTURAL_MIN_NODES[pattern];
    const [minNodes, maxNodes] =
      spec === "structural"
        ? [structural, structural + 1]
        : size === "defaults"
          ? [defaults.minNodes, defaults.maxNodes]
          : (spec as [number, number]);
    const config = onlyPattern(pattern, minNodes, maxNodes);
    // Act
    const trajectories = many(config, 120, 1000);
    // Assess
    const counts = new Set<number>();
    for (const t of trajectories) {
      expect(t.pattern).toBe(pattern);
      expect(
        trajectoryViolations(t, { minNodes, maxNodes }),
        `${pattern} seed ${t.seed} index ${t.index}`,
      ).toStrictEqual([]);
      const parsed = TrajectorySchema.safeParse(t);
      expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).toBe(true);
      counts.add(t.nodes.length);
    }
    // Both ends of the configured range occur.
    expect(counts.has(minNodes)).toBe(true);
    expect(counts.has(maxNodes)).toBe(true);
  });
});

describe("pattern structure", () => {
  it("fans out from PLANNING into parallel branches that merge into the ACTION when branched_analysis", () => {
    for (const t of many(onlyPattern("branched_analysis", 10, 20), 60, 7)) {
      const planning = t.nodes.find((node) => node.node_type === "PLANNING");
      const action = t.nodes.find((node) => node.node_type === "ACTION");
      const branches = t.edges.filter(
        (edge) => edge.source_node_id === planning?.node_id && edge.relationship_type === "branch",
      );
      const merges = t.edges.filter(
        (edge) => edge.target_node_id === action?.node_id && edge.relationship_type === "merge",
      );
      expect(branches.length).toBeGreaterThanOrEqual(2);
      expect(merges.length).toBe(branches.length);
      for (const merge of merges) {
        expect(t.nodes.find((node) => node.node_id === merge.source_node_id)?.node_type).toBe("VALIDATION");
      }
      // Branches run in parallel: each head starts as soon as PLANNING ends, not after another branch.
      for (const edge of branches) {
        const head = t.nodes.find((node) => node.node_id === edge.target_node_id);
        const ready = Date.parse(planning?.end_time ?? "") + Math.round(edge.latency * 1000);
        expect(Date.parse(head?.start_time ?? "")).toBe(ready);
      }
    }
  });

  it("gathers in parallel threads, merges them into a synthesis and retrieves stored findings when complex_research", () => {
    let retrieves = 0;
    for (const t of many(onlyPattern("complex_research", 20, 40), 60, 11)) {
      const merges = t.edges.filter((edge) => edge.relationship_type === "merge");
      const branches = t.edges.filter((edge) => edge.relationship_type === "branch");
      expect(branches.length).toBeGreaterThanOrEqual(2);
      expect(merges.length).toBe(branches.length);
      expect(new Set(merges.map((edge) => edge.target_node_id)).size).toBe(1);
      for (const node of t.nodes) {
        if (node.node_type !== "MEMORY_ACCESS" || node.memory_operation !== "retrieve") continue;
        retrieves++;
        const dependency = t.edges.find(
          (edge) => edge.target_node_id === node.node_id && edge.edge_type === "data_dependency",
        );
        const store = t.nodes.find((candidate) => candidate.node_id === dependency?.source_node_id);
        // A retrieve returns exactly what was stored under its key.
        expect(store?.node_type === "MEMORY_ACCESS" && store.memory_operation).toBe("store");
        if (store?.node_type !== "MEMORY_ACCESS") continue;
        expect(store.memory_key).toBe(node.memory_key);
        expect(store.memory_value).toStrictEqual(node.memory_value);
      }
    }
    expect(retrieves).toBeGreaterThan(10);
  });

  it("hands work between different agents through HANDOFF nodes when multi_agent_handoffs", () => {
    for (const t of many(onlyPattern("multi_agent_handoffs", 15, 25), 60, 3)) {
      const handoffs = t.nodes.filter((node) => node.node_type === "HANDOFF");
      expect(handoffs.length).toBeGreaterThanOrEqual(1);
      expect(t.metadata.total_handoffs).toBe(handoffs.length);
      for (const handoff of handoffs) {
        if (handoff.node_type !== "HANDOFF") continue;
        const out = t.edges.filter((edge) => edge.source_node_id === handoff.node_id);
        expect(out.map((edge) => edge.edge_type)).toStrictEqual(["handoff"]);
        const next = t.nodes.find((node) => node.node_id === out[0]?.target_node_id);
        expect(next?.agent_type).toBe(handoff.target_agent);
        // The work before the handoff feeds the work after it.
        expect(
          t.edges.some((edge) => edge.target_node_id === next?.node_id && edge.edge_type === "data_dependency"),
        ).toBe(true);
      }
    }
  });

  it("fails a tool call with an error code, observes it and retries the same tool when error_recovery", () => {
    let secondFailures = 0;
    for (const t of many(onlyPattern("error_recovery", 10, 30), 80, 5)) {
      const failed = t.nodes.filter((node) => node.status !== "completed");
      expect(failed.length).toBeGreaterThanOrEqual(1);
      if (failed.length === 2) secondFailures++;
      for (const node of failed) {
        if (node.node_type !== "TOOL_CALL") throw new Error(`unexpected failed ${node.node_type}`);
        expect(TOOL_ERROR_CODES).toContain(node.error_code);
        expect(node.tool_success).toBe(false);
        expect(node.status).toBe(node.error_code === "TIMEOUT" ? "timeout" : "failed");
        const observe = t.edges.find((edge) => edge.source_node_id === node.node_id);
        const observation = t.nodes.find((candidate) => candidate.node_id === observe?.target_node_id);
        expect(observation?.node_type === "OBSERVATION" && observation.observation_source).toBe("error_logs");
        const retryEdge = t.edges.find((edge) => edge.source_node_id === observation?.node_id);
        const retry = t.nodes.find((candidate) => candidate.node_id === retryEdge?.target_node_id);
        expect(retryEdge?.relationship_type).toBe("recovery");
        if (retry?.node_type !== "TOOL_CALL") throw new Error("the recovery is not a tool call");
        expect(retry.tool_type).toBe(node.tool_type);
        expect(retry.tool_parameters).toStrictEqual(node.tool_parameters);
        expect(retry.retry_count).toBe(node.retry_count + 1);
      }
      // The trajectory recovered: it completed and succeeded despite the failure.
      expect(t.status).toBe("completed");
      expect(t.metadata.completion_rate).toBeLessThan(1);
    }
    expect(secondFailures).toBeGreaterThan(5);
  });

  it("adds data_dependency edges where a node consumes an earlier tool's output", () => {
    const trajectories = many(parseTrajectoryConfig({}), 200, 21);
    const withDependencies = trajectories.filter((t) => t.edges.some((edge) => edge.edge_type === "data_dependency"));
    expect(withDependencies.length / trajectories.length).toBeGreaterThan(0.6);
    for (const t of withDependencies) {
      for (const edge of t.edges) {
        if (edge.edge_type !== "data_dependency") continue;
        const source = t.nodes.find((node) => node.node_id === edge.source_node_id);
        expect(["TOOL_CALL", "MEMORY_ACCESS", "REASONING", "LLM_CALL", "VALIDATION", "PLANNING"]).toContain(
          source?.node_type,
        );
      }
    }
  });

  it("picks patterns in proportion to their weights", () => {
    const config = parseTrajectoryConfig({});
    const counts: Record<string, number> = {};
    for (let i = 0; i < 4000; i++) {
      const { pattern } = generateTrajectory(config, 9, i);
      counts[pattern] = (counts[pattern] ?? 0) + 1;
    }
    const expected = {
      simple_linear: 0.3,
      branched_analysis: 0.25,
      multi_agent_handoffs: 0.2,
      complex_research: 0.15,
      error_recovery: 0.1,
    };
    for (const [pattern, share] of Object.entries(expected)) {
      expect(Math.abs((counts[pattern] ?? 0) / 4000 - share)).toBeLessThan(0.03);
    }
  });

  it("never generates a pattern left out of the config", () => {
    const config = parseTrajectoryConfig({
      data_generation: { trajectory_patterns: { simple_linear: { weight: 1 }, error_recovery: { weight: 0 } } },
    });
    for (let i = 0; i < 200; i++) expect(generateTrajectory(config, 1, i).pattern).toBe("simple_linear");
  });
});
