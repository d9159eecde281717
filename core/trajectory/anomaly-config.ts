import { z } from "zod";
import { ConfigError, type Issue, issuesFromZod } from "../errors.ts";
import { ANOMALY_TYPES, type AnomalyType, SEVERITY_LEVELS, type SeverityLevel } from "./vocabulary.ts";

/** An inclusive `[min, max]` effect range; severity chooses where in it an anomaly falls (see `effectSize`). */
export type EffectRange = readonly [number, number];

/**
 * The effect parameters of each anomaly type and their defaults. Every parameter grows with the effect: a
 * `critical` anomaly draws from the top quarter of each range, a `low` one from the bottom quarter.
 */
export const ANOMALY_PARAMETER_DEFAULTS = {
  infinite_loops: { loop_length: [1, 3], iterations: [2, 8] },
  suboptimal_paths: { extra_steps: [1, 6] },
  tool_failure_cascades: { cascade_length: [1, 6] },
  planning_paralysis: { extra_rounds: [2, 9] },
  memory_inconsistencies: { inconsistent_reads: [1, 4] },
  timeout_cascades: { timeouts: [1, 4], timeout_seconds: [10, 120] },
  handoff_failures: { failed_attempts: [1, 4] },
  validation_loops: { iterations: [2, 7] },
  context_drift: { drift_fraction: [0.25, 1] },
  incomplete_responses: { missing_fraction: [0.1, 0.8] },
  misread_tool_results: { value_error: [0.4, 2] },
  incorrect_verifications: { value_error: [0.4, 2] },
  ignored_agent_inputs: {},
} as const satisfies Record<AnomalyType, Record<string, EffectRange>>;

/**
 * How hard the anomalies are to tell from normal runs. `easy` keeps the clear-cut signals (clean normal runs, the
 * effect ranges above); `realistic` (the default) gives normal runs benign noise (retries, re-plans, reworks, ...)
 * and shrinks the effects towards it; `hard` has more noise and smaller effects still.
 */
export const ANOMALY_DIFFICULTIES = ["easy", "realistic", "hard"] as const;
export type AnomalyDifficulty = (typeof ANOMALY_DIFFICULTIES)[number];

/** Effect ranges per difficulty where they differ from `ANOMALY_PARAMETER_DEFAULTS` (the `easy` ranges). */
const DIFFICULTY_PARAMETER_DEFAULTS: Readonly<
  Record<AnomalyDifficulty, Partial<Record<AnomalyType, Record<string, EffectRange>>>>
> = {
  easy: {},
  realistic: {
    infinite_loops: { loop_length: [1, 2], iterations: [2, 4] },
    suboptimal_paths: { extra_steps: [1, 3] },
    tool_failure_cascades: { cascade_length: [1, 2] },
    planning_paralysis: { extra_rounds: [1, 2] },
    memory_inconsistencies: { inconsistent_reads: [1, 2] },
    timeout_cascades: { timeouts: [1, 2], timeout_seconds: [5, 60] },
    handoff_failures: { failed_attempts: [1, 2] },
    validation_loops: { iterations: [2, 3] },
    context_drift: { drift_fraction: [0.1, 0.35] },
    incomplete_responses: { missing_fraction: [0.1, 0.5] },
    misread_tool_results: { value_error: [0.15, 1] },
    incorrect_verifications: { value_error: [0.15, 1] },
  },
  hard: {
    infinite_loops: { loop_length: [1, 2], iterations: [2, 3] },
    suboptimal_paths: { extra_steps: [1, 2] },
    tool_failure_cascades: { cascade_length: [1, 1] },
    planning_paralysis: { extra_rounds: [1, 1] },
    memory_inconsistencies: { inconsistent_reads: [1, 1] },
    timeout_cascades: { timeouts: [1, 1], timeout_seconds: [5, 30] },
    handoff_failures: { failed_attempts: [1, 1] },
    validation_loops: { iterations: [2, 2] },
    context_drift: { drift_fraction: [0.05, 0.3] },
    incomplete_responses: { missing_fraction: [0.05, 0.3] },
    misread_tool_results: { value_error: [0.05, 0.4] },
    incorrect_verifications: { value_error: [0.05, 0.4] },
  },
};

export type AnomalyParameters = {
  readonly [T in AnomalyType]: { readonly [P in keyof (typeof ANOMALY_PARAMETER_DEFAULTS)[T]]: EffectRange };
};

/** Hard limits per parameter: keep one trajectory a bounded amount of work and keep fractions fractions. */
const PARAMETER_LIMITS: Readonly<Record<string, { min: number; max: number; integer: boolean }>> = {
  loop_length: { min: 1, max: 10, integer: true },
  iterations: { min: 1, max: 50, integer: true },
  extra_steps: { min: 1, max: 50, integer: true },
  cascade_length: { min: 1, max: 50, integer: true },
  extra_rounds: { min: 1, max: 50, integer: true },
  inconsistent_reads: { min: 1, max: 20, integer: true },
  timeouts: { min: 1, max: 20, integer: true },
  timeout_seconds: { min: 1, max: 3600, integer: false },
  failed_attempts: { min: 1, max: 20, integer: true },
  drift_fraction: { min: 0.01, max: 1, integer: false },
  missing_fraction: { min: 0.01, max: 0.99, integer: false },
  value_error: { min: 0.01, max: 10, integer: false },
};

