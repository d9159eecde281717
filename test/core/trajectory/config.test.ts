import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import {
  DEFAULT_TRAJECTORY_CONFIG,
  loadTrajectoryConfig,
  parseTrajectoryConfig,
} from "../../../core/trajectory/index.ts";

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseTrajectoryConfig", () => {
  it("fills SPEC §4.1 defaults when the config is empty", () => {
    const config = parseTrajectoryConfig({});
    expect(config.patternNames).toStrictEqual([
      "simple_linear",
      "branched_analysis",
      "multi_agent_handoffs",
      "complex_research",
      "error_recovery",
    ]);
    expect(config.patternWeights).toStrictEqual([0.3, 0.25, 0.2, 0.15, 0.1]);
    expect(config.patterns.complex_research).toStrictEqual({ minNodes: 20, maxNodes: 40, weight: 0.15 });
    expect(config.epoch).toBe("2024-06-01T10:00:00.000Z");
    expect(config.randomSeed).toBeNull();
    expect(parseTrajectoryConfig(undefined)).toStrictEqual(DEFAULT_TRAJECTORY_CONFIG);
  });

  it("accepts the seed's YAML shape", () => {
    const config = loadTrajectoryConfig(`
random_seed: 42
data_generation:
  epoch: 2025-02-03T04:05:06Z
  trajectory_patterns:
    simple_linear: {min_nodes: 5, max_nodes: 10, weight: 0.2}
    branched_analysis: {min_nodes: 10, max_nodes: 20, weight: 0.2}
  task_templates:
    analysis: ["Audit the cloud bill"]
  tool_transitions:
    web_search: {read_document: 1}
anomaly_injection:
  ratio: 0.2
`);
    expect(config.randomSeed).toBe(42);
    expect(config.epoch).toBe("2025-02-03T04:05:06.000Z");
    expect(config.patternNames).toStrictEqual(["simple_linear", "branched_analysis"]);
    expect(config.taskTemplates.analysis).toStrictEqual(["Audit the cloud bill"]);
    // Categories without configured templates compose their descriptions (`composeTask`).
    expect(config.taskTemplates.research).toBeUndefined();
    expect(config.toolTransitions.WEB_SEARCH).toStrictEqual({ READ_DOCUMENT: 1 });
    expect(config.transitionRows[0]).toStrictEqual({ targets: ["READ_DOCUMENT"], weights: [1] });
  });

  it("rejects misspelt top-level sections with a did-you-mean instead of falling back to the defaults", () => {
    const message = messageOf(() =>
      parseTrajectoryConfig({ anomaly_injecton: { ratio: 0.5 }, data_generaton: {}, random_sed: 3, system: {} }),
    );
    expect(message).toMatchInlineSnapshot(`
      "Invalid trajectory config (4 problems):
        - anomaly_injecton: unknown key "anomaly_injecton"; did you mean "anomaly_injection"? allowed: random_seed, data_generation, anomaly_injection, splits
        - data_generaton: unknown key "data_generaton"; did you mean "data_generation"? allowed: random_seed, data_generation, anomaly_injection, splits
        - random_sed: unknown key "random_sed"; did you mean "random_seed"? allowed: random_seed, data_generation, anomaly_injection, splits
        - system: unknown key "system"; allowed: random_seed, data_generation, anomaly_injection, splits"
    `);
  });

  it("keeps generated timestamps within 4-digit years by bounding the epoch", () => {
    for (const epoch of ["9999-12-31T00:00:00Z", "1969-12-31T23:59:59Z"]) {
      expect(messageOf(() => parseTrajectoryConfig({ data_generation: { epoch } }))).toContain(
        "data_generation.epoch: must be from 1970-01-01T00:00:00Z to 9900-01-01T00:00:00Z",
      );
    }
    expect(parseTrajectoryConfig({ data_generation: { epoch: "9899-12-31T00:00:00Z" } }).epoch).toBe(
      "9899-12-31T00:00:00.000Z",
    );
  });

  it("fills a pattern's missing fields from its defaults when only some are given", () => {
    const config = parseTrajectoryConfig({
      data_generation: { trajectory_patterns: { error_recovery: { weight: 2 } } },
    });
    expect(config.patterns).toStrictEqual({ error_recovery: { minNodes: 10, maxNodes: 30, weight: 2 } });
  });

  it("names the pattern and the allowed names when a pattern is unknown", () => {
    const message = messageOf(() =>
      parseTrajectoryConfig({ data_generation: { trajectory_patterns: { linear: { weight: 1 } } } }),
    );
    expect(message).toMatchInlineSnapshot(`
      "Invalid trajectory config (1 problem):
        - data_generation.trajectory_patterns.linear: unknown pattern; allowed: simple_linear, branched_analysis, multi_agent_handoffs, complex_research, error_recovery (got "linear")"
    `);
  });

  it("rejects an empty pattern map instead of falling back", () => {
    expect(
      messageOf(() => parseTrajectoryConfig({ data_generation: { trajectory_patterns: {} } })),
    ).toMatchInlineSnapshot(`
      "Invalid trajectory config (1 problem):
        - data_generation.trajectory_patterns: must configure at least one pattern; allowed: simple_linear, branched_analysis, multi_agent_handoffs, complex_research, error_recovery"
    `);
  });

  it("reports min above max, a min below the structure's minimum and all-zero weights together", () => {
    const message = messageOf(() =>
      parseTrajectoryConfig({
        data_generation: {
          trajectory_patterns: {
            simple_linear: { min_nodes: 12, max_nodes: 10, weight: 0 },
            branched_analysis: { min_nodes: 3, max_nodes: 8, weight: 0 },
          },
        },
      }),
    );
    expect(message).toMatchInlineSnapshot(`
      "Invalid trajectory config (3 problems):
        - data_generation.trajectory_patterns.simple_linear: min_nodes (12) must not exceed max_nodes (10)
        - data_generation.trajectory_patterns.branched_analysis.min_nodes: must be at least 7, the fewest nodes the branched_analysis structure needs (got 3)
        - data_generation.trajectory_patterns: pattern weights must not all be 0; give at least one pattern a weight > 0"
    `);
  });

  it("rejects negative weights, non-integer node counts and unknown keys with their values", () => {
    const message = messageOf(() =>
      parseTrajectoryConfig({
        data_generation: {
          trajectory_patterns: { simple_linear: { min_nodes: 5.5, weight: -1 } },
          trajectory_paterns: {},
        },
      }),
    );
    expect(message).toMatchInlineSnapshot(`
      "Invalid trajectory config (3 problems):
        - data_generation.trajectory_patterns.simple_linear.min_nodes: Invalid input: expected int, received number (got 5.5)
        - data_generation.trajectory_patterns.simple_linear.weight: Too small: expected number to be >=0 (got -1)
        - data_generation.trajectory_paterns: unknown key "trajectory_paterns"; did you mean "trajectory_patterns"? allowed: trajectory_patterns, task_templates, tool_transitions, epoch"
    `);
  });

  it("rejects unknown tools, zero-sum transition rows, unknown task categories and bad epochs", () => {
    const message = messageOf(() =>
      parseTrajectoryConfig({
        data_generation: {
          tool_transitions: {
            web_search: { read_document: 0 },
            teleport: { web_search: 1 },
            write_code: { compile: 1 },
          },
          task_templates: { cooking: ["Bake bread"] },
          epoch: "yesterday",
        },
      }),
    );
    expect(message).toMatchInlineSnapshot(`
      "Invalid trajectory config (5 problems):
        - data_generation.task_templates.cooking: unknown task category; allowed: research, analysis, development, planning (got "cooking")
        - data_generation.tool_transitions.web_search: needs at least one next tool with a probability > 0 (rows are normalised, so they need not sum to 1)
        - data_generation.tool_transitions.teleport: unknown tool; allowed: WEB_SEARCH, READ_DOCUMENT, PREPARE_DOCUMENT, ANALYZE_DATA, DEEP_RESEARCH, WRITE_CODE, MEMORY_STORE_RETRIEVE, EXTERNAL_API (any case) (got "teleport")
        - data_generation.tool_transitions.write_code.compile: unknown tool; allowed: WEB_SEARCH, READ_DOCUMENT, PREPARE_DOCUMENT, ANALYZE_DATA, DEEP_RESEARCH, WRITE_CODE, MEMORY_STORE_RETRIEVE, EXTERNAL_API (any case) (got "compile")
        - data_generation.epoch: must be an ISO-8601 time with a zone, e.g. 2024-06-01T10:00:00Z (got "yesterday")"
    `);
  });

  it("carries structured issues with field, message and value", () => {
    try {
      parseTrajectoryConfig({ data_generation: { trajectory_patterns: { nope: {} } } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe("config_invalid");
      expect((error as ConfigError).issues).toStrictEqual([
        {
          path: "data_generation.trajectory_patterns.nope",
          message:
            "unknown pattern; allowed: simple_linear, branched_analysis, multi_agent_handoffs, complex_research, error_recovery",
          value: "nope",
        },
      ]);
    }
  });
});

describe("loadTrajectoryConfig", () => {
  it("reports the line and column when the YAML is malformed", () => {
    expect(
      messageOf(() => loadTrajectoryConfig("data_generation:\n  trajectory_patterns: [a\n  epoch: x\n")),
    ).toMatchInlineSnapshot(
      `"Config is not valid YAML at line 3, column 3: Flow sequence in block collection must be sufficiently indented and end with a ]. Fix the syntax there."`,
    );
  });

  it("gives the defaults when the file is empty", () => {
    expect(loadTrajectoryConfig("")).toStrictEqual(DEFAULT_TRAJECTORY_CONFIG);
    expect(loadTrajectoryConfig("data_generation:\n")).toStrictEqual(DEFAULT_TRAJECTORY_CONFIG);
  });

  it("rejects a config that is not a mapping", () => {
    expect(messageOf(() => loadTrajectoryConfig("- 1\n- 2\n"))).toMatchInlineSnapshot(`
      "Invalid trajectory config (1 problem):
        - (root): Invalid input: expected object, received array (got [1,2])"
    `);
  });
});
