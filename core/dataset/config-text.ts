import { parse as parseYaml, YAMLParseError } from "yaml";
import { ConfigError } from "../errors.ts";

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
      throw new ConfigError(`${source} is not valid YAML${where}: ${error.message.split("\n")[0]}`, [], {
        cause: error,
      });
    }
    throw error;
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(
      `${source} must hold a mapping at the top level (keys such as data_generation), not ${Array.isArray(value) ? "a list" : typeof value}.`,
    );
  }
  return value as Record<string, unknown>;
}
