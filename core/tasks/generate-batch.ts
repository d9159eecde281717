import { ConfigError, type CoreError, type Issue } from "../errors.ts";
import { type BatchCollector, createBatchCollector } from "../llm/batch-collector.ts";
import { addUsage, type LanguageModel, type TokenUsage, ZERO_USAGE } from "../llm/language-model.ts";
import { createMeteredModel } from "../llm/metered-model.ts";
import { type PriceTable, roundUsd } from "../llm/pricing.ts";
import type { ResponseCache } from "../llm/response-cache.ts";
import { createRandomizer, type Randomizer } from "../random.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { buildReport, type OptionalKind, type TaskBatchReport } from "./batch-report.ts";
import { TASK_CATEGORIES } from "./catalog.ts";
import { createExecutionContext, DEFAULT_NOW, type ExecutionContext } from "./execution-context.ts";
import { runTaskGeneration, type TaskAttempt } from "./generate-task.ts";
import { toInsufficientInformationScenario } from "./insufficient-information.ts";
import { toMultipleUserTurnScenario } from "./multiple-user-turn.ts";
import { populateExecutionContext } from "./populate.ts";
import { loadTaskPrompts, type TaskPrompts } from "./prompts.ts";
import type { Scenario } from "./scenario.ts";
import type { GeneratedTask } from "./task-schema.ts";

export type { CategoryReport, KindReport, TaskBatchReport } from "./batch-report.ts";

/** Candidate tasks written after the first when a task cannot take its drawn kind, before it stays standard. */
export const MAX_KIND_REROLLS = 3;

/** Enough to keep a remote API busy without tripping most rate limits at once; raise it for local servers. */
export const DEFAULT_CONCURRENCY = 8;
export const MAX_CONCURRENCY = 256;

export interface TaskBatchOptions {
  /** Category combinations; task i uses `categories[i % categories.length]`. */
  categories: readonly (readonly string[])[];
  count: number;
  seed: number;
  /** Global index of the first task, so a shard of a large batch regenerates alone. */
  startIndex?: number;
  model: LanguageModel;
  concurrency?: number;
  maxRetryAttempts?: number;
  signal?: AbortSignal;
  /** Anchor of the state's relative times (POSIX seconds). */
  now?: number;
  prompts?: TaskPrompts;
  /**
   * Share of tasks (0..1, default 0) turned into INSUFFICIENT_INFORMATION scenarios: a tool the task needs is
   * denied. Task i's kind is drawn from (seed, i) alone; a drawn task that cannot take it is replaced by another
   * candidate (up to MAX_KIND_REROLLS), and the report states any that stayed standard.
   */
  insufficientInformationRatio?: number;
  /**
   * Share of tasks (0..1, default 0) turned into MULTIPLE_USER_TURN scenarios: the first user message leaves out a
   * detail the agent must ask for. Drawn with the other kind from one draw per task, so the two shares add up
   * (their sum must not exceed 1); candidates are rerolled the same way.
   */
  multiTurnRatio?: number;
  /** Called after each task finishes (success or failure), e.g. for a progress bar. */
  onProgress?: (done: number, total: number) => void;
  /** Called with each finished task as it finishes (not for tasks cut short by `signal`), e.g. to append it to a file. */
  onResult?: (result: TaskResult) => void;
  /** Model replies already paid for: a cached reply is used without a call (resume, rerun, resubmitted batch). */
  cache?: ResponseCache;
  /** Prices per model for `cost_usd` (see DEFAULT_PRICES); without it the report has no cost figures. */
  prices?: PriceTable;
  /** Stop starting calls once this run's spend reaches it (USD); refused tasks fail with `budget_exceeded`. */
  maxCostUsd?: number;
  /** Send the calls through the provider's Batch API in rounds instead of one by one (needs `cache`). */
  batchApi?: BatchApiOptions;
}

export interface BatchApiOptions {
  /** Where submitted batches are recorded, so a killed run resumes polling them. */
  store: ObjectStore;
  /** Key prefix of those records (default `batches/open/`). */
  prefix?: string;
  pollIntervalMs?: number;
  maxResubmits?: number;
  /** false: submit and return without waiting (Lambda); the scheduled poller resumes the job. */
  wait?: boolean;
  /** Stored with each submitted batch for the poller (the shard job to resume). */
  resume?: unknown;
}

