import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import { createRandomizer } from "../../../core/random.ts";
import {
  ANOMALY_PARAMETER_DEFAULTS,
  describeAnomalyInjectionConfig,
  parseAnomalyInjectionConfig,
} from "../../../core/trajectory/anomaly-config.ts";
import { decideAnomaly, effectCount, effectValue } from "../../../core/trajectory/anomaly-decision.ts";
import { parseTrajectoryConfig } from "../../../core/trajectory/index.ts";
import { ANOMALY_TYPES, SEVERITY_LEVELS } from "../../../core/trajectory/vocabulary.ts";
import { anomalyConfigError as errorOf } from "./helpers.ts";

describe("parseAnomalyInjectionConfig", () => {
  it("fills in every default when the section is absent", () => {
    const config = parseAnomalyInjectionConfig(undefined);
    expect(config.ratio).toBe(0);
    expect(config.typeNames).toStrictEqual([...ANOMALY_TYPES]);
    expect(config.severityWeights).toStrictEqual([0.3, 0.35, 0.25, 0.1]);
    expect(config.difficulty).toBe("realistic");
    // The realistic effects are smaller than the easy ones, which keep the original ranges.
    const [low, high] = config.parameters.infinite_loops.iterations;
    expect(high).toBeLessThan(ANOMALY_PARAMETER_DEFAULTS.infinite_loops.iterations[1]);
    expect(low).toBeGreaterThanOrEqual(ANOMALY_PARAMETER_DEFAULTS.infinite_loops.iterations[0]);
    expect(parseAnomalyInjectionConfig({ difficulty: "easy" }).parameters.infinite_loops.iterations).toStrictEqual(
      ANOMALY_PARAMETER_DEFAULTS.infinite_loops.iterations,
    );
  });

  it("lets an explicit range win over the difficulty's default, and rejects an unknown difficulty", () => {
    const config = parseAnomalyInjectionConfig({
      difficulty: "hard",
      types: { infinite_loops: { iterations: [5, 9] } },
    });
    expect(config.parameters.infinite_loops.iterations).toStrictEqual([5, 9]);
    expect(describeAnomalyInjectionConfig(config)).toMatchObject({ difficulty: "hard" });
    expect(errorOf({ difficulty: "medium" }).issues[0]?.path).toBe("anomaly_injection.difficulty");
  });

  it("drops types weighted 0 and keeps the configured ranges when given", () => {
    const config = parseAnomalyInjectionConfig({
      ratio: 0.3,
      types: {
        infinite_loops: { weight: 0, iterations: [3, 4] },
        context_drift: { weight: 5, drift_fraction: [0.5, 0.6] },
      },
      severity: { critical: 0 },
    });
    expect(config.typeNames).not.toContain("infinite_loops");
    expect(config.typeWeights[config.typeNames.indexOf("context_drift")]).toBe(5);
    expect(config.parameters.context_drift.drift_fraction).toStrictEqual([0.5, 0.6]);
    expect(config.severityWeights[3]).toBe(0);
    expect(describeAnomalyInjectionConfig(config)).toMatchObject({
      ratio: 0.3,
      types: { infinite_loops: { weight: 0, iterations: [3, 4] } },
    });
  });

  it("names the field, value and what is allowed when the input is wrong", () => {
    expect(errorOf({ ratio: 1.5 }).issues).toMatchObject([{ path: "anomaly_injection.ratio", value: 1.5 }]);
    expect(errorOf({ types: { infinite_loop: { weight: 1 } } }).issues).toStrictEqual([
      {
        path: "anomaly_injection.types.infinite_loop",
        message: `unknown key "infinite_loop"; did you mean "infinite_loops"? allowed: ${ANOMALY_TYPES.join(", ")}`,
      },
    ]);
    expect(errorOf({ anomaly_types: {} }).issues[0]?.message).toMatch(
      /^unknown key "anomaly_types"; allowed: ratio, difficulty, types, severity/,
    );
    expect(errorOf({ types: { infinite_loops: { iterations: [5, 2] } } }).message).toMatchInlineSnapshot(`
      "Invalid anomaly_injection config (1 problem):
        - anomaly_injection.types.infinite_loops.iterations: min (5) must not exceed max (2) (got [5,2])"
    `);
    expect(errorOf({ types: { timeout_cascades: { timeouts: [0.5, 2] } } }).issues[0]?.message).toBe(
      "must be [min, max] with integers from 1 to 20",
    );
    expect(errorOf({ types: { infinite_loops: { delay: [1, 2] } } }).issues[0]).toStrictEqual({
      path: "anomaly_injection.types.infinite_loops.delay",
      message: 'unknown key "delay"; allowed: weight, loop_length, iterations',
    });
    expect(errorOf({ severity: { low: 0, medium: 0, high: 0, critical: 0 } }).issues[0]?.path).toBe(
      "anomaly_injection.severity",
    );
    expect(
      errorOf({ types: Object.fromEntries(ANOMALY_TYPES.map((type) => [type, { weight: 0 }])) }).issues[0]?.path,
    ).toBe("anomaly_injection.types");
  });
});

