import type { LanguageModel, TokenUsage } from "../llm/language-model.ts";
import type { TaskResult } from "./generate-batch.ts";
import { type ScenarioKind, scenarioKind } from "./scenario.ts";

// The batch report: requested against produced per category combination and per scenario kind, so no shortfall and
// no drawn task that stayed standard goes unnoticed.

export interface CategoryReport {
  categories: string[];
  requested: number;
  produced: number;
  failed: number;
}

export type OptionalKind = Exclude<ScenarioKind, "standard">;

export interface KindReport {
  /** Produced scenarios per kind. */
  produced: Record<ScenarioKind, number>;
  /** Tasks the seeded draw gave each optional kind: the share the ratio asks for. */
  requested: Record<OptionalKind, number>;
  /** requested − produced per optional kind; non-zero when drawn tasks could not take their kind. */
  shortfall: Record<OptionalKind, number>;
  /** Indices of drawn tasks kept standard because no candidate task (after rerolls) could take the kind. */
  keptStandard: Record<OptionalKind, number[]>;
  /** Extra candidate tasks written to find one that could take its drawn kind. */
  rerolls: number;
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

/** Summarises a finished batch, including what each drawn task got and which stayed standard. */
export function buildReport(results: readonly TaskResult[], usage: TokenUsage, model: LanguageModel): TaskBatchReport {
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
    produced: { standard: 0, insufficient_information: 0, multiple_user_turn: 0 },
    requested: { insufficient_information: 0, multiple_user_turn: 0 },
    shortfall: { insufficient_information: 0, multiple_user_turn: 0 },
    keptStandard: { insufficient_information: [], multiple_user_turn: [] },
    rerolls: 0,
  };
  for (const result of results) {
    if (result.drawnKind !== undefined) byKind.requested[result.drawnKind]++;
    byKind.rerolls += result.rerolls ?? 0;
    if (!result.ok) continue;
    const kind = scenarioKind(result.scenario);
    byKind.produced[kind]++;
    if (result.drawnKind !== undefined && kind === "standard") byKind.keptStandard[result.drawnKind].push(result.index);
  }
  for (const kind of ["insufficient_information", "multiple_user_turn"] as const) {
    byKind.shortfall[kind] = byKind.requested[kind] - byKind.produced[kind];
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