/**
 * SPEC §3.3 ratios of the original, used as default type weights. Severity is no longer fixed per type
 * (SPEC §6.8): it comes from its own distribution for every type.
 */
export const DEFAULT_TYPE_WEIGHTS: Readonly<Record<AnomalyType, number>> = {
  infinite_loops: 0.15,
  suboptimal_paths: 0.15,
  tool_failure_cascades: 0.12,
  planning_paralysis: 0.1,
  memory_inconsistencies: 0.1,
  timeout_cascades: 0.1,
  handoff_failures: 0.08,
  validation_loops: 0.08,
  context_drift: 0.07,
  incomplete_responses: 0.05,
  // Content-only types from the published failure taxonomies (TRAIL, MAST): not in the original generator.
  misread_tool_results: 0.08,
  incorrect_verifications: 0.06,
  ignored_agent_inputs: 0.06,
};

export const DEFAULT_SEVERITY_WEIGHTS: Readonly<Record<SeverityLevel, number>> = {
  low: 0.3,
  medium: 0.35,
  high: 0.25,
  critical: 0.1,
};

/** The parsed `anomaly_injection` section with defaults filled in. */
export interface AnomalyInjectionConfig {
  /** Probability that a trajectory is anomalous; 0 disables injection. */
  readonly ratio: number;
  readonly difficulty: AnomalyDifficulty;
  /** Types with a weight > 0, in declaration order, with their weights (for `weightedIndex`). */
  readonly typeNames: readonly AnomalyType[];
  readonly typeWeights: readonly number[];
  /** Weights of `SEVERITY_LEVELS`, in that order. */
  readonly severityWeights: readonly number[];
  readonly parameters: AnomalyParameters;
  /**
   * The most anomalies one anomalous trajectory can hold (1 to `MAX_ANOMALIES_PER_TRAJECTORY`, default 1). Above 1,
   * an anomalous trajectory draws how many (see `decideAnomalies`), most still get one.
   */
  readonly maxPerTrajectory: number;
}

/** The upper limit of `anomaly_injection.max_per_trajectory`: keeps one trajectory a bounded amount of work. */
export const MAX_ANOMALIES_PER_TRAJECTORY = 5;

const Weight = z.number().min(0).max(1e6);
const MAX_PER_TRAJECTORY_MESSAGE = `must be an integer from 1 to ${MAX_ANOMALIES_PER_TRAJECTORY}`;

function typeEntrySchema(type: AnomalyType) {
  const shape: Record<string, z.ZodType> = { weight: Weight.optional() };
  for (const name of Object.keys(ANOMALY_PARAMETER_DEFAULTS[type])) {
    shape[name] = z.tuple([z.number(), z.number()]).optional().describe("[min, max], inclusive");
  }
  return z.strictObject(shape);
}

const TypesSchema = z.strictObject(
  Object.fromEntries(ANOMALY_TYPES.map((type) => [type, typeEntrySchema(type).optional()])) as Record<
    AnomalyType,
    z.ZodOptional<ReturnType<typeof typeEntrySchema>>
  >,
);

/** The `anomaly_injection` section of the YAML config. Unknown keys are errors (a typo must not be ignored). */
export const AnomalyInjectionInputSchema = z.strictObject({
  ratio: z.number().min(0).max(1).optional().describe("fraction of anomalous trajectories, 0..1"),
  difficulty: z
    .enum(ANOMALY_DIFFICULTIES)
    .optional()
    .describe("easy | realistic | hard: benign noise in normal runs and effect sizes (default realistic)"),
  types: TypesSchema.optional().describe("per-type weight and effect ranges"),
  severity: z
    .strictObject({
      low: Weight.optional(),
      medium: Weight.optional(),
      high: Weight.optional(),
      critical: Weight.optional(),
    })
    .optional()
    .describe("relative weights of the severity levels"),
  max_per_trajectory: z
    .number({ error: MAX_PER_TRAJECTORY_MESSAGE })
    .int({ error: MAX_PER_TRAJECTORY_MESSAGE })
    .min(1, { error: MAX_PER_TRAJECTORY_MESSAGE })
    .max(MAX_ANOMALIES_PER_TRAJECTORY, { error: MAX_PER_TRAJECTORY_MESSAGE })
    .optional()
    .describe(
      `most anomalies in one anomalous trajectory, an integer from 1 to ${MAX_ANOMALIES_PER_TRAJECTORY} (default 1)`,
    ),
});

export type AnomalyInjectionInput = z.input<typeof AnomalyInjectionInputSchema>;