describe("parseTrajectoryConfig with anomaly_injection and splits", () => {
  it("lists the problems of every section in one error when several are wrong", () => {
    let error: unknown;
    try {
      parseTrajectoryConfig({
        anomaly_injection: { ratio: 2 },
        splits: { train: 0.5 },
        data_generation: { epoch: "soon" },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toStrictEqual([
      "data_generation.epoch",
      "anomaly_injection.ratio",
      "splits",
    ]);
  });

  it("parses both sections into the trajectory config when valid", () => {
    const config = parseTrajectoryConfig({
      anomaly_injection: { ratio: 0.25 },
      splits: { train: 0.8, validation: 0.1, test: 0.1 },
    });
    expect(config.anomalies.ratio).toBe(0.25);
    expect(config.splits.fractions).toStrictEqual([0.8, 0.1, 0.1]);
  });
});

describe("decideAnomaly", () => {
  it("marks about the configured share of trajectories, deterministically per index", () => {
    const config = parseAnomalyInjectionConfig({ ratio: 0.2 });
    let anomalous = 0;
    for (let i = 0; i < 5000; i++) {
      const decision = decideAnomaly(config, 42, i);
      expect(decideAnomaly(config, 42, i)).toStrictEqual(decision);
      if (decision !== null) anomalous++;
    }
    expect(anomalous / 5000).toBeGreaterThan(0.18);
    expect(anomalous / 5000).toBeLessThan(0.22);
  });

  it("never marks a trajectory when the ratio is 0", () => {
    const config = parseAnomalyInjectionConfig({});
    for (let i = 0; i < 1000; i++) expect(decideAnomaly(config, 1, i)).toBeNull();
  });

  it("draws severity independently of type", () => {
    const config = parseAnomalyInjectionConfig({ ratio: 1 });
    const seen = new Map<string, Set<string>>();
    for (let i = 0; i < 3000; i++) {
      const decision = decideAnomaly(config, 8, i);
      if (decision === null) continue;
      const levels = seen.get(decision.type) ?? new Set();
      levels.add(decision.severity);
      seen.set(decision.type, levels);
    }
    for (const type of ANOMALY_TYPES) expect(seen.get(type)?.size, type).toBe(SEVERITY_LEVELS.length);
  });
});

describe("effect sizes", () => {
  it("grow with severity and stay inside the range", () => {
    const rng = createRandomizer(1, "effects");
    for (const [index, severity] of SEVERITY_LEVELS.entries()) {
      for (let k = 0; k < 200; k++) {
        const value = effectValue([10, 90], severity, rng);
        expect(value).toBeGreaterThanOrEqual(10 + 20 * index);
        expect(value).toBeLessThan(10 + 20 * (index + 1));
        const count = effectCount([1, 4], severity, rng);
        expect(count).toBe(index + 1);
      }
    }
  });
});
