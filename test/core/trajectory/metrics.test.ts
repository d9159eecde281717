import { describe, expect, it } from "vitest";
import { generateTrajectory } from "../../../core/dataset/generate-trajectory.ts";
import { createRandomizer } from "../../../core/random.ts";
import { taskTopic } from "../../../core/trajectory/content/topic.ts";
import {
  DEFAULT_TRAJECTORY_CONFIG,
  draftTrajectory,
  edgeReliabilityScore,
  finalizeTrajectory,
  nodeFactories,
  nodePerformanceScore,
  serializeTrajectory,
  TrajectoryBuilder,
} from "../../../core/trajectory/index.ts";

function builder(): TrajectoryBuilder {
  return new TrajectoryBuilder(
    DEFAULT_TRAJECTORY_CONFIG,
    taskTopic("Study the test graph"),
    createRandomizer(5),
    createRandomizer(6),
  );
}

describe("nodePerformanceScore", () => {
  it("scales by the failure kind, the retries and the node's own confidence", () => {
    const b = builder();
    const tool = nodeFactories.toolCallNode(b, "WEB_SEARCH");
    expect(nodePerformanceScore(tool)).toBe(1);
    tool.retry_count = 2;
    expect(nodePerformanceScore(tool)).toBe(0.8);
    nodeFactories.failToolCall(b.rng, tool, "RATE_LIMITED");
    expect(nodePerformanceScore(tool)).toBe(0.08);
    nodeFactories.failToolCall(b.rng, tool, "TIMEOUT");
    expect(tool.status).toBe("timeout");
    expect(nodePerformanceScore(tool)).toBe(0.16);
    const llm = nodeFactories.llmCallNode(b, "analysis");
    expect(nodePerformanceScore(llm)).toBe(llm.llm_confidence);
  });
});

describe("edgeReliabilityScore", () => {
  it("multiplies success rate, error and timeout penalties and confidence", () => {
    const b = builder();
    const edge = b.link(nodeFactories.reasoningNode(b), nodeFactories.actionNode(b));
    edge.success_rate = 0.5;
    edge.error_count = 1;
    edge.timeout_count = 2;
    edge.confidence = 0.9;
    expect(edgeReliabilityScore(edge)).toBe(Math.round(0.5 * 0.9 * 0.9 * 0.9 * 10_000) / 10_000);
  });
});

describe("finalizeTrajectory", () => {
  it("derives edge counters from their source node and marks the trajectory failed when the ACTION fails", () => {
    // Prepare
    const t = generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, 0);
    const action = t.nodes.at(-1);
    const intoAction = t.edges.find((edge) => edge.target_node_id === action?.node_id);
    const source = t.nodes.find((node) => node.node_id === intoAction?.source_node_id);
    if (action === undefined || source === undefined || intoAction === undefined) throw new Error("bad sample");
    // Act
    source.status = "failed";
    source.error_code = "INVALID_PARAMS";
    action.status = "interrupted";
    action.error_code = "INTERRUPTED";
    finalizeTrajectory(t);
    // Assess
    expect(intoAction.success_rate).toBe(0);
    expect(intoAction.error_count).toBe(source.retry_count + 1);
    expect(intoAction.reliability_score).toBe(0);
    expect(t.status).toBe("failed");
    expect(t.metadata.success).toBe(false);
    expect(t.metadata.total_errors).toBeGreaterThanOrEqual(2);
  });

  it("marks the trajectory incomplete when there is no final ACTION", () => {
    const t = generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, 1);
    const action = t.nodes.pop();
    t.edges = t.edges.filter((edge) => edge.target_node_id !== action?.node_id);
    finalizeTrajectory(t);
    expect(t.status).toBe("incomplete");
    expect(t.metadata.success).toBe(false);
  });
});

describe("draftTrajectory", () => {
  it("leaves times unset until finalize and refuses to finalize a draft without its start", () => {
    const draft = draftTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, 2);
    expect(draft.trajectory.start_time).toBe("");
    expect(() => finalizeTrajectory(draft.trajectory)).toThrow(/pass the draft's startMs/);
    const finalized = finalizeTrajectory(draft.trajectory, draft.startMs);
    expect(serializeTrajectory(finalized)).toBe(
      serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, 2)),
    );
  });
});