/**
 * Validates the `anomaly_injection` section (pass the section itself, or undefined for defaults) and fills in
 * defaults. Errors name the field under `anomaly_injection.`, the value and what is allowed.
 * @example
 * const anomalies = parseAnomalyInjectionConfig({ ratio: 0.2, types: { infinite_loops: { weight: 2 } } });
 */
export function parseAnomalyInjectionConfig(input: unknown): AnomalyInjectionConfig {
  const base = "anomaly_injection";
  const parsed = AnomalyInjectionInputSchema.safeParse(input ?? {});
  if (!parsed.success)
    throw anomalyConfigError(issuesFromZod(parsed.error.issues, input ?? {}, base, AnomalyInjectionInputSchema));
  const issues: Issue[] = [];
  const types = parsed.data.types ?? {};
  const difficulty = parsed.data.difficulty ?? "realistic";
  const difficultyDefaults = DIFFICULTY_PARAMETER_DEFAULTS[difficulty];
  const weights: Record<string, number> = {};
  const parameters: Record<string, Record<string, EffectRange>> = {};
  for (const type of ANOMALY_TYPES) {
    const entry = (types[type] ?? {}) as Record<string, unknown>;
    weights[type] = (entry.weight as number | undefined) ?? DEFAULT_TYPE_WEIGHTS[type];
    const resolved: Record<string, EffectRange> = {};
    for (const [name, fallback] of Object.entries(ANOMALY_PARAMETER_DEFAULTS[type])) {
      const range =
        (entry[name] as EffectRange | undefined) ?? difficultyDefaults[type]?.[name] ?? (fallback as EffectRange);
      checkRange(`${base}.types.${type}.${name}`, name, range, issues);
      resolved[name] = range;
    }
    parameters[type] = resolved;
  }
  const typeNames = ANOMALY_TYPES.filter((type) => (weights[type] as number) > 0);
  if (typeNames.length === 0) {
    issues.push({
      path: `${base}.types`,
      message: "every type weight is 0; give at least one anomaly type a weight > 0",
    });
  }
  const severityInput = parsed.data.severity ?? {};
  const severityWeights = SEVERITY_LEVELS.map((level) => severityInput[level] ?? DEFAULT_SEVERITY_WEIGHTS[level]);
  if (!severityWeights.some((weight) => weight > 0)) {
    issues.push({
      path: `${base}.severity`,
      message: "every severity weight is 0; give at least one of low, medium, high, critical a weight > 0",
    });
  }
  if (issues.length > 0) throw anomalyConfigError(issues);
  return {
    ratio: parsed.data.ratio ?? 0,
    difficulty,
    typeNames,
    typeWeights: typeNames.map((type) => weights[type] as number),
    severityWeights,
    parameters: parameters as unknown as AnomalyParameters,
    maxPerTrajectory: parsed.data.max_per_trajectory ?? 1,
  };
}

/** The section as it would be written back to YAML, for the manifest: every default made explicit. */
export function describeAnomalyInjectionConfig(config: AnomalyInjectionConfig): Record<string, unknown> {
  return {
    ratio: config.ratio,
    difficulty: config.difficulty,
    types: Object.fromEntries(
      ANOMALY_TYPES.map((type) => {
        const position = config.typeNames.indexOf(type);
        const weight = position < 0 ? 0 : (config.typeWeights[position] as number);
        return [type, { weight, ...config.parameters[type] }];
      }),
    ),
    severity: Object.fromEntries(SEVERITY_LEVELS.map((level, i) => [level, config.severityWeights[i]])),
    max_per_trajectory: config.maxPerTrajectory,
  };
}

function checkRange(path: string, name: string, range: EffectRange, issues: Issue[]): void {
  const limits = PARAMETER_LIMITS[name] as { min: number; max: number; integer: boolean };
  const [min, max] = range;
  const kind = limits.integer ? "integers" : "numbers";
  if (
    !Number.isFinite(min) ||
    !Number.isFinite(max) ||
    (limits.integer && (!Number.isInteger(min) || !Number.isInteger(max))) ||
    min < limits.min ||
    max > limits.max
  ) {
    issues.push({ path, message: `must be [min, max] with ${kind} from ${limits.min} to ${limits.max}`, value: range });
  } else if (min > max) {
    issues.push({ path, message: `min (${min}) must not exceed max (${max})`, value: range });
  }
}

function anomalyConfigError(issues: Issue[]): ConfigError {
  const noun = issues.length === 1 ? "problem" : "problems";
  const lines = issues.map((issue) => {
    const shown = issue.value === undefined ? "" : ` (got ${JSON.stringify(issue.value)})`;
    return `  - ${issue.path}: ${issue.message}${shown}`;
  });
  return new ConfigError(`Invalid anomaly_injection config (${issues.length} ${noun}):\n${lines.join("\n")}`, issues);
}

/** The config with injection switched off. */
export const DEFAULT_ANOMALY_INJECTION_CONFIG: AnomalyInjectionConfig = parseAnomalyInjectionConfig({});
