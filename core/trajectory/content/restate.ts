import type { Randomizer } from "../../random.ts";
import type { TrajectoryNode } from "../model.ts";
import { conclusion, finalAnswer, llmText, type StepInput } from "./llm.ts";
import type { TaskTopic } from "./topic.ts";

/**
 * Rewrites what a step says so it is built on `input` and works on `topic`: an LLM call's prompt and response, a
 * reasoning step's conclusion, the final action's answer. Other node types say nothing of their input and are left
 * as they are. The anomaly layer uses it when a step's input changes (a drifted tool call feeding it) or when the
 * step misreads its input (`input.stated` differs from what the tool returned).
 * @example
 * restateStep(rng, topic, llmNode, { tool, stated: contradictQuote(rng, resultQuote(tool) ?? "") });
 */
export function restateStep(rng: Randomizer, topic: TaskTopic, node: TrajectoryNode, input: StepInput): void {
  switch (node.node_type) {
    case "LLM_CALL": {
      const text = llmText(rng, node.llm_purpose, topic, input);
      node.llm_prompt = text.prompt;
      node.llm_response = text.response;
      return;
    }
    case "REASONING":
      node.reasoning_output = { conclusion: conclusion(rng, topic, input.stated) };
      return;
    case "ACTION":
      node.final_output = finalAnswer(rng, topic, input.stated);
      return;
    default:
      return;
  }
}
