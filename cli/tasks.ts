// `agentsynth tasks`: ToolSandbox tasks and scenarios to a directory, offline by default.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CoreError } from "../core/errors.ts";
import { createLanguageModel, LANGUAGE_MODEL_PROVIDERS, languageModelOptionsFromEnv } from "../core/llm/index.ts";
import {
  DEFAULT_CONCURRENCY,
  generateTaskBatch,
  type KindReport,
  serializeTaskRecord,
  TASK_CATEGORIES,
} from "../core/tasks/index.ts";
import type { CliIo } from "./io.ts";
import { createProgress } from "./progress.ts";

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
  --concurrency C      tasks in flight at once (default ${DEFAULT_CONCURRENCY})
  --max-attempts A     model replies per task before giving up (default 3)
  --insufficient-ratio R
                       share of tasks (0..1) whose enabler tool is denied, so the agent must say it cannot finish
                       (INSUFFICIENT_INFORMATION scenarios; default 0)
  --multi-turn-ratio R share of tasks (0..1) whose first message leaves out a detail the agent must ask for
                       (MULTIPLE_USER_TURN scenarios; default 0; a task drawn for both kinds stays insufficient)
  --max-retries R      SDK retries per call on 429/5xx/timeouts (default 2)
  --timeout-ms T       per-call timeout (default 60000)

Keys come from OPENAI_API_KEY or ANTHROPIC_API_KEY.`;

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
  const out = values.out;
  if (out === undefined || out === "")
    problems.push("--out is required: the directory to write tasks.jsonl and report.json to");
  const provider = values.provider ?? "template";
  if (!(LANGUAGE_MODEL_PROVIDERS as readonly string[]).includes(provider)) {
    problems.push(`--provider must be one of ${LANGUAGE_MODEL_PROVIDERS.join(", ")} (got "${provider}")`);
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
        seed,
      }),
    );
    const progress = createProgress(io.stderr, count, "tasks");
    const batch = await generateTaskBatch({
      categories,
      count,
      seed,
      startIndex,
      model,
      concurrency,
      maxRetryAttempts: maxAttempts,
      insufficientInformationRatio: insufficientRatio,
      multiTurnRatio,
      onProgress: (done) => progress.update(done),
    });
    progress.finish();
    const directory = out as string;
    await mkdir(directory, { recursive: true });
    const jsonl = batch.results.map((result) => `${serializeTaskRecord(result)}\n`).join("");
    await writeFile(join(directory, "tasks.jsonl"), jsonl);
    await writeFile(join(directory, "report.json"), `${JSON.stringify(batch.report, null, 2)}\n`);

    const { report } = batch;
    const lines = [
      `Wrote ${report.produced} of ${report.requested} tasks to ${join(directory, "tasks.jsonl")} (${model.provider}/${model.modelId}).`,
      ...report.byCategory.map(
        (group) =>
          `  ${group.categories.join("+")}: ${group.produced}/${group.requested}${group.failed > 0 ? ` (${group.failed} failed)` : ""}`,
      ),
      ...(insufficientRatio > 0
        ? [kindLine(report.byKind, "insufficient_information", "insufficient information")]
        : []),
      ...(multiTurnRatio > 0 ? [kindLine(report.byKind, "multiple_user_turn", "multiple user turn")] : []),
      `Tokens: ${report.usage.inputTokens} in, ${report.usage.outputTokens} out. Report: ${join(directory, "report.json")}`,
    ];
    io.stdout.write(`${lines.join("\n")}\n`);
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
      return error.code === "config_invalid" ? 2 : 1;
    }
    throw error;
  }
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
