import type { Randomizer } from "../../random.ts";
import type { NodeOf } from "../model.ts";
import type { LlmPurpose } from "../vocabulary.ts";
import { capitalize, flat } from "./text.ts";
import { resultQuote } from "./tools.ts";
import type { TaskTopic } from "./topic.ts";
import { DOCUMENT_KINDS } from "./words.ts";

type ToolNode = NodeOf<"TOOL_CALL">;

/** An LLM call's prompt and response. */
export interface LlmText {
  readonly prompt: string;
  readonly response: string;
}

/**
 * What a step built on `input` (the tool call whose output it consumes, or null) says: `stated` is what it reports
 * the tool found, by default the tool's own words (`resultQuote`); the anomaly layer passes something else to make
 * a step misread its input or drift off its task.
 */
export interface StepInput {
  readonly tool: ToolNode | null;
  readonly stated: string | null;
}

/** The step input of a step consuming `tool` (or nothing), stating what the tool really returned. */
export function stepInput(tool: ToolNode | null): StepInput {
  return { tool, stated: tool === null ? null : resultQuote(tool) };
}

const NO_INPUT: StepInput = { tool: null, stated: null };

/**
 * A prompt that refers to the task and to the step's input (the tool, its parameters' subject and its quoted
 * result), and a response that answers it: planning lists steps on the task's subject, reasoning and analysis draw
 * a conclusion from the quoted result, response generation answers the task, validation checks the result
 * against the request.
 */
export function llmText(rng: Randomizer, purpose: LlmPurpose, topic: TaskTopic, input: StepInput = NO_INPUT): LlmText {
  const seen = input.tool === null ? null : input.tool.tool_type.toLowerCase();
  const quote = input.tool === null ? null : resultQuote(input.tool);
  const stated = input.stated;
  switch (purpose) {
    case "planning":
      return {
        prompt:
          quote === null
            ? flat(`${rng.pick(PLAN_REQUESTS)} "${topic.text}"${rng.pick(PLAN_FOCUS)}`)
            : flat(`Revise the plan for "${topic.text}" given the ${seen} result: ${quote}.`),
        response:
          stated === null
            ? flat(`Plan: ${planSteps(rng, topic)}.`)
            : flat(`Since ${stated}, next: ${planSteps(rng, topic)}.`),
      };
    case "reasoning":
    case "analysis":
      return {
        prompt:
          quote === null
            ? flat(`${capitalize(rng.pick(QUESTIONS))} ${topic.subject}${contextPhrase(topic)}?`)
            : flat(`What does the ${seen} result mean for ${topic.subject}? Result: ${quote}.`),
        response: flat(conclusion(rng, topic, stated)),
      };
    case "response_generation":
      return {
        prompt:
          quote === null
            ? flat(`Write the answer to "${topic.text}".`)
            : flat(`Write the answer to "${topic.text}" using the ${seen} result: ${quote}.`),
        response: flat(finalAnswer(rng, topic, stated)),
      };
    case "validation_analysis":
      return {
        prompt:
          quote === null
            ? flat(`Check that the work on ${topic.subject} answers "${topic.text}".`)
            : flat(`Check the ${seen} result against the request "${topic.text}": ${quote}.`),
        response:
          stated === null
            ? flat(`The work covers ${topic.subject}${contextPhrase(topic)} as requested.`)
            : flat(`Consistent with the request: ${stated}.`),
      };
  }
}

/** A reasoning step's conclusion about the task, from what its input found when it has one. */
export function conclusion(rng: Randomizer, topic: TaskTopic, stated: string | null): string {
  if (stated === null) return flat(`${capitalize(topic.subject)}${contextPhrase(topic)} ${rng.pick(OPEN_CONCLUSIONS)}`);
  return flat(`${capitalize(stated)}, so ${rng.pick(IMPLICATIONS).replace("$", topic.subject)}`);
}

/** The final answer: the task's subject, what the work found, and the deliverable. */
export function finalAnswer(rng: Randomizer, topic: TaskTopic, stated: string | null): string {
  const deliverable = `${topic.slug}_${rng.pick(DOCUMENT_KINDS)}.md`;
  if (stated === null)
    return flat(`${capitalize(topic.subject)}${contextPhrase(topic)}: done as requested; details in ${deliverable}.`);
  return flat(`${capitalize(topic.subject)}${contextPhrase(topic)}: ${stated}. Details in ${deliverable}.`);
}

/** A planning node's strategy: the order of work on the task. */
export function planStrategy(rng: Randomizer, topic: TaskTopic): string {
  return flat(planSteps(rng, topic));
}

function planSteps(rng: Randomizer, topic: TaskTopic): string {
  const source = topic.file ?? topic.api ?? `sources on ${topic.subject}`;
  return `${rng.pick(FIRST_STEPS)} ${source}, ${rng.pick(MIDDLE_STEPS)} ${topic.subject}, ${rng.pick(LAST_STEPS)}`;
}

function contextPhrase(topic: TaskTopic): string {
  return topic.context.length > 0 ? ` for ${topic.context}` : "";
}

const PLAN_REQUESTS = [
  "Break into steps:",
  "List the steps for",
  "Which tools and order of work for",
  "Draft a plan for",
  "What has to happen first for",
] as const;
const PLAN_FOCUS = [
  ".",
  "? Keep it short.",
  ", with the sources to use.",
  ", noting what could block it.",
  ".",
] as const;
const QUESTIONS = [
  "which factors drive",
  "what is known about",
  "what would change",
  "where are the gaps in",
  "what matters most for",
] as const;
const OPEN_CONCLUSIONS = [
  "needs evidence from more than one source.",
  "depends on data not gathered yet.",
  "is the part of the task to verify first.",
  "is best answered by comparing recent figures.",
] as const;
const IMPLICATIONS = [
  "the estimate for $ should be revised.",
  "$ deserves a closer look before reporting.",
  "the recommendation on $ holds.",
  "$ is the main point of the answer.",
  "the figures on $ need a second source.",
] as const;
const FIRST_STEPS = ["collect", "read", "gather", "pull", "review"] as const;
const MIDDLE_STEPS = ["analyse", "compare", "quantify", "check", "break down"] as const;
const LAST_STEPS = [
  "then report",
  "then summarise for the user",
  "then validate and deliver",
  "then write the answer",
] as const;
