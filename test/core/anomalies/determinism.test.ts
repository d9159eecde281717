import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { finishTrajectory, planAnomalyStep } from "../../../core/anomalies/step.ts";
import { generateTrajectory } from "../../../core/dataset/generate-trajectory.ts";
import { renderTrajectoryShard } from "../../../core/dataset/render-shard.ts";
import { parseAnomalyInjectionConfig } from "../../../core/trajectory/anomaly-config.ts";
import {
  DEFAULT_TRAJECTORY_CONFIG,
  draftTrajectory,
  parseTrajectoryConfig,
  serializeTrajectory,
} from "../../../core/trajectory/index.ts";

const anomalies = parseAnomalyInjectionConfig({ ratio: 0.4 });

/** The pipeline spelled out: plan → draft → anomaly step → finalize, with `settings` as the config's anomaly section. */
function line(seed: number, index: number, settings = anomalies): string {
  const config = { ...DEFAULT_TRAJECTORY_CONFIG, anomalies: settings };
  const plan = planAnomalyStep(settings, seed, index);
  const draft = draftTrajectory(config, seed, index, plan?.budget);
  return serializeTrajectory(finishTrajectory(draft, config, plan, seed, index));
}

/** A line without its split, which is stratified on every trajectory's anomaly type and so follows the settings. */
function withoutSplit(text: string): string {
  return text.replace(/"split":"[a-z]+",/, "");
}

describe("anomaly injection determinism", () => {
  it("gives byte-identical trajectories whatever order or shard they are generated in", () => {
    const forward = Array.from({ length: 200 }, (_, i) => line(42, i));
    const backward = Array.from({ length: 200 }, (_, k) => line(42, 199 - k)).reverse();
    expect(backward).toStrictEqual(forward);
    expect(forward.filter((text) => text.includes('"is_anomalous":true')).length).toBeGreaterThan(50);
  });

  it("leaves normal trajectories byte-identical, apart from their split, whatever the anomaly settings", () => {
    const none = parseAnomalyInjectionConfig({});
    const other = parseAnomalyInjectionConfig({
      ratio: 0.4,
      types: { infinite_loops: { weight: 0 } },
      severity: { low: 0 },
    });
    for (let i = 0; i < 200; i++) {
      const normal = line(42, i, none);
      const labelled = line(42, i);
      if (!labelled.includes('"is_anomalous":true')) expect(withoutSplit(labelled)).toBe(withoutSplit(normal));
      const changed = line(42, i, other);
      if (!changed.includes('"is_anomalous":true')) expect(withoutSplit(changed)).toBe(withoutSplit(normal));
    }
  });

  it("pins the sha256 of 50 trajectories at anomaly ratio 0.2 when the seed is 42, 1337 or 1211", () => {
    // Golden of the full pipeline (generateTrajectory with injection): a change here changes every anomalous dataset.
    // Updated for issue #9: benign noise, anomaly_role and metadata.anomalies, labels only on root cause and symptoms.
    const config = parseTrajectoryConfig({ anomaly_injection: { ratio: 0.2 } });
    const hash = (seed: number) => {
      const digest = createHash("sha256");
      for (let i = 0; i < 50; i++) digest.update(`${serializeTrajectory(generateTrajectory(config, seed, i))}\n`);
      return digest.digest("hex");
    };
    expect(hash(42)).toMatchInlineSnapshot(`"667c53ac500f3354c037e7f8c55d4e9f0352f0e39f62495ba27d692f5896acbb"`);
    expect(hash(1337)).toMatchInlineSnapshot(`"fd5f6f3fcd0c4e24752617cdd16ce8d5271dd9728aed6a7fc788168a50ec87ec"`);
    expect(hash(1211)).toMatchInlineSnapshot(`"7e3553fcaeb5687b3522f26b5f6c0894c277085062f1d9111b46720b4a43a17e"`);
  });

  it("matches the step-by-step pipeline when generateTrajectory injects", () => {
    const config = parseTrajectoryConfig({ anomaly_injection: { ratio: 0.4 } });
    for (let i = 0; i < 100; i++) expect(serializeTrajectory(generateTrajectory(config, 42, i))).toBe(line(42, i));
  });

  it("changes with the seed", () => {
    const hash = (seed: number) =>
      createHash("sha256")
        .update(Array.from({ length: 50 }, (_, i) => line(seed, i)).join("\n"))
        .digest("hex");
    expect(hash(1)).not.toBe(hash(2));
  });
});

describe("anomalous dataset shards", () => {
  it("hold the same bytes whatever the shard size", async () => {
    const config = parseTrajectoryConfig({ anomaly_injection: { ratio: 0.3 } });
    const render = async (shardSize: number) => {
      const parts: Buffer[] = [];
      for (let start = 0; start < 120; start += shardSize) {
        const count = Math.min(shardSize, 120 - start);
        for await (const chunk of renderTrajectoryShard({ config, seed: 9, startIndex: start, count, gzip: false })) {
          parts.push(Buffer.from(chunk));
        }
      }
      return Buffer.concat(parts).toString("utf8");
    };
    const whole = await render(120);
    expect(await render(7)).toBe(whole);
    expect(await render(50)).toBe(whole);
    expect(whole.split("\n").filter((text) => text.includes('"is_anomalous":true')).length).toBeGreaterThan(20);
  });
});
