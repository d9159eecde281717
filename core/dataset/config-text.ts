import { parse as parseYaml, YAMLParseError } from "yaml";
import { ConfigError } from "../errors.ts";

/**
 * Most alias expansions a config may use. A config needs few or none; an "alias bomb" (aliases of aliases of lists)
 * expands a kilobyte of YAML into gigabytes, and the parser refuses it past this count.
 */
export const MAX_YAML_ALIASES = 100;

/**
 * Parses the text of a YAML (or JSON, which is YAML) config file into a plain object, with the line and column of a
 * syntax error in the message.
 */
export function parseConfigText(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(text, { maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = error.linePos?.[0] ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : "";
      throw new ConfigError(`${source} is not valid YAML${where}: ${error.message.split("\n")[0]}`, [], {
        cause: error,
      });
    }
    // The yaml library reports too many aliases (and a few other refusals) as a plain ReferenceError.
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw new ConfigError(
        `${source} expands YAML aliases (*name) more than ${MAX_YAML_ALIASES} times: write the values out, or use fewer aliases.`,
        [],
        { cause: error },
      );
    }
    throw new ConfigError(`${source} cannot be read as YAML: ${(error as Error).message ?? String(error)}`, [], {
      cause: error,
    });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(
      `${source} must hold a mapping at the top level (keys such as data_generation), not ${Array.isArray(value) ? "a list" : typeof value}.`,
    );
  }
  return value as Record<string, unknown>;
}
