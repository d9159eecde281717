import { z } from "zod";
import { ConfigError, issuesFromZod } from "../errors.ts";
import type { TokenUsage } from "./language-model.ts";

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * List prices in USD per million tokens, standard (not batch) tier, as published by the providers when this table
 * was written. Prices change: check them and override with `--prices FILE` (JSON `{ "model": { "input": 3,
 * "output": 15 } }`), which is merged over this table. A model in neither has no cost figure (reported as such).
 */
export const DEFAULT_PRICES: PriceTable = {
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-5": { input: 1.25, output: 10 },
  "gpt-5-mini": { input: 0.25, output: 2 },
  "gpt-5-nano": { input: 0.05, output: 0.4 },
  "claude-haiku-4-5": { input: 1, output: 5 },
  "claude-sonnet-4-5": { input: 3, output: 15 },
  "claude-sonnet-4-6": { input: 3, output: 15 },
  "claude-sonnet-5-5": { input: 3, output: 15 },
  "claude-opus-4-5": { input: 5, output: 25 },
};

/** Both OpenAI Batch and Anthropic Message Batches bill half the standard price. */
export const BATCH_DISCOUNT = 0.5;

const PriceFileSchema = z.record(
  z.string().min(1),
  z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() }),
);

/**
 * Reads a price file's JSON text (from `--prices`) merged over the defaults; `source` names the file in errors.
 * @example
 * const prices = parsePriceTable('{"my-model": {"input": 0.2, "output": 0.8}}', "prices.json");
 */
export function parsePriceTable(text: string, source: string): PriceTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `Price file ${source} is not valid JSON (${(error as Error).message}). Write { "model": { "input": USD per 1M tokens, "output": USD per 1M tokens } }.`,
    );
  }
  const parsed = PriceFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(`Invalid price file ${source}`, issuesFromZod(parsed.error.issues, json), {
      listIssues: true,
    });
  }
  return { ...DEFAULT_PRICES, ...parsed.data };
}

/** A price by model id; a dated snapshot (`gpt-4o-mini-2024-07-18`, `claude-haiku-4-5-20251001`) uses its family's. */
export function priceOf(table: PriceTable, modelId: string): ModelPrice | undefined {
  const exact = table[modelId];
  if (exact !== undefined) return exact;
  const undated = modelId.replace(/-\d{4}-\d{2}-\d{2}$|-\d{8}$/, "");
  return table[undated];
}

/**
 * USD for one call's usage, rounded to a millionth of a cent so sums are stable. The batch discount halves it.
 * @example
 * costUsd({ inputTokens: 1000, outputTokens: 200 }, { input: 3, output: 15 }, { batch: false }); // 0.006
 */
export function costUsd(usage: TokenUsage, price: ModelPrice, options: { batch: boolean }): number {
  const full = (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
  return roundUsd(options.batch ? full * BATCH_DISCOUNT : full);
}

export function roundUsd(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}
