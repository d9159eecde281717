import { describe, expect, it } from "vitest";
import {
  draftTrajectory,
  PATTERN_NAMES,
  type PatternName,
  parseTrajectoryConfig,
  STRUCTURAL_MIN_NODES,
  type Trajectory,
} from "../../../core/trajectory/index.ts";

/** Clean runs (difficulty easy): benign noise spends part of the budget, which benign.test.ts checks. */
const CLEAN = parseTrajectoryConfig({ anomaly_injection: { difficulty: "easy" } });

function plannedSteps(t: Trajectory): number {
  const plan = t.nodes.find((node) => node.node_type === "PLANNING");
  if (plan?.node_type !== "PLANNING") throw new Error(`trajectory ${t.index} has no PLANNING node`);
  return plan.planning_output.planned_steps;
}

describe("draftTrajectory node budget", () => {
  it("builds the budgeted node count while drawing everything else as without a budget", () => {
    for (let i = 0; i < 200; i++) {
      const plain = draftTrajectory(CLEAN, 4, i).trajectory;
      let seen: { pattern: PatternName; nodeCount: number } | undefined;
      const budgeted = draftTrajectory(CLEAN, 4, i, (pattern, nodeCount) => {
        seen = { pattern, nodeCount };
        return Math.max(STRUCTURAL_MIN_NODES[pattern], nodeCount - 3);
      }).trajectory;
      expect(seen).toStrictEqual({ pattern: plain.pattern, nodeCount: plain.nodes.length });
      expect(budgeted.nodes.length).toBe(Math.max(STRUCTURAL_MIN_NODES[plain.pattern], plain.nodes.length - 3));
      expect(budgeted.trajectory_id).toBe(plain.trajectory_id);
      expect(budgeted.task_description).toBe(plain.task_description);
    }
  });

  it("lets the plan estimate the drawn size, not the built one", () => {
    // Estimates of 3 fewer steps would average 3 × (0.7…1.3) lower; over 300 runs the means stay close.
    let plain = 0;
    let budgeted = 0;
    for (let i = 0; i < 300; i++) {
      plain += plannedSteps(draftTrajectory(CLEAN, 6, i).trajectory);
      budgeted += plannedSteps(
        draftTrajectory(CLEAN, 6, i, (pattern, n) => Math.max(STRUCTURAL_MIN_NODES[pattern], n - 3)).trajectory,
      );
    }
    expect(Math.abs(plain - budgeted) / 300).toBeLessThan(1);
  });

  it.each(PATTERN_NAMES)("draws planned_steps for %s within 0.7–1.3 of the steps its size implies", (pattern) => {
    const fixed = pattern === "complex_research" ? 4 : 3;
    const values = new Set<number>();
    for (let i = 0; i < 2000 && values.size < 50; i++) {
      const t = draftTrajectory(CLEAN, 8, i).trajectory;
      if (t.pattern !== pattern) continue;
      const steps = t.nodes.length - fixed;
      const planned = plannedSteps(t);
      expect(planned).toBeGreaterThanOrEqual(Math.max(1, Math.round(0.7 * steps)));
      expect(planned).toBeLessThanOrEqual(Math.round(1.3 * steps));
      values.add(planned - steps);
    }
    expect(values.size).toBeGreaterThan(2);
  });
});
