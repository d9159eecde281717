// `agentsynth tasks`: ToolSandbox tasks and scenarios to a directory, offline by default.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { CoreError } from "../core/errors.ts";
import {
  createResponseCache,
  DEFAULT_MAX_WAIT_MS,
  DEFAULT_PRICES,
  LANGUAGE_MODEL_PROVIDERS,
  languageModelOptionsFromEnv,
  type PriceTable,
  parsePriceTable,
  priceOf,
} from "../core/llm/index.ts";
import { createObjectStore } from "../core/storage/create-object-store.ts";
import { createLanguageModel } from "../core/tasks/create-language-model.ts";
import {
  DEFAULT_CONCURRENCY,
  estimateTaskBatch,
  generateTaskBatch,
  type KindReport,
  TASK_CATEGORIES,
  type TaskBatchReport,
} from "../core/tasks/index.ts";
import type { CliIo } from "./io.ts";
import { createProgress } from "./progress.ts";
import { createTaskRecordWriter } from "./task-record-writer.ts";

const USAGE = `agentsynth tasks: ToolSandbox tasks, each with a scenario, as JSONL

Usage:
  agentsynth tasks --categories contact,messaging --count 20 --out DIR [options]

Options:
  --categories a,b     tool categories of one task; repeat the flag for several combinations (tasks cycle through them)
                       available: ${TASK_CATEGORIES.join(", ")}
  --count N            number of tasks (required)
  --out DIR            output directory; gets tasks.jsonl and report.json (required)
  --provider P         ${LANGUAGE_MODEL_PROVIDERS.join(" | ")} (default template: offline, no key)
  --model M            model id (default per provider; OPENAI_MODEL / ANTHROPIC_MODEL also work)
  --base-url U         OpenAI-compatible server such as vLLM, Ollama or llama.cpp (or OPENAI_BASE_URL)
  --seed S             integer seed; same seed and flags give the same files with the template provider (default 42)
  --start-index I      global index of the first task, to regenerate one shard of a larger batch (default 0)
  --concurrency C      most calls in flight (default ${DEFAULT_CONCURRENCY}); the limiter adapts below it on 429/529/503,
                       Retry-After, rate-limit headers and rising latency
  --max-attempts A     model replies per task before giving up (default 3)
  --insufficient-ratio R
                       share of tasks (0..1) whose enabler tool is denied, so the agent must say it cannot finish
                       (INSUFFICIENT_INFORMATION scenarios; default 0)
  --multi-turn-ratio R share of tasks (0..1) whose first message leaves out a detail the agent must ask for
                       (MULTIPLE_USER_TURN scenarios; default 0; a task drawn for both kinds stays insufficient)
  --max-retries R      retries per call on 429/5xx/529/timeouts (default 4)
  --timeout-ms T       per-call timeout (default 60000)
  --max-wait-ms T      longest Retry-After or rate-limit reset honoured; a longer wait is cut to it and costs the call
                       an attempt (default ${DEFAULT_MAX_WAIT_MS})
  --cache-dir DIR      response cache (default OUT/cache): a rerun makes no call whose reply is cached
  --no-cache           neither read nor write the response cache
  --prices FILE        JSON { "model": { "input": USD/1M tokens, "output": USD/1M tokens } } over the built-in table
  --max-cost USD       stop starting calls when this run has spent USD; the report says so
  --dry-run            estimate calls, tokens and cost, make no call
  --batch-api          send calls through the provider's Batch API in rounds (half price, hours not seconds)
  --poll-interval-ms T how often a submitted batch is polled (default 30000)

Keys come from OPENAI_API_KEY or ANTHROPIC_API_KEY. SIGINT/SIGTERM stop the run, keep every finished task in
tasks.jsonl and write report.json; the same command again finishes the rest from the cache.`;

