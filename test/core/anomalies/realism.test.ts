import { describe, expect, it } from "vitest";
import { generateTrajectory } from "../../../core/dataset/generate-trajectory.ts";
import { parseTrajectoryConfig, type Trajectory, type TrajectoryNode } from "../../../core/trajectory/index.ts";
import { ANOMALY_TYPES } from "../../../core/trajectory/vocabulary.ts";

const config = parseTrajectoryConfig({ anomaly_injection: { ratio: 0.5 } });
const trajectories: Trajectory[] = [11, 12].flatMap((seed) =>
  Array.from({ length: 1500 }, (_, i) => generateTrajectory(config, seed, i)),
);
const nodes = trajectories.flatMap((t) => t.nodes);

describe("realism of normal and anomalous runs alike (issue 9, point 6)", () => {
  it("lets a timed-out call wait exactly its own timeout parameter", () => {
    const timedOut = nodes.filter(
      (node): node is TrajectoryNode & { node_type: "TOOL_CALL" } =>
        node.node_type === "TOOL_CALL" && node.status === "timeout" && typeof node.tool_parameters.timeout === "number",
    );
    expect(timedOut.length).toBeGreaterThan(20);
    for (const node of timedOut) expect(node.duration).toBe(node.tool_parameters.timeout);
  });

  it("gives an interrupted step an error code and no result of success", () => {
    // Only runs cut short: at realistic difficulty most incomplete responses are premature answers instead.
    const types = Object.fromEntries(
      ANOMALY_TYPES.map((type) => [type, { weight: type === "incomplete_responses" ? 1 : 0 }]),
    );
    const cut = parseTrajectoryConfig({ anomaly_injection: { ratio: 1, types } });
    const interrupted = Array.from({ length: 400 }, (_, i) => generateTrajectory(cut, 13, i))
      .flatMap((t) => t.nodes)
      .filter((node) => node.status === "interrupted");
    expect(interrupted.length).toBeGreaterThan(10);
    for (const node of interrupted) {
      expect(node.error_code).toBe("INTERRUPTED");
      if (node.node_type === "TOOL_CALL") expect(node.tool_result).toStrictEqual({ error: "INTERRUPTED" });
      if (node.node_type === "LLM_CALL") expect(node.llm_response).toBe("");
    }
  });

  it("propagates a failure to every step that consumes the failed output", () => {
    let consumers = 0;
    for (const t of trajectories) {
      const byId = new Map(t.nodes.map((node) => [node.node_id, node]));
      for (const edge of t.edges) {
        if (edge.edge_type !== "data_dependency") continue;
        const source = byId.get(edge.source_node_id) as TrajectoryNode;
        if (source.status === "completed") continue;
        consumers++;
        expect((byId.get(edge.target_node_id) as TrajectoryNode).status, t.trajectory_id).not.toBe("completed");
      }
    }
    expect(consumers).toBeGreaterThan(50);
  });

  it("runs each agent on one model per run (a run mixes models only across agents)", () => {
    let multiAgentRuns = 0;
    for (const t of trajectories) {
      const byAgent = new Map<string, Set<string>>();
      for (const node of t.nodes) {
        if (node.node_type !== "LLM_CALL") continue;
        byAgent.set(node.agent_type, (byAgent.get(node.agent_type) ?? new Set()).add(node.llm_model));
      }
      for (const models of byAgent.values()) expect(models.size).toBe(1);
      if (byAgent.size > 1) multiAgentRuns++;
    }
    expect(multiAgentRuns).toBeGreaterThan(100);
  });
});
