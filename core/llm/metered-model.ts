import { BudgetExceededError } from "../errors.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "./language-model.ts";
import { costUsd, type PriceTable, priceOf, roundUsd } from "./pricing.ts";
import { type ResponseCache, responseCacheKey } from "./response-cache.ts";

/** What a run spent and saved, for report.json. */
export interface CallLedger {
  /** Replies the provider produced in this run (paid). */
  calls: number;
  /** Replies served from the response cache (no call made). */
  cacheHits: number;
  /** USD of the calls made in this run; null when the model has no price. */
  spentUsd: number | null;
  /** Calls not started because `maxCostUsd` was reached. */
  budgetRefusals: number;
}

export interface MeteredModelOptions {
  cache?: ResponseCache | undefined;
  prices?: PriceTable | undefined;
  /** Calls go through a Batch API (half price). */
  batch?: boolean;
  /** Stop starting calls once the spend of this run reaches it. */
  maxCostUsd?: number | undefined;
}

/**
 * Wraps a model with the response cache, the price table and the budget: a cached reply is returned without a call;
 * otherwise, once the spend reaches `maxCostUsd`, the call is refused with BudgetExceededError instead of started.
 * @example
 * const { model: metered, ledger } = createMeteredModel(model, { cache, prices: DEFAULT_PRICES, maxCostUsd: 5 });
 */
export function createMeteredModel(
  model: LanguageModel,
  options: MeteredModelOptions,
): { model: LanguageModel; ledger: CallLedger } {
  const free = model.provider === "template";
  const price = options.prices === undefined ? undefined : priceOf(options.prices, model.modelId);
  const priced = free || price !== undefined;
  const ledger: CallLedger = { calls: 0, cacheHits: 0, spentUsd: priced ? 0 : null, budgetRefusals: 0 };
  // The template provider costs nothing; its records carry no cost field, so its output is what it always was.
  const costOf = (result: GenerateResult): number | undefined => {
    if (free) return undefined;
    return price === undefined ? undefined : costUsd(result.usage, price, { batch: options.batch === true });
  };
  const cache = model.requestBody === undefined ? undefined : options.cache;

  const metered: LanguageModel = {
    ...model,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const key =
        cache === undefined || request.taskRef === undefined || model.requestBody === undefined
          ? undefined
          : responseCacheKey(model.provider, model.requestBody(request), request.taskRef);
      if (key !== undefined && cache !== undefined) {
        const hit = await cache.get(key);
        if (hit !== null) {
          ledger.cacheHits++;
          return withCost({ ...hit, cached: true }, costOf(hit));
        }
      }
      if (options.maxCostUsd !== undefined && (ledger.spentUsd ?? 0) >= options.maxCostUsd) {
        ledger.budgetRefusals++;
        throw new BudgetExceededError(
          `[llm] Budget reached: this run spent $${(ledger.spentUsd ?? 0).toFixed(4)} of --max-cost $${options.maxCostUsd}, so no further call was started. Raise --max-cost and run the same command again: finished replies come from the cache.`,
          options.maxCostUsd,
        );
      }
      const result = await model.generate(request);
      ledger.calls++;
      const cost = costOf(result);
      if (cost !== undefined && ledger.spentUsd !== null) ledger.spentUsd = roundUsd(ledger.spentUsd + cost);
      if (key !== undefined && cache !== undefined && result.persisted !== true) await cache.put(key, result);
      return withCost(result, cost);
    },
  };
  return { model: metered, ledger };
}

function withCost(result: GenerateResult, cost: number | undefined): GenerateResult {
  return cost === undefined ? result : { ...result, costUsd: cost };
}
