import type { TaskResult } from "./generate-batch.ts";

/**
 * One JSONL line per task: `{index, task, scenario, usage, attempts, cost_usd}` on success, `{index, categories,
 * error, usage, attempts, cost_usd}` on failure (`cost_usd` only when the model has a price; 0 for the template). Key order is fixed, so the same batch gives byte-identical files.
 * @example
 * const jsonl = batch.results.map(serializeTaskRecord).join("\n") + "\n";
 */
export function serializeTaskRecord(result: TaskResult): string {
  if (result.ok) {
    return JSON.stringify({
      index: result.index,
      task: result.task,
      scenario: result.scenario,
      usage: result.usage,
      attempts: result.attempts,
      ...(result.costUsd === undefined ? {} : { cost_usd: result.costUsd }),
    });
  }
  return JSON.stringify({
    index: result.index,
    categories: result.categories,
    error: result.error,
    usage: result.usage,
    attempts: result.attempts,
    ...(result.costUsd === undefined ? {} : { cost_usd: result.costUsd }),
  });
}
