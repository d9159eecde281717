/**
 * The content layer: the text of a trajectory (task description, tool parameters and results, LLM prompts and
 * responses, conclusions, the final answer), all derived from the task's topic and drawn from the trajectory's
 * seeded stream. The anomaly layer uses `driftTopic`, `contradictQuote` and `restateStep` to make content drift off
 * its task or misstate a tool's result.
 */
export { conclusion, finalAnswer, type LlmText, llmText, planStrategy, type StepInput, stepInput } from "./llm.ts";
export { restateStep } from "./restate.ts";
export { contradictQuote, QUOTE_FIELDS, resultQuote, toolParameters, toolResult } from "./tools.ts";
export { composeTask, driftTopic, slugOf, type TaskTopic, taskTopic } from "./topic.ts";
