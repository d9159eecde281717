import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { ConfigError, type Issue, issuesFromZod } from "../errors.ts";
import {
  DEFAULT_EPOCH,
  DEFAULT_PATTERNS,
  DEFAULT_TASK_TEMPLATES,
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

/** One row of the tool Markov chain, as parallel arrays for `weightedIndex`. */
export interface ToolTransitionRow {
  readonly targets: readonly ToolType[];
  readonly weights: readonly number[];
}

/**
 * The parsed, defaulted trajectory config. Other config sections (e.g. `anomaly_injection`) compose by extending
 * this interface and parsing their own section of the same YAML document (see `parseConfigYaml`).
 */
export interface TrajectoryConfig {
  /** `random_seed` from the file, if any; generation always takes its seed as an argument. */
  readonly randomSeed: number | null;
  /** ISO start of the dataset's time range (millisecond precision). */
  readonly epoch: string;
  readonly epochMs: number;
  /** Configured patterns only, in canonical order; a pattern absent here is never generated. */
  readonly patterns: Readonly<Partial<Record<PatternName, PatternSettings>>>;
  readonly patternNames: readonly PatternName[];
  readonly patternWeights: readonly number[];
  readonly taskTemplates: Readonly<Record<TaskCategory, readonly string[]>>;
  readonly toolTransitions: Readonly<Record<ToolType, Readonly<Partial<Record<ToolType, number>>>>>;
  /** `toolTransitions` precomputed per source tool, indexed like `TOOL_TYPES`. */
  readonly transitionRows: readonly ToolTransitionRow[];
}

const NodeCount = z.int().min(1).max(MAX_NODES_LIMIT);

const PatternEntrySchema = z.strictObject({
  min_nodes: NodeCount.optional(),
  max_nodes: NodeCount.optional(),
  weight: z.number().min(0).max(1e6).optional(),
});

/** The `data_generation` section. Unknown keys are errors: a typo must not silently fall back to a default. */
export const DataGenerationSchema = z.strictObject({
  trajectory_patterns: z.record(z.string(), PatternEntrySchema).optional(),
  task_templates: z.record(z.string(), z.array(z.string().min(1)).min(1)).optional(),
  tool_transitions: z.record(z.string(), z.record(z.string(), z.number().min(0).max(1e6))).optional(),
  epoch: z.string().optional(),
});

/**
 * The top level of a config file as far as trajectories are concerned. Other top-level sections
 * (`anomaly_injection`, `system`, ...) are not this schema's business and are ignored here.
 */
export const TrajectoryConfigInputSchema = z.object({
  random_seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
  data_generation: DataGenerationSchema.nullable().optional(),
});

export type TrajectoryConfigInput = z.input<typeof TrajectoryConfigInputSchema>;

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Validates a config object (the YAML shape) and fills in defaults.
 * @throws ConfigError listing every problem with its field, value and what is allowed.
 * @example
 * const config = parseTrajectoryConfig({ data_generation: { trajectory_patterns: { simple_linear: { weight: 1 } } } });
 */
export function parseTrajectoryConfig(input: unknown): TrajectoryConfig {
  const parsed = TrajectoryConfigInputSchema.safeParse(input ?? {});
  if (!parsed.success) throw configError(zodIssues(parsed.error.issues, input ?? {}));
  const issues: Issue[] = [];
  const section = parsed.data.data_generation ?? {};
  const patterns = resolvePatterns(section.trajectory_patterns, issues);
  const taskTemplates = resolveTaskTemplates(section.task_templates, issues);
  const toolTransitions = resolveToolTransitions(section.tool_transitions, issues);
  const epoch = resolveEpoch(section.epoch, issues);
  if (issues.length > 0) throw configError(issues);
  const patternNames = PATTERN_NAMES.filter((name) => patterns[name] !== undefined);
  return {
    randomSeed: parsed.data.random_seed ?? null,
    epoch: new Date(epoch).toISOString(),
    epochMs: epoch,
    patterns,
    patternNames,
    patternWeights: patternNames.map((name) => (patterns[name] as PatternSettings).weight),
    taskTemplates,
    toolTransitions,
    transitionRows: TOOL_TYPES.map((tool) => {
      const row = toolTransitions[tool];
      const targets = TOOL_TYPES.filter((target) => (row[target] ?? 0) > 0);
      return { targets, weights: targets.map((target) => row[target] as number) };
    }),
  };
}

/**
 * Parses YAML text into a plain value; syntax errors become a ConfigError with line and column.
 * Shared by every config section so a file is read once.
 */
export function parseConfigYaml(yamlText: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(yamlText, { prettyErrors: false, lineCounter });
  const error = document.errors[0];
  if (error !== undefined) {
    const position = lineCounter.linePos(error.pos[0]);
    const where = ` at line ${position.line}, column ${position.col}`;
    throw new ConfigError(`Config is not valid YAML${where}: ${error.message.split("\n")[0]}. Fix the syntax there.`, [
      { path: "(yaml)", message: `${error.code}${where}` },
    ]);
  }
  return document.toJS();
}

/**
 * Loads a trajectory config from YAML text.
 * @example
 * const config = loadTrajectoryConfig("data_generation:\n  epoch: 2025-01-01T00:00:00Z\n");
 */
export function loadTrajectoryConfig(yamlText: string): TrajectoryConfig {
  return parseTrajectoryConfig(parseConfigYaml(yamlText));
}

/** Zod issues as ours; an unknown key is reported at its own path with the keys allowed there. */
function zodIssues(issues: readonly z.core.$ZodIssue[], input: unknown): Issue[] {
  const result: Issue[] = [];
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") {
      result.push(...issuesFromZod([issue], input));
      continue;
    }
    const allowed = allowedKeys(issue.path);
    for (const key of issue.keys) {
      result.push({ path: [...issue.path, key].join("."), message: `unknown key; allowed: ${allowed}` });
    }
  }
  return result;
}

function allowedKeys(path: readonly PropertyKey[]): string {
  if (path.length === 1) return Object.keys(DataGenerationSchema.shape).join(", ");
  return Object.keys(PatternEntrySchema.shape).join(", ");
}

function configError(issues: Issue[]): ConfigError {
  const noun = issues.length === 1 ? "problem" : "problems";
  return new ConfigError(`Invalid trajectory config (${issues.length} ${noun}):\n${formatList(issues)}`, issues);
}

function formatList(issues: readonly Issue[]): string {
  return issues
    .map((issue) => {
      const shown = issue.value === undefined ? "" : ` (got ${JSON.stringify(issue.value)})`;
      return `  - ${issue.path}: ${issue.message}${shown}`;
    })
    .join("\n");
}

type PatternEntry = z.output<typeof PatternEntrySchema>;

function resolvePatterns(
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

function resolveTaskTemplates(
  input: Record<string, string[]> | undefined,
  issues: Issue[],
): Record<TaskCategory, readonly string[]> {
  const result: Record<TaskCategory, readonly string[]> = { ...DEFAULT_TASK_TEMPLATES };
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

function resolveToolTransitions(
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

function resolveEpoch(input: string | undefined, issues: Issue[]): number {
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
  return parsed;
}

function toolList(): string {
  return TOOL_TYPES.map((tool) => tool.toLowerCase()).join(", ");
}

function isPatternName(name: string): name is PatternName {
  return isOneOf(PATTERN_NAMES, name);
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

/** The config used when none is given: SPEC §4.1 patterns and weights, SPEC §2.7/§2.8 templates and transitions. */
export const DEFAULT_TRAJECTORY_CONFIG: TrajectoryConfig = parseTrajectoryConfig({});
