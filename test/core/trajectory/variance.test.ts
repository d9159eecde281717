import { describe, expect, it } from "vitest";
import { generateTrajectory } from "../../../core/dataset/generate-trajectory.ts";
import { createRandomizer } from "../../../core/random.ts";
import { taskTopic } from "../../../core/trajectory/content/topic.ts";
import {
  applyNodeVariance,
  DEFAULT_TRAJECTORY_CONFIG,
  nodeFactories,
  parseTrajectoryConfig,
  TRAJECTORY_TAGS,
  TrajectoryBuilder,
} from "../../../core/trajectory/index.ts";

const CLEAN = parseTrajectoryConfig({ anomaly_injection: { difficulty: "easy" } });

describe("applyVariance", () => {
  it("gives a few healthy tool calls an internal retry that costs time and a network call", () => {
    let tools = 0;
    let retried = 0;
    for (let i = 0; i < 1500; i++) {
      // Clean runs: benign step retries (benign.test.ts) would add to the internal ones counted here.
      const t = generateTrajectory(CLEAN, 31, i);
      if (t.pattern === "error_recovery") continue;
      for (const node of t.nodes) {
        if (node.node_type !== "TOOL_CALL") continue;
        tools++;
        if (node.retry_count > 0) {
          retried++;
          expect(node.status).toBe("completed");
          expect(node.performance_score).toBe(0.9);
        }
      }
    }
    expect(retried / tools).toBeGreaterThan(0.03);
    expect(retried / tools).toBeLessThan(0.07);
  });

  it("jitters a node's duration within ±20% from its seeded stream", () => {
    const b = new TrajectoryBuilder(
      DEFAULT_TRAJECTORY_CONFIG,
      taskTopic("Study the test graph"),
      createRandomizer(1),
      createRandomizer(2),
    );
    const node = nodeFactories.reasoningNode(b);
    const original = node.duration;
    applyNodeVariance(node, createRandomizer(9));
    expect(node.duration).toBeGreaterThanOrEqual(Math.floor(original * 800) / 1000);
    expect(node.duration).toBeLessThanOrEqual(Math.ceil(original * 1200) / 1000);
    const again = nodeFactories.reasoningNode(
      new TrajectoryBuilder(
        DEFAULT_TRAJECTORY_CONFIG,
        taskTopic("Study the test graph"),
        createRandomizer(1),
        createRandomizer(2),
      ),
    );
    applyNodeVariance(again, createRandomizer(9));
    expect(again.duration).toBe(node.duration);
  });

  it("tags every trajectory with 1 to 3 tags in vocabulary order", () => {
    for (let i = 0; i < 100; i++) {
      const { tags } = generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 4, i).metadata;
      expect(tags.length).toBeGreaterThanOrEqual(1);
      expect(tags.length).toBeLessThanOrEqual(3);
      expect(tags).toStrictEqual(TRAJECTORY_TAGS.filter((tag) => tags.includes(tag)));
    }
  });
});