export type TaskResult =
  | {
      ok: true;
      index: number;
      categories: string[];
      task: GeneratedTask;
      scenario: Scenario;
      usage: TokenUsage;
      attempts: TaskAttempt[];
      /** The optional kind the seeded draw gave this task (absent: standard). */
      drawnKind?: OptionalKind;
      /** Candidate tasks written after the first to find one that could take the drawn kind. */
      rerolls?: number;
      costUsd?: number;
    }
  | {
      ok: false;
      index: number;
      categories: string[];
      error: { code: string; message: string };
      usage: TokenUsage;
      attempts: TaskAttempt[];
      drawnKind?: OptionalKind;
      rerolls?: number;
      costUsd?: number;
    };

export interface TaskBatchResult {
  results: TaskResult[];
  usage: TokenUsage;
  report: TaskBatchReport;
}

/** Settings variants for tasks that include the setting category (state-dependency tasks); others use `base`. */
const STATEFUL_VARIANTS: ReadonlyArray<[string, number]> = [
  ["base", 0.45],
  ["base_wifi_off", 0.15],
  ["base_cellular_off", 0.15],
  ["base_location_service_off", 0.1],
  ["base_low_battery_mode_on_wifi_off_location_service_off_cellular_off", 0.15],
];

/**
 * The execution context task `index` starts from: a seeded settings variant and a seeded population of the tables
 * its categories use. Pure function of (seed, index, categories, now).
 * @example
 * const context = taskContext(42, 0, ["contact"]);
 */
export function taskContext(
  seed: number,
  index: number,
  categories: readonly string[],
  now = DEFAULT_NOW,
): ExecutionContext {
  const rng: Randomizer = createRandomizer(seed, "task-context", index);
  // Only variants that block something the categories use, so a task never starts in settings it does not touch.
  const variants = categories.includes("setting")
    ? STATEFUL_VARIANTS.filter(([name]) => blocksUsed(name, categories))
    : [];
  const variant =
    variants.length === 0
      ? "base"
      : (variants[rng.weightedIndex(variants.map(([, weight]) => weight))] as [string, number])[0];
  const context = createExecutionContext({ now, variant });
  return populateExecutionContext(context, categories, rng.fork("population"));
}

/**
 * Generates `count` tasks over category combinations with bounded concurrency. Every index gets a result, either a
 * task with its scenario or an error with the attempts spent; the report compares requested and produced counts
 * per combination, so a shortfall is never silent.
 * @example
 * const batch = await generateTaskBatch({ categories: [["contact", "messaging"]], count: 20, seed: 42, model });
 */
