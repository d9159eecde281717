import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../../core/dataset/config-text.ts";
import { parseTrajectoryDatasetSpec } from "../../../core/dataset/spec.ts";
import { ConfigError, formatIssues } from "../../../core/errors.ts";

describe("parseTrajectoryDatasetSpec", () => {
  it("fills in defaults", () => {
    expect(parseTrajectoryDatasetSpec({ seed: 1, total: 5 })).toStrictEqual({
      seed: 1,
      total: 5,
      shard_size: 10_000,
      start_index: 0,
      gzip: false,
      format: "trajectory",
    });
  });

  it("names each invalid field with its value", () => {
    try {
      parseTrajectoryDatasetSpec({ seed: -1, total: 2.5, anomaly_ratio: 3, colour: "red" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const text = formatIssues((error as ConfigError).issues);
      expect(text).toContain("seed");
      expect(text).toContain("total");
      expect(text).toContain("anomaly_ratio");
      expect(text).toContain("colour");
      expect(text).toContain("(got 3)");
    }
  });
});

describe("parseConfigText", () => {
  it("reads YAML mappings", () => {
    expect(parseConfigText("random_seed: 7\ndata_generation: {}\n", "c.yaml")).toStrictEqual({
      random_seed: 7,
      data_generation: {},
    });
  });

  it("treats an empty file as an empty config", () => {
    expect(parseConfigText("", "empty.yaml")).toStrictEqual({});
  });

  it("points at the line of a syntax error", () => {
    expect(() => parseConfigText("a: 1\nb: [1, 2\n", "bad.yaml")).toThrow(/bad\.yaml is not valid YAML at line \d+/);
  });

  it("rejects a top level that is not a mapping", () => {
    expect(() => parseConfigText("- 1\n- 2\n", "list.yaml")).toThrow(/mapping at the top level/);
  });
});
