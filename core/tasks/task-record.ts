import type { TaskResult } from "./generate-batch.ts";

/**
 * One JSONL line per task: `{index, task, scenario, usage, attempts}` on success, `{index, categories, error,
 * usage, attempts}` on failure. Key order is fixed, so the same batch gives byte-identical files.
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
    });
  }
  return JSON.stringify({
    index: result.index,
    categories: result.categories,
    error: result.error,
    usage: result.usage,
    attempts: result.attempts,
  });
}