export async function generateTaskBatch(options: TaskBatchOptions): Promise<TaskBatchResult> {
  checkOptions(options);
  const prompts = options.prompts ?? loadTaskPrompts();
  const startIndex = options.startIndex ?? 0;
  const ratio = options.insufficientInformationRatio ?? 0;
  const multiTurnRatio = options.multiTurnRatio ?? 0;
  const collector = options.batchApi === undefined ? undefined : batchCollectorFor(options, options.batchApi);
  const { model, ledger } = createMeteredModel(collector?.model ?? options.model, {
    cache: options.cache,
    prices: options.prices,
    batch: collector !== undefined,
    maxCostUsd: options.maxCostUsd,
  });
  // In batch mode every task is live at once: a round is submitted when all of them wait on a reply.
  const concurrency =
    collector === undefined ? Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, options.count) : options.count;
  // The batch's concurrency is the ceiling of the provider's shared limiter, which adapts below it.
  if (collector === undefined) options.model.limiter?.raiseCeiling(concurrency);
  const results: TaskResult[] = new Array(options.count);
  let cursor = 0;
  let done = 0;

  const runOne = async (offset: number): Promise<TaskResult> => {
    const index = startIndex + offset;
    const categories = [...(options.categories[index % options.categories.length] as string[])];
    if (options.signal?.aborted === true) {
      return failed(index, categories, { code: "interrupted", message: "Not started: the batch was aborted." });
    }
    const context = taskContext(options.seed, index, categories, options.now);
    const drawnKind = drawKind(options.seed, index, ratio, multiTurnRatio);
    const marks = drawnKind === undefined ? {} : { drawnKind };
    let usage = ZERO_USAGE;
    let costUsd: number | undefined;
    const attempts: TaskAttempt[] = [];
    for (let draw = 0; ; draw++) {
      const run = await runTaskGeneration({
        categories,
        context,
        model,
        seed: options.seed,
        index,
        prompts,
        draw,
        ...(options.maxRetryAttempts === undefined ? {} : { maxRetryAttempts: options.maxRetryAttempts }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      usage = addUsage(usage, run.usage);
      attempts.push(...run.attempts);
      if (run.costUsd !== undefined) costUsd = roundUsd((costUsd ?? 0) + run.costUsd);
      const rerolls = draw === 0 ? {} : { rerolls: draw };
      const priced = costUsd === undefined ? {} : { costUsd };
      if (!run.ok) {
        // A call cut short by the signal is an interruption, not the task's failure: a rerun does it again.
        const error = isAborted(options.signal)
          ? { code: "interrupted", message: run.error.message }
          : describe(run.error);
        return { ...failed(index, categories, error, usage, attempts, costUsd), ...marks, ...rerolls };
      }
      const kindRng = (label: string): Randomizer =>
        createRandomizer(options.seed, label, index, ...(draw === 0 ? [] : [draw]));
      const scenario =
        drawnKind === "insufficient_information"
          ? toInsufficientInformationScenario(run.task, run.scenario, context, kindRng("insufficient-information"))
          : drawnKind === "multiple_user_turn"
            ? toMultipleUserTurnScenario(run.task, run.scenario, context, kindRng("multiple-user-turn"))
            : run.scenario;
      if (scenario !== null || draw >= MAX_KIND_REROLLS) {
        return {
          ok: true,
          index,
          categories,
          task: run.task,
          scenario: scenario ?? run.scenario,
          usage,
          attempts,
          ...priced,
          ...marks,
          ...rerolls,
        };
      }
    }
  };

  const worker = async (): Promise<void> => {
    while (cursor < options.count) {
      const offset = cursor++;
      collector?.taskStarted();
      try {
        results[offset] = await runOne(offset);
      } finally {
        collector?.taskSettled();
      }
      const result = results[offset] as TaskResult;
      if (result.ok || result.error.code !== "interrupted") options.onResult?.(result);
      done++;
      options.onProgress?.(done, options.count);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));

  const usage = results.reduce((sum, result) => addUsage(sum, result.usage), ZERO_USAGE);
  const report = buildReport(results, usage, options.model, {
    ledger,
    ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd }),
    ...(options.model.limiter === undefined || collector !== undefined
      ? {}
      : { limiter: options.model.limiter.stats() }),
    ...(collector === undefined ? {} : { batchApi: collector.stats() }),
  });
  return { results, usage, report };
}

/** Task i's kind from one seeded draw: the two ratios are adjacent slices of [0, 1), so their shares add up. */
function drawKind(seed: number, index: number, insufficient: number, multiTurn: number): OptionalKind | undefined {
  if (insufficient === 0 && multiTurn === 0) return undefined; // no draw, so batches without the options are unchanged
  const u = createRandomizer(seed, "scenario-kind", index).next();
  if (u < insufficient) return "insufficient_information";
  if (u < insufficient + multiTurn) return "multiple_user_turn";
  return undefined;
}

/** Services each category's tools need (NOTES.md §d); the setting category alone can use any of them. */
const SERVICES_USED: Readonly<Record<string, readonly string[]>> = {
  messaging: ["cellular"],
  rapid_api_search_tools: ["wifi", "location_service"],
  setting: ["wifi", "cellular", "location_service"],
};

