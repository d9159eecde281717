import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ANOMALY_SUMMARIES } from "../../../core/dataset/anomaly-summaries.ts";
import { configDocument, serializeSpecConfig } from "../../../core/dataset/config-document.ts";
import { parseTrajectoryConfig } from "../../../core/trajectory/index.ts";
import { ANOMALY_TYPES } from "../../../core/trajectory/vocabulary.ts";

describe("configDocument", () => {
  it("gives back a config that parses to the same resolved config, defaults or not", () => {
    const inputs = [
      {},
      {
        random_seed: 5,
        data_generation: {
          epoch: "2026-01-01T00:00:00Z",
          trajectory_patterns: { simple_linear: { min_nodes: 6, max_nodes: 9, weight: 2 }, error_recovery: {} },
          task_templates: { research: ["Survey the field"] },
          tool_transitions: { WEB_SEARCH: { READ_DOCUMENT: 1 } },
        },
        anomaly_injection: { ratio: 0.3, types: { infinite_loops: { weight: 3 } }, severity: { critical: 1 } },
        splits: { train: 0.5, validation: 0.25, test: 0.25 },
      },
    ];
    for (const input of inputs) {
      const config = parseTrajectoryConfig(input);
      expect(parseTrajectoryConfig(configDocument(config))).toStrictEqual(config);
    }
  });

  it("writes the spec's config as YAML that parses back to the same object", () => {
    const config = { data_generation: { epoch: "2026-11-01T00:00:00.000Z" }, splits: { train: 1 } };
    const text = serializeSpecConfig(config);
    expect(text.startsWith("# ")).toBe(true);
    expect(parseYaml(text)).toStrictEqual(config);
  });
});

describe("ANOMALY_SUMMARIES", () => {
  it("sums up every anomaly type, each of which docs/anomalies.md defines in its own section", () => {
    const docs = readFileSync(new URL("../../../docs/anomalies.md", import.meta.url), "utf8");
    for (const type of ANOMALY_TYPES) {
      expect(ANOMALY_SUMMARIES[type].length, type).toBeGreaterThan(20);
      expect(docs).toContain(`\n## ${type}\n`);
    }
  });

  it("speaks of no back edge or cycle: a loop's repetitions are new steps and every graph is acyclic", () => {
    for (const type of ANOMALY_TYPES) expect(ANOMALY_SUMMARIES[type], type).not.toMatch(/back edge|cycle/i);
  });
});
