import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { ConfigError, type Issue, issuesFromZod } from "../errors.ts";
import { type AnomalyDifficulty, type AnomalyInjectionConfig, parseAnomalyInjectionConfig } from "./anomaly-config.ts";
import { BENIGN_PRESETS, type BenignLevel, type BenignRates } from "./benign-presets.ts";
import {
  PatternEntrySchema,
  resolveEpoch,
  resolvePatterns,
  resolveTaskTemplates,
  resolveToolTransitions,
} from "./config-sections.ts";
import type { PatternSettings } from "./defaults.ts";
import { parseSplitConfig, type SplitConfig } from "./splits.ts";
import { PATTERN_NAMES, type PatternName, type TaskCategory, TOOL_TYPES, type ToolType } from "./vocabulary.ts";

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
  /** Configured task descriptions per category; a category without any gets descriptions composed from parts. */
  readonly taskTemplates: Readonly<Partial<Record<TaskCategory, readonly string[]>>>;
  readonly toolTransitions: Readonly<Record<ToolType, Readonly<Partial<Record<ToolType, number>>>>>;
  /** `toolTransitions` precomputed per source tool, indexed like `TOOL_TYPES`. */
  readonly transitionRows: readonly ToolTransitionRow[];
  /** The `anomaly_injection` section: which trajectories get which anomaly (ratio 0 by default). */
  readonly anomalies: AnomalyInjectionConfig;
  /** The `splits` section: train/validation/test fractions for each trajectory's `split` field. */
  readonly splits: SplitConfig;
  /** How often normal runs show benign noise (retries, re-plans, reworks, ...): set by the anomaly difficulty. */
  readonly benign: BenignRates;
}

/** Difficulty `easy` keeps normal runs clean (every irregularity is an anomaly); harder ones add benign noise. */
const BENIGN_LEVEL_OF_DIFFICULTY: Readonly<Record<AnomalyDifficulty, BenignLevel>> = {
  easy: "clean",
  realistic: "realistic",
  hard: "noisy",
};

/** The `data_generation` section. Unknown keys are errors: a typo must not silently fall back to a default. */
export const DataGenerationSchema = z.strictObject({
  trajectory_patterns: z.record(z.string(), PatternEntrySchema).optional(),
  task_templates: z.record(z.string(), z.array(z.string().min(1)).min(1)).optional(),
  tool_transitions: z.record(z.string(), z.record(z.string(), z.number().min(0).max(1e6))).optional(),
  epoch: z.string().optional(),
});

/**
 * The top level of a config file. `anomaly_injection` and `splits` are validated by their own parsers
 * (core/trajectory/anomaly-config.ts, core/trajectory/splits.ts). Unknown top-level keys are errors too: a misspelt section
 * (`anomaly_injecton:`) must not fall back to the defaults silently.
 */
export const TrajectoryConfigInputSchema = z.strictObject({
  random_seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
  data_generation: DataGenerationSchema.nullable().optional(),
  anomaly_injection: z.unknown().optional().describe("see core/trajectory/anomaly-config.ts and docs/anomalies.md"),
  splits: z.unknown().optional().describe("train/validation/test fractions, see core/trajectory/splits.ts"),
});

export type TrajectoryConfigInput = z.input<typeof TrajectoryConfigInputSchema>;

/**
 * Validates a config object (the YAML shape) and fills in defaults.
 * @throws ConfigError listing every problem with its field, value and what is allowed.
 * @example
 * const config = parseTrajectoryConfig({ data_generation: { trajectory_patterns: { simple_linear: { weight: 1 } } } });
 */
export function parseTrajectoryConfig(input: unknown): TrajectoryConfig {
  const parsed = TrajectoryConfigInputSchema.safeParse(input ?? {});
  if (!parsed.success)
    throw configError(issuesFromZod(parsed.error.issues, input ?? {}, "", TrajectoryConfigInputSchema));
  const issues: Issue[] = [];
  const section = parsed.data.data_generation ?? {};
  const patterns = resolvePatterns(section.trajectory_patterns, issues);
  const taskTemplates = resolveTaskTemplates(section.task_templates, issues);
  const toolTransitions = resolveToolTransitions(section.tool_transitions, issues);
  const epoch = resolveEpoch(section.epoch, issues);
  const anomalies = sectionOrIssues(() => parseAnomalyInjectionConfig(parsed.data.anomaly_injection), issues);
  const splits = sectionOrIssues(() => parseSplitConfig(parsed.data.splits), issues);
  if (issues.length > 0 || anomalies === null || splits === null) throw configError(issues);
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
    anomalies,
    splits,
    benign: BENIGN_PRESETS[BENIGN_LEVEL_OF_DIFFICULTY[anomalies.difficulty]],
  };
}

/** Runs a section's own parser, moving its problems into `issues` so one error lists every problem. */
function sectionOrIssues<T>(parse: () => T, issues: Issue[]): T | null {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues);
    return null;
  }
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

function configError(issues: Issue[]): ConfigError {
  return new ConfigError("Invalid trajectory config", issues, { listIssues: true });
}

/** The config used when none is given: SPEC §4.1 patterns and weights, SPEC §2.7/§2.8 templates and transitions. */
export const DEFAULT_TRAJECTORY_CONFIG: TrajectoryConfig = parseTrajectoryConfig({});
