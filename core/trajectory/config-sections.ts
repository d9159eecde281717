import { z } from "zod";
import type { Issue } from "../errors.ts";
import {
  DEFAULT_EPOCH,
  DEFAULT_PATTERNS,
  DEFAULT_TOOL_TRANSITIONS,
  MAX_NODES_LIMIT,
  type PatternSettings,
  STRUCTURAL_MIN_NODES,
} from "./defaults.ts";
import {
  PATTERN_NAMES,
  type PatternName,
  TASK_CATEGORIES,
  type TaskCategory,
  TOOL_TYPES,
  type ToolType,
} from "./vocabulary.ts";

/**
 * Semantic checks and defaults for each part of the `data_generation` section, after zod has checked the shapes.
 * Each resolver appends its problems to `issues` and returns its best value, so one pass reports every problem.
 */

const NodeCount = z.int().min(1).max(MAX_NODES_LIMIT);

/** Timestamps are written as `YYYY-MM-DDTHH:mm:ss.sssZ`: the epoch leaves room for offsets of months, not centuries. */
const EPOCH_RANGE = ["1970-01-01T00:00:00Z", "9900-01-01T00:00:00Z"] as const;
const EPOCH_MIN_MS = Date.parse(EPOCH_RANGE[0]);
const EPOCH_MAX_MS = Date.parse(EPOCH_RANGE[1]);

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export const PatternEntrySchema = z.strictObject({
  min_nodes: NodeCount.optional(),
  max_nodes: NodeCount.optional(),
  weight: z.number().min(0).max(1e6).optional(),
});

type PatternEntry = z.output<typeof PatternEntrySchema>;

export function resolvePatterns(
  input: Record<string, PatternEntry> | undefined,
  issues: Issue[],
): Partial<Record<PatternName, PatternSettings>> {
  if (input === undefined) return { ...DEFAULT_PATTERNS };
  const base = "data_generation.trajectory_patterns";
  const names = Object.keys(input);
  if (names.length === 0) {
    issues.push({ path: base, message: `must configure at least one pattern; allowed: ${PATTERN_NAMES.join(", ")}` });
    return {};
  }
  const result: Partial<Record<PatternName, PatternSettings>> = {};
  let totalWeight = 0;
  for (const name of names) {
    const entry = input[name] as PatternEntry;
    if (!isPatternName(name)) {
      issues.push({
        path: `${base}.${name}`,
        message: `unknown pattern; allowed: ${PATTERN_NAMES.join(", ")}`,
        value: name,
      });
      continue;
    }
    const defaults = DEFAULT_PATTERNS[name];
    const settings: PatternSettings = {
      minNodes: entry.min_nodes ?? defaults.minNodes,
      maxNodes: entry.max_nodes ?? defaults.maxNodes,
      weight: entry.weight ?? defaults.weight,
    };
    const structural = STRUCTURAL_MIN_NODES[name];
    if (settings.minNodes < structural) {
      issues.push({
        path: `${base}.${name}.min_nodes`,
        message: `must be at least ${structural}, the fewest nodes the ${name} structure needs`,
        value: settings.minNodes,
      });
    }
    if (settings.minNodes > settings.maxNodes) {
      issues.push({
        path: `${base}.${name}`,
        message: `min_nodes (${settings.minNodes}) must not exceed max_nodes (${settings.maxNodes})`,
      });
    }
    totalWeight += settings.weight;
    result[name] = settings;
  }
  if (Object.keys(result).length > 0 && !(totalWeight > 0)) {
    issues.push({ path: base, message: "pattern weights must not all be 0; give at least one pattern a weight > 0" });
  }
  return result;
}

/** Task descriptions configured per category; the categories left out compose theirs (`composeTask`). */
export function resolveTaskTemplates(
  input: Record<string, string[]> | undefined,
  issues: Issue[],
): Partial<Record<TaskCategory, readonly string[]>> {
  const result: Partial<Record<TaskCategory, readonly string[]>> = {};
  for (const [category, templates] of Object.entries(input ?? {})) {
    if (!isOneOf(TASK_CATEGORIES, category)) {
      issues.push({
        path: `data_generation.task_templates.${category}`,
        message: `unknown task category; allowed: ${TASK_CATEGORIES.join(", ")}`,
        value: category,
      });
      continue;
    }
    result[category] = templates;
  }
  return result;
}

export function resolveToolTransitions(
  input: Record<string, Record<string, number>> | undefined,
  issues: Issue[],
): Record<ToolType, Partial<Record<ToolType, number>>> {
  const result: Record<ToolType, Partial<Record<ToolType, number>>> = { ...DEFAULT_TOOL_TRANSITIONS };
  const base = "data_generation.tool_transitions";
  for (const [fromName, row] of Object.entries(input ?? {})) {
    const from = fromName.toUpperCase();
    if (!isOneOf(TOOL_TYPES, from)) {
      issues.push({ path: `${base}.${fromName}`, message: `unknown tool; allowed: ${toolList()}`, value: fromName });
      continue;
    }
    const resolved: Partial<Record<ToolType, number>> = {};
    let total = 0;
    let unknown = false;
    for (const [toName, probability] of Object.entries(row)) {
      const to = toName.toUpperCase();
      if (!isOneOf(TOOL_TYPES, to)) {
        issues.push({
          path: `${base}.${fromName}.${toName}`,
          message: `unknown tool; allowed: ${toolList()}`,
          value: toName,
        });
        unknown = true;
        continue;
      }
      resolved[to] = probability;
      total += probability;
    }
    if (!unknown && !(total > 0)) {
      issues.push({
        path: `${base}.${fromName}`,
        message: "needs at least one next tool with a probability > 0 (rows are normalised, so they need not sum to 1)",
      });
    }
    result[from] = resolved;
  }
  return result;
}

export function resolveEpoch(input: string | undefined, issues: Issue[]): number {
  if (input === undefined) return Date.parse(DEFAULT_EPOCH);
  const parsed = ISO_WITH_ZONE.test(input) ? Date.parse(input) : Number.NaN;
  if (Number.isNaN(parsed)) {
    issues.push({
      path: "data_generation.epoch",
      message: "must be an ISO-8601 time with a zone, e.g. 2024-06-01T10:00:00Z",
      value: input,
    });
    return Date.parse(DEFAULT_EPOCH);
  }
  if (parsed < EPOCH_MIN_MS || parsed > EPOCH_MAX_MS) {
    issues.push({
      path: "data_generation.epoch",
      message: `must be from ${EPOCH_RANGE[0]} to ${EPOCH_RANGE[1]}, so that every generated timestamp (up to 30 days and the trajectory's duration later) has a 4-digit year`,
      value: input,
    });
    return Date.parse(DEFAULT_EPOCH);
  }
  return parsed;
}

function toolList(): string {
  return `${TOOL_TYPES.join(", ")} (any case)`;
}

function isPatternName(name: string): name is PatternName {
  return isOneOf(PATTERN_NAMES, name);
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}