function blocksUsed(variant: string, categories: readonly string[]): boolean {
  if (variant === "base") return true;
  const others = categories.filter((c) => c !== "setting");
  const used = new Set((others.length === 0 ? ["setting"] : others).flatMap((c) => SERVICES_USED[c] ?? []));
  if (variant.startsWith("base_low_battery_mode_on")) return used.size > 0;
  return ["wifi", "cellular", "location_service"].some(
    (service) => variant.includes(`${service}_off`) && used.has(service),
  );
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function batchCollectorFor(options: TaskBatchOptions, batchApi: BatchApiOptions): BatchCollector {
  if (options.cache === undefined) {
    throw new ConfigError("Batch API mode needs a response cache: replies are stored as each batch is downloaded.", [
      { path: "cache", message: "required with batchApi" },
    ]);
  }
  return createBatchCollector({
    model: options.model,
    store: batchApi.store,
    cache: options.cache,
    ...(batchApi.prefix === undefined ? {} : { prefix: batchApi.prefix }),
    ...(batchApi.pollIntervalMs === undefined ? {} : { pollIntervalMs: batchApi.pollIntervalMs }),
    ...(batchApi.maxResubmits === undefined ? {} : { maxResubmits: batchApi.maxResubmits }),
    ...(batchApi.wait === undefined ? {} : { wait: batchApi.wait }),
    ...(batchApi.resume === undefined ? {} : { resume: batchApi.resume }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}

function failed(
  index: number,
  categories: string[],
  error: { code: string; message: string },
  usage: TokenUsage = ZERO_USAGE,
  attempts: TaskAttempt[] = [],
  costUsd?: number,
): TaskResult {
  return { ok: false, index, categories, error, usage, attempts, ...(costUsd === undefined ? {} : { costUsd }) };
}

function describe(error: CoreError): { code: string; message: string } {
  return { code: error.code, message: error.message };
}

function checkRatio(issues: Issue[], path: string, value: number | undefined, meaning: string): void {
  const ratio = value ?? 0;
  if (typeof ratio !== "number" || !Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    issues.push({ path, message: `must be a number from 0 to 1 (${meaning})`, value: ratio });
  }
}

function checkOptions(options: TaskBatchOptions): void {
  const issues: Issue[] = [];
  if (!Number.isInteger(options.count) || options.count < 1) {
    issues.push({ path: "count", message: "must be a whole number >= 1", value: options.count });
  }
  if (!Number.isInteger(options.seed))
    issues.push({ path: "seed", message: "must be an integer", value: options.seed });
  const start = options.startIndex ?? 0;
  if (!Number.isInteger(start) || start < 0) {
    issues.push({ path: "startIndex", message: "must be a whole number >= 0", value: start });
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    issues.push({
      path: "concurrency",
      message: `must be a whole number from 1 to ${MAX_CONCURRENCY}`,
      value: concurrency,
    });
  }
  checkRatio(
    issues,
    "insufficientInformationRatio",
    options.insufficientInformationRatio,
    "the share of tasks whose enabler tool is denied",
  );
  checkRatio(
    issues,
    "multiTurnRatio",
    options.multiTurnRatio,
    "the share of tasks whose first message leaves a detail out",
  );
  if ((options.insufficientInformationRatio ?? 0) + (options.multiTurnRatio ?? 0) > 1) {
    issues.push({
      path: "multiTurnRatio",
      message: `together with insufficientInformationRatio (${options.insufficientInformationRatio}) must not exceed 1: each task gets one kind`,
      value: options.multiTurnRatio,
    });
  }
  if (options.categories.length === 0) {
    issues.push({ path: "categories", message: "needs at least one category combination" });
  }
  options.categories.forEach((combination, i) => {
    if (combination.length === 0)
      issues.push({ path: `categories[${i}]`, message: "is empty; name at least one category" });
    for (const category of combination) {
      if (!TASK_CATEGORIES.includes(category)) {
        issues.push({
          path: `categories[${i}]`,
          message: `unknown category; available: ${TASK_CATEGORIES.join(", ")}`,
          value: category,
        });
      }
    }
    if (new Set(combination).size !== combination.length) {
      issues.push({ path: `categories[${i}]`, message: "lists a category twice", value: combination });
    }
  });
  if (issues.length > 0) {
    throw new ConfigError("Invalid task batch options", issues, { listIssues: true });
  }
}
