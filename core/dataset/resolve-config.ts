import { parse as parseYaml, YAMLParseError } from "yaml";
import { ConfigError } from "../errors.ts";
import { parseTrajectoryConfig, type TrajectoryConfig } from "../trajectory/index.ts";
import type { TrajectoryDatasetSpec } from "./spec.ts";

/**
 * Parses the text of a YAML (or JSON, which is YAML) config file into a plain object, with the line and column of a
 * syntax error in the message.
 */
export function parseConfigText(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = error.linePos?.[0] ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : "";
      throw new ConfigError(`${source} is not valid YAML${where}: ${error.message.split("\n")[0]}`, [], { cause: error });
    }
    throw error;
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(`${source} must hold a mapping at the top level (keys such as data_generation), not ${Array.isArray(value) ? "a list" : typeof value}.`);
  }
  return value as Record<string, unknown>;
}

/** The generator config a dataset spec describes: its `config` with `anomaly_ratio` applied, defaults filled in. */
export function resolveDatasetConfig(spec: TrajectoryDatasetSpec): TrajectoryConfig {
  const input: Record<string, unknown> = { ...(spec.config ?? {}) };
  if (spec.anomaly_ratio !== undefined) {
    const current = input.anomaly_injection;
    const section = current !== null && typeof current === "object" && !Array.isArray(current) ? current : {};
    input.anomaly_injection = { ...section, ratio: spec.anomaly_ratio };
  }
  return parseTrajectoryConfig(input);
}
