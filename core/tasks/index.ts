// Public API of the ToolSandbox task generator.
export {
  AGENT_TOOLS,
  databasesForCategories,
  findTool,
  getToolCategoriesInfo,
  getToolCategoriesToolsMap,
  TASK_CATEGORIES,
  type ToolCategoryInfo,
  type ToolSpec,
  toolsForCategories,
  validateToolCategories,
} from "./catalog.ts";
export { createLanguageModel } from "./create-language-model.ts";
export { estimateTaskBatch, type TaskBatchEstimate } from "./estimate-batch.ts";
export {
  cloneExecutionContext,
  createExecutionContext,
  createSampleExecutionContext,
  DEFAULT_NOW,
  type ExecutionContext,
  SETTING_VARIANT_NAMES,
} from "./execution-context.ts";
export {
  type CategoryReport,
  DEFAULT_CONCURRENCY,
  generateTaskBatch,
  type KindReport,
  type TaskBatchOptions,
  type TaskBatchReport,
  type TaskBatchResult,
  type TaskResult,
  taskContext,
} from "./generate-batch.ts";
export {
  buildTaskPrompts,
  DEFAULT_MAX_RETRY_ATTEMPTS,
  type GeneratedTaskWithScenario,
  generateTask,
  runTaskGeneration,
  type TaskAttempt,
} from "./generate-task.ts";
export {
  denyTool,
  type Enabler,
  findEnablers,
  refusalSentence,
  toInsufficientInformationScenario,
} from "./insufficient-information.ts";
export {
  findWithholdableDetails,
  toMultipleUserTurnScenario,
  type WithholdableDetail,
  withholdDetail,
} from "./multiple-user-turn.ts";
export { type ParsedReply, parseTaskReply } from "./parse-reply.ts";
export { contextNeedsPopulation, populateExecutionContext } from "./populate.ts";
export { loadTaskPrompts, parseTaskPrompts, type TaskPrompts } from "./prompts.ts";
export {
  createScenarioFromTask,
  SCENARIO_KINDS,
  type Scenario,
  type ScenarioKind,
  ScenarioSchema,
  scenarioKind,
  WITHHELD_DETAIL_KINDS,
  type WithheldDetail,
  type WithheldDetailKind,
} from "./scenario.ts";
export { type Simulation, simulateTrajectory } from "./simulate-trajectory.ts";
export { summarizeState } from "./state-summary.ts";
export { serializeTaskRecord } from "./task-record.ts";
export { type GeneratedTask, GeneratedTaskSchema, taskId } from "./task-schema.ts";
export { createTemplateLanguageModel } from "./template-model.ts";
export { formatTaskReply, writeTemplateTask } from "./template-writer.ts";
export { formatToolDocs } from "./tool-docs.ts";
export { validateTask } from "./validate-task.ts";