/** Runs the command; returns the exit code (0 ok, 1 some tasks failed or generation failed, 2 bad flags). */
export async function runTasksCommand(argv: string[], io: CliIo): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help === true) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const problems: string[] = [];
  const categories = (values.categories ?? []).map((flag) =>
    flag
      .split(",")
      .map((category) => category.trim())
      .filter((category) => category !== ""),
  );
  if (categories.length === 0) problems.push("--categories is required, e.g. --categories contact,messaging");
  const count = integerFlag("count", values.count, problems, { required: true, min: 1 });
  const seed = integerFlag("seed", values.seed, problems, { fallback: 42 });
  const startIndex = integerFlag("start-index", values["start-index"], problems, { fallback: 0, min: 0 });
  const concurrency = integerFlag("concurrency", values.concurrency, problems, {
    fallback: DEFAULT_CONCURRENCY,
    min: 1,
  });
  const maxAttempts = integerFlag("max-attempts", values["max-attempts"], problems, { fallback: 3, min: 1 });
  const insufficientRatio = ratioFlag("insufficient-ratio", values["insufficient-ratio"], problems);
  const multiTurnRatio = ratioFlag("multi-turn-ratio", values["multi-turn-ratio"], problems);
  const maxRetries = optionalInteger("max-retries", values["max-retries"], problems, 0);
  const timeoutMs = optionalInteger("timeout-ms", values["timeout-ms"], problems, 1);
  const maxWaitMs = optionalInteger("max-wait-ms", values["max-wait-ms"], problems, 0);
  const pollIntervalMs = optionalInteger("poll-interval-ms", values["poll-interval-ms"], problems, 1);
  const maxCost = values["max-cost"] === undefined ? undefined : Number(values["max-cost"]);
  if (maxCost !== undefined && (!Number.isFinite(maxCost) || maxCost <= 0)) {
    problems.push(`--max-cost must be a positive number of US dollars, e.g. 5 or 0.25 (got "${values["max-cost"]}")`);
  }
  const batchApi = values["batch-api"] === true;
  if (batchApi && values["no-cache"] === true) {
    problems.push("--batch-api needs the response cache (batch replies are stored as they arrive): drop --no-cache");
  }
  const out = values.out;
  if (out === undefined || out === "")
    problems.push("--out is required: the directory to write tasks.jsonl and report.json to");
  const provider = values.provider ?? "template";
  if (!(LANGUAGE_MODEL_PROVIDERS as readonly string[]).includes(provider)) {
    problems.push(`--provider must be one of ${LANGUAGE_MODEL_PROVIDERS.join(", ")} (got "${provider}")`);
  }
  if (batchApi && provider === "template") {
    problems.push("--batch-api needs --provider openai or anthropic (the template provider makes no calls)");
  }
  if (problems.length > 0) {
    io.stderr.write(
      `Invalid flags:\n${problems.map((problem) => `  - ${problem}`).join("\n")}\n\nRun agentsynth tasks --help for usage.\n`,
    );
    return 2;
  }

  try {
    const model = createLanguageModel(
      languageModelOptionsFromEnv(provider, io.env, {
        model: values.model,
        baseURL: values["base-url"],
        maxRetries,
        timeoutMs,
        maxWaitMs,
        concurrency,
        seed,
      }),
    );
    const directory = out as string;
    const prices = await loadPrices(values.prices);
    if (maxCost !== undefined && model.provider !== "template" && priceOf(prices, model.modelId) === undefined) {
      io.stderr.write(
        `error [config_invalid]: --max-cost needs a price for model "${model.modelId}", which the built-in table lacks: pass --prices FILE with it.\n`,
      );
      return 2;
    }
    const cacheDir = values["no-cache"] === true ? undefined : resolve(values["cache-dir"] ?? join(directory, "cache"));
    const cacheStore = cacheDir === undefined ? undefined : createObjectStore({ driver: "fs", baseDir: cacheDir });
    const cache = cacheStore === undefined ? undefined : createResponseCache(cacheStore);
    const common = { categories, count, seed, startIndex, model, maxRetryAttempts: maxAttempts };

    if (values["dry-run"] === true) {
      const estimate = await estimateTaskBatch({
        ...common,
        prices,
        batchApi,
        ...(cache === undefined ? {} : { cache }),
      });
      io.stdout.write(
        `${JSON.stringify({ dry_run: true, provider: model.provider, model: model.modelId, ...estimate }, null, 2)}\n`,
      );
      return 0;
    }

    await mkdir(directory, { recursive: true });
    const writer = await createTaskRecordWriter(join(directory, "tasks.jsonl"));
    const controller = new AbortController();
    let stoppedBy: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stoppedBy !== undefined) return;
      stoppedBy = signal;
      io.stderr.write(`\n${signal}: stopping; finished tasks are kept and report.json is written.\n`);
      controller.abort(new Error(`interrupted by ${signal}`));
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const progress = createProgress(io.stderr, count, "tasks");
    let report: TaskBatchReport;
    try {
      const batch = await generateTaskBatch({
        ...common,
        concurrency,
        insufficientInformationRatio: insufficientRatio,
        multiTurnRatio,
        prices,
        signal: controller.signal,
        ...(cache === undefined ? {} : { cache }),
        ...(maxCost === undefined ? {} : { maxCostUsd: maxCost }),
        ...(batchApi && cacheStore !== undefined
          ? { batchApi: { store: cacheStore, ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }) } }
          : {}),
        onResult: (result) => writer.append(result),
        onProgress: (done) => progress.update(done),
      });
      report = batch.report;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      progress.finish();
      await writer.close();
    }
    await writeFile(
      join(directory, "report.json"),
      `${JSON.stringify(reportWithStop(report, stoppedBy, cacheDir), null, 2)}\n`,
    );
    io.stdout.write(`${summaryLines(report, directory, model, { insufficientRatio, multiTurnRatio }).join("\n")}\n`);
    if (stoppedBy !== undefined) {
      io.stderr.write(
        `Stopped by ${stoppedBy}: ${report.interrupted} tasks left; run the same command to finish them.\n`,
      );
      return stoppedBy === "SIGINT" ? 130 : 143;
    }
    if (report.shortfall > 0) {
      const first = report.failures[0];
      io.stderr.write(
        `${report.shortfall} of ${report.requested} tasks failed; see report.json. First failure (task ${first?.index}): ${first?.message}\n`,
      );
      return 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof CoreError) {
      io.stderr.write(`error [${error.code}]: ${error.message}\n`);
      return error.code === "config_invalid" || error.code === "llm_key_missing" ? 2 : 1;
    }
    throw error;
  }
}

