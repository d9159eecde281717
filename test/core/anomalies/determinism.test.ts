import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseAnomalyInjectionConfig } from "../../../core/anomalies/config.ts";
import { applyAnomalyStep } from "../../../core/anomalies/step.ts";
import { finalizeTrajectory } from "../../../core/trajectory/finalize.ts";
import { DEFAULT_TRAJECTORY_CONFIG, draftTrajectory, serializeTrajectory } from "../../../core/trajectory/index.ts";

const anomalies = parseAnomalyInjectionConfig({ ratio: 0.4 });

function line(seed: number, index: number, ratio = anomalies): string {
  const draft = draftTrajectory(DEFAULT_TRAJECTORY_CONFIG, seed, index);
  const trajectory = finalizeTrajectory(draft.trajectory, draft.startMs);
  return serializeTrajectory(
    applyAnomalyStep(trajectory, draft.builder.ids, DEFAULT_TRAJECTORY_CONFIG, ratio, seed, index),
  );
}

describe("anomaly injection determinism", () => {
  it("gives byte-identical trajectories whatever order or shard they are generated in", () => {
    const forward = Array.from({ length: 200 }, (_, i) => line(42, i));
    const backward = Array.from({ length: 200 }, (_, k) => line(42, 199 - k)).reverse();
    expect(backward).toStrictEqual(forward);
    expect(forward.filter((text) => text.includes('"is_anomalous":true')).length).toBeGreaterThan(50);
  });

  it("leaves normal trajectories byte-identical whatever the anomaly settings", () => {
    const none = parseAnomalyInjectionConfig({});
    const other = parseAnomalyInjectionConfig({
      ratio: 0.4,
      types: { infinite_loops: { weight: 0 } },
      severity: { low: 0 },
    });
    for (let i = 0; i < 200; i++) {
      const normal = line(42, i, none);
      const labelled = line(42, i);
      if (!labelled.includes('"is_anomalous":true')) expect(labelled).toBe(normal);
      const changed = line(42, i, other);
      if (!changed.includes('"is_anomalous":true')) expect(changed).toBe(normal);
    }
  });

  it("changes with the seed", () => {
    const hash = (seed: number) =>
      createHash("sha256")
        .update(Array.from({ length: 50 }, (_, i) => line(seed, i)).join("\n"))
        .digest("hex");
    expect(hash(1)).not.toBe(hash(2));
  });
});
