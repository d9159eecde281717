import type { LanguageModel } from "../llm/language-model.ts";
import { DEFAULT_MAX_TOKENS } from "../llm/options.ts";
import { costUsd, type PriceTable, priceOf, roundUsd } from "../llm/pricing.ts";
import { type ResponseCache, responseCacheKey } from "../llm/response-cache.ts";
import { taskContext } from "./generate-batch.ts";
import { buildTaskPrompts, DEFAULT_MAX_RETRY_ATTEMPTS } from "./generate-task.ts";
import { loadTaskPrompts, type TaskPrompts } from "./prompts.ts";

/**
 * A reply in the expected TASK / TRAJECTORY / CATEGORIES shape is a few lines: about 120 tokens. An estimate, said
 * as such in the output; the worst case uses max_tokens instead.
 */
const EXPECTED_OUTPUT_TOKENS = 120;
/** Tokens are estimated from characters: about four per token for English prompts with JSON-ish tool docs. */
const CHARS_PER_TOKEN = 4;

export interface TaskBatchEstimate {
  tasks: number;
  /** `expected`: one accepted reply per task; `max`: every task uses every attempt. `cached`: first calls already in the cache. */
  calls: { expected: number; max: number; cached: number };
  tokens: { input_expected: number; output_expected: number; input_max: number; output_max: number };
  /** null when the model has no price. */
  cost_usd: { expected: number; max: number } | null;
  batch_api: boolean;
}

export interface EstimateOptions {
  categories: string[][];
  count: number;
  seed: number;
  startIndex?: number;
  model: LanguageModel;
  maxRetryAttempts?: number;
  maxTokens?: number;
  prices?: PriceTable;
  cache?: ResponseCache;
  batchApi?: boolean;
  prompts?: TaskPrompts;
  now?: number;
}

/**
 * What a task batch would cost before spending anything (`--dry-run`): calls, tokens and USD for the expected case
 * (one accepted reply per task) and the worst case (every attempt used, every reply at max_tokens). First calls
 * already in the response cache are counted as free.
 * @example
 * const estimate = await estimateTaskBatch({ categories: [["contact"]], count: 100, seed: 42, model });
 */
export async function estimateTaskBatch(options: EstimateOptions): Promise<TaskBatchEstimate> {
  const prompts = options.prompts ?? loadTaskPrompts();
  const attempts = options.maxRetryAttempts ?? DEFAULT_MAX_RETRY_ATTEMPTS;
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const correctionTokens = Math.ceil(prompts.format_correction.length / CHARS_PER_TOKEN);
  const startIndex = options.startIndex ?? 0;
  let cached = 0;
  const tokens = { input_expected: 0, output_expected: 0, input_max: 0, output_max: 0 };
  for (let offset = 0; offset < options.count; offset++) {
    const index = startIndex + offset;
    const categories = options.categories[index % options.categories.length] as string[];
    const request = buildTaskPrompts(categories, taskContext(options.seed, index, categories, options.now), prompts);
    const input = Math.ceil((request.system.length + request.user.length) / CHARS_PER_TOKEN);
    if (options.cache !== undefined && options.model.requestBody !== undefined) {
      const body = options.model.requestBody({
        system: request.system,
        messages: [{ role: "user", content: request.user }],
      });
      const hit = await options.cache.get(
        responseCacheKey(options.model.provider, body, { seed: options.seed, index }),
      );
      if (hit !== null) {
        cached++;
        continue;
      }
    }
    tokens.input_expected += input;
    tokens.output_expected += EXPECTED_OUTPUT_TOKENS;
    // A correction round replays the first prompt, the rejected reply and the correction prompt.
    tokens.input_max += input + (attempts - 1) * (input + maxTokens + correctionTokens);
    tokens.output_max += attempts * maxTokens;
  }
  const price =
    options.model.provider === "template"
      ? { input: 0, output: 0 }
      : options.prices && priceOf(options.prices, options.model.modelId);
  const batch = options.batchApi === true;
  return {
    tasks: options.count,
    calls: { expected: options.count - cached, max: (options.count - cached) * attempts, cached },
    tokens,
    cost_usd:
      price === undefined
        ? null
        : {
            expected: roundUsd(
              costUsd({ inputTokens: tokens.input_expected, outputTokens: tokens.output_expected }, price, { batch }),
            ),
            max: roundUsd(
              costUsd({ inputTokens: tokens.input_max, outputTokens: tokens.output_max }, price, { batch }),
            ),
          },
    batch_api: batch,
  };
}
