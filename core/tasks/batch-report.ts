import type { LanguageModel, TokenUsage } from "../llm/language-model.ts";
import type { TaskResult } from "./generate-batch.ts";
import { type ScenarioKind, scenarioKind } from "./scenario.ts";

// The batch report: requested against produced per category combination and per scenario kind, so no shortfall and
// no insufficient-information task that stayed standard goes unnoticed.

export interface CategoryReport {
  categories: string[];
  requested: number;
  produced: number;
  failed: number;
}

export interface KindReport {
  /** Produced scenarios per kind. */
  produced: Record<ScenarioKind, number>;
  /** Tasks the seeded draw picked for insufficient information (produced or not). */
  insufficientInformationDrawn: number;
  /** Indices of drawn tasks that stayed standard because nothing in their trajectory feeds a later call. */
  withoutEnabler: number[];
}

export interface TaskBatchReport {
  requested: number;
  produced: number;
  failed: number;
  /** requested − produced; non-zero means the batch fell short and `failures` says why. */
  shortfall: number;
  byCategory: CategoryReport[];
  byKind: KindReport;
  failures: Array<{ index: number; categories: string[]; code: string; message: string }>;
  usage: TokenUsage;
  provider: string;
  modelId: string;
}

/** Summarises a finished batch; `insufficientInformationDrawn` counts the seeded draws, produced or not. */
export function buildReport(
  results: readonly TaskResult[],
  usage: TokenUsage,
  model: LanguageModel,
  insufficientInformationDrawn: number,
): TaskBatchReport {
  const groups = new Map<string, CategoryReport>();
  for (const result of results) {
    const key = result.categories.join("+");
    const group = groups.get(key) ?? { categories: result.categories, requested: 0, produced: 0, failed: 0 };
    group.requested++;
    if (result.ok) group.produced++;
    else group.failed++;
    groups.set(key, group);
  }
  const produced = results.filter((result) => result.ok).length;
  const byKind: KindReport = {
    produced: { standard: 0, insufficient_information: 0 },
    insufficientInformationDrawn,
    withoutEnabler: [],
  };
  for (const result of results) {
    if (!result.ok) continue;
    byKind.produced[scenarioKind(result.scenario)]++;
    if (result.noEnabler === true) byKind.withoutEnabler.push(result.index);
  }
  return {
    requested: results.length,
    produced,
    failed: results.length - produced,
    shortfall: results.length - produced,
    byCategory: [...groups.values()],
    byKind,
    failures: results.flatMap((result) =>
      result.ok ? [] : [{ index: result.index, categories: result.categories, ...result.error }],
    ),
    usage,
    provider: model.provider,
    modelId: model.modelId,
  };
}
