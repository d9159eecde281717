import { CoreError, FormatError, TaskGenerationError, ValidationError } from "../errors.ts";
import {
  addUsage,
  type ChatMessage,
  type FinishReason,
  type LanguageModel,
  type TokenUsage,
  ZERO_USAGE,
} from "../llm/language-model.ts";
import { toolsForCategories, validateToolCategories } from "./catalog.ts";
import type { ExecutionContext } from "./execution-context.ts";
import { parseTaskReply } from "./parse-reply.ts";
import { fillTemplate, loadTaskPrompts, type TaskPrompts } from "./prompts.ts";
import { createScenarioFromTask, type Scenario } from "./scenario.ts";
import { summarizeState } from "./state-summary.ts";
import type { GeneratedTask } from "./task-schema.ts";
import { formatToolDocs } from "./tool-docs.ts";
import { validateTask } from "./validate-task.ts";

/** The plan's default: a model that cannot follow the format in three tries will not in thirty. */
export const DEFAULT_MAX_RETRY_ATTEMPTS = 3;

export interface GenerateTaskOptions {
  categories: readonly string[];
  context: ExecutionContext;
  model: LanguageModel;
  /** Batch seed and global index: they make task ids and template tasks reproducible. */
  seed: number;
  index: number;
  maxRetryAttempts?: number;
  prompts?: TaskPrompts;
  signal?: AbortSignal;
  /** Which candidate for this index (0 first): a batch asks for another when a task cannot take its drawn kind. */
  draw?: number;
}

/** One model call of the feedback loop. `response` and `error` are kept only for rejected replies. */
export interface TaskAttempt {
  attempt: number;
  finishReason: FinishReason;
  usage: TokenUsage;
  error?: string;
  response?: string;
}

export interface GeneratedTaskWithScenario {
  task: GeneratedTask;
  scenario: Scenario;
  usage: TokenUsage;
  attempts: TaskAttempt[];
}

export type TaskRun =
  | ({ ok: true } & GeneratedTaskWithScenario)
  | { ok: false; error: CoreError; usage: TokenUsage; attempts: TaskAttempt[] };

export interface TaskRequestPrompts {
  system: string;
  user: string;
}

const toolDocsCache = new Map<string, string>();

/** System and user prompt for one task; tool docs are cached per category list since they never change. */
export function buildTaskPrompts(
  categories: readonly string[],
  context: ExecutionContext,
  prompts: TaskPrompts,
): TaskRequestPrompts {
  const key = categories.join(",");
  let docs = toolDocsCache.get(key);
  if (docs === undefined) {
    docs = formatToolDocs(toolsForCategories(categories));
    toolDocsCache.set(key, docs);
  }
  const user = fillTemplate(prompts.task_prompt, {
    tool_categories: categories.join(", "),
    tools_description: docs,
    state_summary: summarizeState(context, categories),
  });
  return { system: prompts.system_prompt.trim(), user: user.trim() };
}

/**
 * Generates one validated task and its scenario, feeding format and validation errors back to the model up to
 * `maxRetryAttempts` times. Throws TaskGenerationError (with every attempt) when all replies were rejected, and
 * LlmCallError when the provider itself fails after the SDK's retries.
 * @example
 * const { task, scenario } = await generateTask({ categories: ["setting"], context, model, seed: 42, index: 0 });
 */
export async function generateTask(options: GenerateTaskOptions): Promise<GeneratedTaskWithScenario> {
  const run = await runTaskGeneration(options);
  if (!run.ok) throw run.error;
  const { ok: _ok, ...result } = run;
  return result;
}

/** Like generateTask, but reports failures as values with the usage and attempts spent (what a batch records). */
export async function runTaskGeneration(options: GenerateTaskOptions): Promise<TaskRun> {
  const maxAttempts = options.maxRetryAttempts ?? DEFAULT_MAX_RETRY_ATTEMPTS;
  const attempts: TaskAttempt[] = [];
  let usage: TokenUsage = ZERO_USAGE;
  try {
    validateToolCategories(options.categories);
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new TaskGenerationError(`maxRetryAttempts must be a whole number >= 1 (got ${maxAttempts}).`);
    }
    const prompts = options.prompts ?? loadTaskPrompts();
    const request = buildTaskPrompts(options.categories, options.context, prompts);
    let messages: ChatMessage[] = [{ role: "user", content: request.user }];
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const result = await options.model.generate({
        system: request.system,
        messages,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        providerOptions: {
          template: {
            grounding: {
              categories: options.categories,
              context: options.context,
              seed: options.seed,
              index: options.index,
              attempt,
              ...(options.draw === undefined || options.draw === 0 ? {} : { draw: options.draw }),
            },
          },
        },
      });
      usage = addUsage(usage, result.usage);
      try {
        const checked = checkFinish(result.text, result.finishReason, prompts);
        const validated = validateTask(parseTaskReply(checked, prompts), {
          categories: options.categories,
          context: options.context,
          prompts,
          seed: options.seed,
          index: options.index,
        });
        attempts.push({ attempt, finishReason: result.finishReason, usage: result.usage });
        const scenario = createScenarioFromTask(validated.task, validated.simulation, options.context, prompts);
        return { ok: true, task: validated.task, scenario, usage, attempts };
      } catch (error) {
        if (!(error instanceof FormatError || error instanceof ValidationError)) throw error;
        attempts.push({
          attempt,
          finishReason: result.finishReason,
          usage: result.usage,
          error: error.message,
          response: result.text,
        });
        const correction = fillTemplate(prompts.format_correction, {
          incorrect_response: result.text.trim() === "" ? "(empty)" : result.text,
          error_explanation: error.message,
          expected_format: prompts.expected_format.trim(),
        });
        // Only the latest exchange is replayed, so a long loop does not grow the prompt without bound.
        messages = [
          { role: "user", content: request.user },
          { role: "assistant", content: result.text },
          { role: "user", content: correction.trim() },
        ];
      }
    }
    const last = attempts.at(-1)?.error ?? "no reply";
    throw new TaskGenerationError(
      `No valid task after ${maxAttempts} ${maxAttempts === 1 ? "attempt" : "attempts"} for [${options.categories.join(", ")}]. Last error: ${last}`,
      {
        attempts: attempts.map((entry) => ({
          attempt: entry.attempt,
          response: entry.response ?? "",
          error: entry.error ?? "",
        })),
      },
    );
  } catch (error) {
    const coreError =
      error instanceof CoreError
        ? error
        : new TaskGenerationError(`Task generation failed: ${(error as Error)?.message ?? String(error)}`, {
            cause: error,
          });
    return { ok: false, error: coreError, usage, attempts };
  }
}

/** Truncated and empty replies are sent back like format errors: the model can shorten or retry. */
function checkFinish(text: string, finishReason: FinishReason, prompts: TaskPrompts): string {
  const errors = prompts.common_format_errors;
  if (finishReason === "length") throw new FormatError(errors.truncated_reply, text, prompts.expected_format);
  if (finishReason === "content-filter") {
    throw new FormatError(
      "The reply was withheld by the provider's content filter. Write an everyday phone task.",
      text,
      prompts.expected_format,
    );
  }
  if (text.trim() === "") throw new FormatError(errors.empty_reply, text, prompts.expected_format);
  return text;
}