async function loadPrices(file: string | undefined): Promise<PriceTable> {
  if (file === undefined) return DEFAULT_PRICES;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CoreError("config_invalid", `Cannot read --prices ${file}: ${(error as Error).message}`);
  }
  return parsePriceTable(text, file);
}

function reportWithStop(report: TaskBatchReport, stoppedBy: string | undefined, cacheDir: string | undefined) {
  return {
    ...report,
    cache_dir: cacheDir ?? null,
    ...(stoppedBy === undefined ? {} : { stopped_by: stoppedBy }),
    // Tasks cut short are not failures: they are listed as left to do, not among `failures`.
    failures: report.failures.filter((failure) => failure.code !== "interrupted"),
  };
}

function summaryLines(
  report: TaskBatchReport,
  directory: string,
  model: { provider: string; modelId: string },
  ratios: { insufficientRatio: number; multiTurnRatio: number },
): string[] {
  const cost = report.cost_usd === null ? "no price for this model" : `$${report.cost_usd.toFixed(4)}`;
  return [
    `Wrote ${report.produced} of ${report.requested} tasks to ${join(directory, "tasks.jsonl")} (${model.provider}/${model.modelId}).`,
    ...report.byCategory.map(
      (group) =>
        `  ${group.categories.join("+")}: ${group.produced}/${group.requested}${group.failed > 0 ? ` (${group.failed} failed)` : ""}`,
    ),
    ...(ratios.insufficientRatio > 0
      ? [kindLine(report.byKind, "insufficient_information", "insufficient information")]
      : []),
    ...(ratios.multiTurnRatio > 0 ? [kindLine(report.byKind, "multiple_user_turn", "multiple user turn")] : []),
    `Tokens: ${report.usage.inputTokens} in, ${report.usage.outputTokens} out. Cost: ${cost}. Calls: ${report.calls.made} made, ${report.calls.cache_hits} from the cache.`,
    ...(report.budget?.reached === true
      ? [`Budget reached: --max-cost $${report.budget.max_cost_usd} stopped ${report.budget.tasks_stopped} tasks.`]
      : []),
    `Report: ${join(directory, "report.json")}`,
  ];
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      categories: { type: "string", multiple: true },
      count: { type: "string" },
      out: { type: "string" },
      provider: { type: "string" },
      model: { type: "string" },
      "base-url": { type: "string" },
      seed: { type: "string" },
      "start-index": { type: "string" },
      concurrency: { type: "string" },
      "max-attempts": { type: "string" },
      "insufficient-ratio": { type: "string" },
      "multi-turn-ratio": { type: "string" },
      "max-retries": { type: "string" },
      "timeout-ms": { type: "string" },
      "max-wait-ms": { type: "string" },
      "cache-dir": { type: "string" },
      "no-cache": { type: "boolean" },
      prices: { type: "string" },
      "max-cost": { type: "string" },
      "dry-run": { type: "boolean" },
      "batch-api": { type: "boolean" },
      "poll-interval-ms": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

function integerFlag(
  name: string,
  value: string | undefined,
  problems: string[],
  options: { required?: boolean; fallback?: number; min?: number },
): number {
  if (value === undefined) {
    if (options.required === true) problems.push(`--${name} is required`);
    return options.fallback ?? 0;
  }
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || (options.min !== undefined && parsed < options.min)) {
    const bound = options.min === undefined ? "an integer" : `a whole number >= ${options.min}`;
    problems.push(`--${name} must be ${bound} (got "${value}")`);
    return options.fallback ?? 0;
  }
  return parsed;
}

function optionalInteger(name: string, value: string | undefined, problems: string[], min: number): number | undefined {
  if (value === undefined) return undefined;
  return integerFlag(name, value, problems, { min });
}

function ratioFlag(name: string, value: string | undefined, problems: string[]): number {
  if (value === undefined) return 0;
  const parsed = value.trim() === "" ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    problems.push(`--${name} must be a number from 0 to 1, e.g. 0.2 for one task in five (got "${value}")`);
    return 0;
  }
  return parsed;
}

/** One line per optional kind: produced against the share asked for, and any shortfall, so none is silent. */
function kindLine(byKind: KindReport, kind: "insufficient_information" | "multiple_user_turn", label: string): string {
  const short = byKind.shortfall[kind];
  return (
    `  ${label}: ${byKind.produced[kind]} of ${byKind.requested[kind]} requested` +
    `${short > 0 ? ` (shortfall ${short}: no candidate task could take the kind)` : ""}; standard: ${byKind.produced.standard}`
  );
}
