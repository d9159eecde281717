import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseAnomalyInjectionConfig } from "../../../core/anomalies/config.ts";
import { finishTrajectory } from "../../../core/anomalies/step.ts";
import {
  DEFAULT_TRAJECTORY_CONFIG,
  draftTrajectory,
  generateTrajectory,
  parseTrajectoryConfig,
  serializeTrajectory,
} from "../../../core/trajectory/index.ts";

const anomalies = parseAnomalyInjectionConfig({ ratio: 0.4 });

/** The pipeline spelled out: draft → anomaly step → finalize, with `settings` as the config's anomaly section. */
function line(seed: number, index: number, settings = anomalies): string {
  const config = { ...DEFAULT_TRAJECTORY_CONFIG, anomalies: settings };
  return serializeTrajectory(finishTrajectory(draftTrajectory(config, seed, index), config, settings, seed, index));
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
    const config = parseTrajectoryConfig({ anomaly_injection: { ratio: 0.2 } });
    const hash = (seed: number) => {
      const digest = createHash("sha256");
      for (let i = 0; i < 50; i++) digest.update(`${serializeTrajectory(generateTrajectory(config, seed, i))}\n`);
      return digest.digest("hex");
    };
    expect(hash(42)).toMatchInlineSnapshot(`"922c73091824b2f0c946e318d6d38cf16a2a1c4f35183fe890be1c9c81178080"`);
    expect(hash(1337)).toMatchInlineSnapshot(`"145807da53d3090413877145b11672d2709b389d2b96663ec9aa5067c9bc293e"`);
    expect(hash(1211)).toMatchInlineSnapshot(`"57bcdb551c4b71c93df7fa17d83949e54cb427d8d2657bbf668bd9384b023175"`);
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
