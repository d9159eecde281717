import { describe, expect, it } from "vitest";
import { generateTrajectory } from "../../../core/dataset/generate-trajectory.ts";
import { BENIGN_PRESETS } from "../../../core/trajectory/benign-presets.ts";
import { edgeEndpoints } from "../../../core/trajectory/endpoints.ts";
import {
  DEFAULT_TOOL_TRANSITIONS,
  draftTrajectory,
  parseTrajectoryConfig,
  type Trajectory,
  type TrajectoryNode,
  TrajectorySchema,
} from "../../../core/trajectory/index.ts";

const COUNT = 3000;

/** The surface features the issue found only in anomalous runs, each as a test on one trajectory. */
const SURFACE: Record<string, (t: Trajectory) => boolean> = {
  "a second planning round": (t) =>
    t.nodes.filter((n) => n.node_type === "PLANNING" || (n.node_type === "LLM_CALL" && n.llm_purpose === "planning"))
      .length > 1 && t.pattern !== "multi_agent_handoffs",
  "a failed step other than a tool call": (t) =>
    t.nodes.some((n) => n.node_type !== "TOOL_CALL" && n.status !== "completed"),
  UPSTREAM_FAILED: (t) => t.nodes.some((n) => n.error_code === "UPSTREAM_FAILED"),
  "a failed HANDOFF": (t) => t.nodes.some((n) => n.node_type === "HANDOFF" && n.status !== "completed"),
  "a rejected VALIDATION": (t) => t.nodes.some((n) => n.node_type === "VALIDATION" && !n.validation_result),
  "MEMORY_ACCESS outside complex_research": (t) =>
    t.pattern !== "complex_research" && t.nodes.some((n) => n.node_type === "MEMORY_ACCESS"),
  "retry_count > 0 outside TOOL_CALL": (t) => t.nodes.some((n) => n.node_type !== "TOOL_CALL" && n.retry_count > 0),
  "an off-table tool transition": (t) => offTable(t) > 0,
  "a status timeout": (t) => t.nodes.some((n) => n.status === "timeout"),
  "an honest early ending": (t) =>
    t.nodes.some((n) => n.node_type === "ACTION" && n.final_output.startsWith("Cannot complete the request")),
  "a repeated call with the same inputs": (t) => repeatedInputs(t) > 0,
};

function offTable(t: Trajectory): number {
  const byId = new Map(t.nodes.map((n) => [n.node_id, n]));
  let count = 0;
  for (const edge of t.edges) {
    if (edge.edge_type === "data_dependency") continue;
    const source = byId.get(edge.source_node_id) as TrajectoryNode;
    const target = byId.get(edge.target_node_id) as TrajectoryNode;
    if (source.node_type !== "TOOL_CALL" || target.node_type !== "TOOL_CALL") continue;
    if (
      source.tool_type !== target.tool_type &&
      !((DEFAULT_TOOL_TRANSITIONS[source.tool_type][target.tool_type] ?? 0) > 0)
    )
      count++;
  }
  return count;
}

function repeatedInputs(t: Trajectory): number {
  const seen = new Set<string>();
  let repeats = 0;
  for (const n of t.nodes) {
    if (n.node_type !== "TOOL_CALL" || n.status !== "completed") continue;
    const key = `${n.tool_type}${JSON.stringify(n.tool_parameters)}`;
    if (seen.has(key)) repeats++;
    seen.add(key);
  }
  return repeats;
}

function shares(difficulty: "easy" | "realistic" | "hard", seed: number): Record<string, number> {
  const config = parseTrajectoryConfig({ anomaly_injection: { difficulty } });
  const counts: Record<string, number> = Object.fromEntries(Object.keys(SURFACE).map((name) => [name, 0]));
  for (let i = 0; i < COUNT; i++) {
    const t = generateTrajectory(config, seed, i);
    for (const [name, test] of Object.entries(SURFACE)) if (test(t)) counts[name] = (counts[name] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, count / COUNT]));
}

