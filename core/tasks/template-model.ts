import { ConfigError } from "../errors.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "../llm/language-model.ts";
import { DEFAULT_MODELS, type LanguageModelOptions } from "../llm/options.ts";
import { createRandomizer } from "../random.ts";
import type { ExecutionContext } from "./execution-context.ts";
import { formatTaskReply, writeTemplateTask } from "./template-writer.ts";

interface Grounding {
  categories: string[];
  context: ExecutionContext;
  seed: number;
  index: number;
  attempt: number;
  /** Another candidate task for the same index (a batch asks when a task cannot take its drawn scenario kind). */
  draw?: number;
}

/**
 * The offline provider: no model, no key, no network. It writes a grounded, feasible task from the catalog and the
 * state the generator passes in `providerOptions.template.grounding`, as reply text, so it goes through the same
 * parser and validator as a real model. Same seed and index → same task.
 * @example
 * const model = createTemplateLanguageModel({ provider: "template", seed: 7 });
 */
export function createTemplateLanguageModel(options: LanguageModelOptions = { provider: "template" }): LanguageModel {
  const modelSeed = options.seed ?? 0;
  return {
    provider: "template",
    modelId: options.model ?? DEFAULT_MODELS.template,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const grounding = readGrounding(request);
      const draw = grounding.draw === undefined ? [] : ["draw", grounding.draw];
      const rng = createRandomizer(grounding.seed, "template", modelSeed, grounding.index, grounding.attempt, ...draw);
      const reply = writeTemplateTask(grounding.categories, grounding.context, rng);
      return { text: formatTaskReply(reply), finishReason: "stop", usage: { inputTokens: 0, outputTokens: 0 } };
    },
  };
}

function readGrounding(request: GenerateRequest): Grounding {
  const grounding = request.providerOptions?.template?.grounding as Partial<Grounding> | undefined;
  if (
    grounding === undefined ||
    !Array.isArray(grounding.categories) ||
    grounding.context === undefined ||
    typeof grounding.seed !== "number" ||
    typeof grounding.index !== "number"
  ) {
    throw new ConfigError(
      "[llm] [template] The template provider only writes ToolSandbox tasks: call it through the task generator, which passes `providerOptions.template.grounding`.",
    );
  }
  return { attempt: 1, ...grounding } as Grounding;
}
