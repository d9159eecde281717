import { describe, expect, it } from "vitest";
import { generateTrajectory } from "../../../core/dataset/generate-trajectory.ts";
import { createRandomizer } from "../../../core/random.ts";
import { taskTopic } from "../../../core/trajectory/content/topic.ts";
import { NodePositions } from "../../../core/trajectory/endpoints.ts";
import {
  DEFAULT_TRAJECTORY_CONFIG,
  draftTrajectory,
  finalizeTrajectory,
  formatIsoMs,
  indexGraph,
  insertNodeOnEdge,
  isAcyclic,
  nodeFactories,
  reachableFrom,
  removeEdge,
  removeNode,
  type Trajectory,
  TrajectoryBuilder,
  TrajectorySchema,
  topologicalOrder,
} from "../../../core/trajectory/index.ts";
import type { TrajectoryNode } from "../../../core/trajectory/model.ts";
import { trajectoryViolations } from "./check-invariants.ts";

function sample(index = 4): Trajectory {
  return generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, index);
}

describe("topologicalOrder", () => {
  it("orders every source before its targets when the graph is acyclic", () => {
    const t = sample();
    const { order, backEdges } = topologicalOrder(t);
    expect(backEdges).toStrictEqual([]);
    expect([...order].sort((a, b) => a - b)).toStrictEqual(t.nodes.map((_, i) => i));
    const position = new Map(order.map((node, rank) => [t.nodes[node]?.node_id, rank]));
    for (const edge of t.edges) {
      expect(position.get(edge.source_node_id) as number).toBeLessThan(position.get(edge.target_node_id) as number);
    }
  });

  it("reports the edge that closes a cycle when a back edge is added", () => {
    const t = sample();
    const builder = new TrajectoryBuilder(
      DEFAULT_TRAJECTORY_CONFIG,
      taskTopic("Study the test graph"),
      createRandomizer(1),
      createRandomizer(2),
      t.nodes,
      t.edges,
    );
    const last = t.nodes.at(-2);
    const second = t.nodes[1];
    if (last === undefined || second === undefined) throw new Error("sample too small");
    const back = builder.link(last, second);
    expect(isAcyclic(t)).toBe(false);
    const { order, backEdges } = topologicalOrder(t);
    expect(order).toHaveLength(t.nodes.length);
    expect(backEdges.map((e) => t.edges[e]?.edge_id)).toStrictEqual([back.edge_id]);
    // Timing stays defined: finalize ignores the back edge instead of failing.
    finalizeTrajectory(t);
    expect(Date.parse(t.end_time)).toBeGreaterThan(Date.parse(t.start_time));
  });
});

describe("insertNodeOnEdge", () => {
  it("splits an edge, keeps every invariant and shifts downstream times when the trajectory is re-finalized", () => {
    // Prepare
    const draft = draftTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, 4);
    const t = finalizeTrajectory(draft.trajectory, draft.startMs);
    const before = structuredClone(t);
    const split = t.edges[1];
    if (split === undefined) throw new Error("sample too small");
    const builder = new TrajectoryBuilder(
      DEFAULT_TRAJECTORY_CONFIG,
      taskTopic("Study the test graph"),
      createRandomizer(7),
      createRandomizer(8),
      [],
      [],
    );
    const node = nodeFactories.reasoningNode(builder);
    const target = t.nodes.find((candidate) => candidate.node_id === split.target_node_id);
    if (target === undefined) throw new Error("missing target");
    const outEdge = builder.link(node, target);
    // Act
    insertNodeOnEdge(t, split.edge_id, node, outEdge);
    finalizeTrajectory(t);
    // Assess
    expect(t.nodes).toHaveLength(before.nodes.length + 1);
    expect(t.edges).toHaveLength(before.edges.length + 1);
    expect(trajectoryViolations(t)).toStrictEqual([]);
    expect(TrajectorySchema.safeParse(t).success).toBe(true);
    expect(Date.parse(t.end_time)).toBeGreaterThan(Date.parse(before.end_time));
    expect(t.start_time).toBe(before.start_time);
  });
});

describe("removeNode and removeEdge", () => {
  it("drops the node with its edges and reports unreachable parts", () => {
    const t = sample();
    const victim = t.nodes[2];
    if (victim === undefined) throw new Error("sample too small");
    removeNode(t, victim.node_id);
    expect(
      t.edges.some((edge) => edge.source_node_id === victim.node_id || edge.target_node_id === victim.node_id),
    ).toBe(false);
    expect(() => indexGraph(t)).not.toThrow();
    expect(reachableFrom(t, t.nodes[0]?.node_id ?? "").size).toBeLessThan(t.nodes.length);
    const edge = t.edges[0];
    expect(removeEdge(t, edge?.edge_id ?? "")).toBe(edge);
    expect(removeEdge(t, "missing")).toBeUndefined();
  });
});

describe("trajectoryViolations", () => {
  it("catches incoherent times, dangling edges and stale metrics when a trajectory is corrupted", () => {
    const t = sample(9);
    const node = t.nodes[3];
    if (node === undefined) throw new Error("sample too small");
    node.duration += 1;
    t.metadata.total_tool_calls += 1;
    t.edges.push({
      ...(t.edges[0] as (typeof t.edges)[number]),
      edge_id: "f0000000-0000-4000-8000-000000000000",
      target_node_id: "missing",
    });
    const problems = trajectoryViolations(t);
    expect(problems.some((problem) => problem.includes("end - start != duration"))).toBe(true);
    expect(problems.some((problem) => problem.includes("missing endpoint"))).toBe(true);
    expect(problems.some((problem) => problem.includes("metadata.total_tool_calls"))).toBe(true);
  });
});

describe("formatIsoMs", () => {
  it("matches Date#toISOString when given times across days and years", () => {
    const rng = createRandomizer(3);
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor(rng.float(0, 4_102_444_800_000));
      expect(formatIsoMs(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it("writes the date of every day from 1970 to 2200 as Date#toISOString does", () => {
    const mismatches: string[] = [];
    for (let day = 0; day < 84_000; day++) {
      const ms = day * 86_400_000 + (day % 86_400) * 1000 + (day % 1000);
      if (formatIsoMs(ms) !== new Date(ms).toISOString()) mismatches.push(new Date(ms).toISOString());
    }
    expect(mismatches).toEqual([]);
  });
});

describe("NodePositions", () => {
  it("finds each id's position as a Map filled in list order does, whatever the ids", () => {
    const ids = [
      "n1",
      "n2",
      "",
      "a-0-z",
      "a-1-z",
      "a-2-z",
      "x",
      "n1",
      ...Array.from({ length: 70 }, (_, i) => `s${i}`),
    ];
    const nodes = ids.map((node_id) => ({ node_id }) as TrajectoryNode);
    const positions = new NodePositions(nodes);
    const expected = new Map(ids.map((id, i) => [id, i]));
    for (const id of [...ids, "missing", "n", "a-3-z"]) expect(positions.get(id)).toBe(expected.get(id));
  });
});