describe("benign noise in normal trajectories", () => {
  it.each([7, 1234])("shows every anomaly's surface feature in normal runs at realistic rates (seed %i)", (seed) => {
    const observed = shares("realistic", seed);
    // Each feature comes from at least one event; none may be rare enough (under 1%) for a rule at FPR 1%.
    for (const [name, share] of Object.entries(observed)) {
      expect(share, name).toBeGreaterThan(0.01);
      expect(share, name).toBeLessThan(0.6);
    }
  });

  it("keeps each event near its configured rate", () => {
    const config = parseTrajectoryConfig({});
    const rates = BENIGN_PRESETS.realistic;
    let early = 0;
    let offTableRuns = 0;
    for (let i = 0; i < COUNT; i++) {
      const t = generateTrajectory(config, 99, i);
      if (SURFACE["an honest early ending"]?.(t)) early++;
      if (offTable(t) > 0) offTableRuns++;
    }
    // An event is dropped when the drawn size leaves no room, or applies only where the graph allows it.
    expect(early / COUNT).toBeGreaterThan(rates.giveUp * 0.4);
    expect(early / COUNT).toBeLessThan(rates.giveUp * 1.3);
    expect(offTableRuns / COUNT).toBeGreaterThan(rates.offTable * 0.4);
    expect(offTableRuns / COUNT).toBeLessThan(rates.offTable * 1.3);
  });

  it("keeps easy datasets clean: none of the surface features in normal runs but their own patterns'", () => {
    const observed = shares("easy", 7);
    for (const name of [
      "a second planning round",
      "a failed step other than a tool call",
      "UPSTREAM_FAILED",
      "a failed HANDOFF",
      "a rejected VALIDATION",
      "MEMORY_ACCESS outside complex_research",
      "retry_count > 0 outside TOOL_CALL",
      "an off-table tool transition",
      "an honest early ending",
    ])
      expect(observed[name], name).toBe(0);
  });

  it.each(["realistic", "hard"] as const)(
    "leaves the draft edge endpoints that resolving the ids again gives, after every kind of edit (%s)",
    (difficulty) => {
      const config = parseTrajectoryConfig({ anomaly_injection: { difficulty } });
      for (let i = 0; i < COUNT; i++) {
        const draft = draftTrajectory(config, 11, i);
        expect(draft.endpoints).toEqual(edgeEndpoints(draft.trajectory));
      }
    },
  );

  it("has more noise at hard than at realistic", () => {
    const realistic = shares("realistic", 5);
    const hard = shares("hard", 5);
    const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);
    expect(sum(hard)).toBeGreaterThan(sum(realistic));
  });

  it.each(["realistic", "hard"] as const)(
    "records every retry and revisit as new spans: valid, no edge into a finished node, within max_nodes (%s)",
    (difficulty) => {
      const config = parseTrajectoryConfig({ anomaly_injection: { ratio: 0.5, difficulty } });
      for (let i = 0; i < 600; i++) {
        const t = generateTrajectory(config, 31, i);
        expect(TrajectorySchema.safeParse(t).success, `#${i}`).toBe(true);
        const byId = new Map(t.nodes.map((n) => [n.node_id, n]));
        for (const edge of t.edges) {
          const source = byId.get(edge.source_node_id) as TrajectoryNode;
          const target = byId.get(edge.target_node_id) as TrajectoryNode;
          expect(Date.parse(target.start_time), `#${i} edge ${edge.edge_id}`).toBeGreaterThanOrEqual(
            Date.parse(source.end_time),
          );
        }
        // A normal run stays within max_nodes; an anomaly whose smallest effect does not fit may add one node.
        const slack = t.metadata.is_anomalous ? 1 : 0;
        expect(t.nodes.length).toBeLessThanOrEqual((config.patterns[t.pattern]?.maxNodes as number) + slack);
      }
    },
  );

  it.each(["realistic", "hard"] as const)(
    "labels point at real nodes and edges, with exactly one root cause per anomaly (%s)",
    (difficulty) => {
      const config = parseTrajectoryConfig({ anomaly_injection: { ratio: 0.5, difficulty } });
      let anomalous = 0;
      for (const seed of [3, 17]) {
        for (let i = 0; i < 400; i++) {
          const t = generateTrajectory(config, seed, i);
          if (!t.metadata.is_anomalous) {
            expect(t.metadata.anomalies).toStrictEqual([]);
            continue;
          }
          anomalous++;
          const nodes = new Map(t.nodes.map((n) => [n.node_id, n]));
          const edges = new Set(t.edges.map((e) => e.edge_id));
          for (const entry of t.metadata.anomalies) {
            const root = nodes.get(entry.root_cause_node_id);
            expect(root?.anomaly_role, `${seed}/${i}`).toBe("root_cause");
            expect(root?.agent_type).toBe(entry.responsible_agent);
            expect(entry.node_ids).toContain(entry.root_cause_node_id);
            for (const id of entry.node_ids) expect(nodes.get(id)?.anomaly_type).toBe(entry.anomaly_type);
            for (const id of entry.edge_ids) expect(edges.has(id)).toBe(true);
          }
          expect(t.nodes.filter((n) => n.anomaly_role === "root_cause")).toHaveLength(t.metadata.anomalies.length);
        }
      }
      expect(anomalous).toBeGreaterThan(300);
    },
  );
});
