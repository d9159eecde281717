// Shared by the tests of the scenario kinds (insufficient information, multiple user turns).
import { createSampleExecutionContext } from "../../../core/tasks/execution-context.ts";
import { generateTaskBatch, type TaskBatchOptions } from "../../../core/tasks/generate-batch.ts";
import { loadTaskPrompts } from "../../../core/tasks/prompts.ts";
import { createScenarioFromTask } from "../../../core/tasks/scenario.ts";
import { serializeTaskRecord } from "../../../core/tasks/task-record.ts";
import { createTemplateLanguageModel } from "../../../core/tasks/template-model.ts";
import { validateTask } from "../../../core/tasks/validate-task.ts";

export const prompts = loadTaskPrompts();

/** A hand-written task, validated against the base sample state, with its standard scenario. */
export function validated(description: string, trajectory: string[], categories: string[]) {
  const context = createSampleExecutionContext({ variant: "base" });
  const { task, simulation } = validateTask(
    { description, trajectory, categories },
    { categories, context, prompts, seed: 1, index: 0 },
  );
  return { task, context, scenario: createScenarioFromTask(task, simulation, context, prompts) };
}

export const textFredrik = () =>
  validated(
    'Text Fredrik "Running late"',
    ["search_contacts", "send_message_with_phone_number"],
    ["contact", "messaging"],
  );

export const CATEGORIES = [
  ["contact", "messaging"],
  ["reminder", "utilities"],
  ["setting", "rapid_api_search_tools"],
  ["contact"],
];

/** A small template-provider batch across several category combinations. */
export function batchOf(options: Partial<TaskBatchOptions>) {
  return generateTaskBatch({
    categories: CATEGORIES,
    count: 16,
    seed: 11,
    model: createTemplateLanguageModel(),
    ...options,
  });
}

export async function jsonl(options: Partial<TaskBatchOptions>): Promise<string> {
  const batch = await batchOf(options);
  return batch.results.map((result) => `${serializeTaskRecord(result)}\n`).join("");
}
