import { afterEach, describe, expect, it } from "vitest";
import { createLanguageModel } from "../../../core/tasks/create-language-model.ts";
import { generateTaskBatch, taskContext } from "../../../core/tasks/generate-batch.ts";
import { parseTaskReply } from "../../../core/tasks/parse-reply.ts";
import { loadTaskPrompts } from "../../../core/tasks/prompts.ts";
import { createScenarioFromTask, ScenarioSchema, scenarioKind } from "../../../core/tasks/scenario.ts";
import { validateTask } from "../../../core/tasks/validate-task.ts";
import { type LlmServer, startLlmServer } from "../../helpers/llm-server.ts";

// Tasks written by a real provider (here: the OpenAI and Anthropic SDKs against scripted replies) go through the
// same scenario builder as template tasks: the same milestones with argument checks, and the same optional kinds.

let server: LlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A model that texts the first contact (not the user) of the state summary in its prompt, as a real one would. */
const replyFor = (prompt: string): string => {
  const people = [...prompt.matchAll(/^- ([^–\n]+?) – .*$/gm)].filter((line) => !line[0].endsWith("(the user)"));
  const name = people[0]?.[1] ?? "nobody";
  return `TASK: Text ${name} "Running late, start without me"\nTRAJECTORY: search_contacts -> send_message_with_phone_number\nCATEGORIES: [contact, messaging]`;
};
const promptOf = (body: Record<string, unknown>): string => {
  const messages = body.messages as Array<{ role: string; content: string }>;
  return messages.find((m) => m.role === "user")?.content ?? "";
};
const categories = ["contact", "messaging"];
const prompts = loadTaskPrompts();

describe.each(["openai", "anthropic"] as const)("scenarios of %s tasks", (provider) => {
  it("are the scenario builder's, with argument checks, and take both optional kinds at their ratios", async () => {
    server = await startLlmServer((request) => ({ text: replyFor(promptOf(request.body)) }));
    const model = createLanguageModel({
      provider,
      apiKey: "test-key",
      baseURL: provider === "openai" ? server.openaiBaseURL : server.anthropicBaseURL,
      maxRetries: 0,
      timeoutMs: 2000,
    });
    const count = 12;
    const batch = await generateTaskBatch({
      categories: [categories],
      count,
      seed: 5,
      model,
      insufficientInformationRatio: 0.4,
      multiTurnRatio: 0.4,
    });
    expect(batch.report.failures).toStrictEqual([]);
    expect(batch.report.byKind.shortfall).toStrictEqual({ insufficient_information: 0, multiple_user_turn: 0 });
    const kinds = new Set<string>();
    for (const result of batch.results) {
      if (!result.ok) throw new Error(`task ${result.index} failed`);
      const scenario = ScenarioSchema.parse(result.scenario);
      kinds.add(scenarioKind(scenario));
      expect(scenarioKind(scenario)).toBe(result.drawnKind ?? "standard");
      // The same builder a template task goes through, from the same validated reply and state.
      const context = taskContext(5, result.index, categories);
      const reply = `TASK: ${result.task.description}\nTRAJECTORY: ${result.task.required_tools.join(" -> ")}\nCATEGORIES: [contact, messaging]`;
      const validated = validateTask(parseTaskReply(reply, prompts), {
        categories,
        context,
        prompts,
        seed: 5,
        index: result.index,
      });
      const standard = createScenarioFromTask(validated.task, validated.simulation, context, prompts);
      if (scenario.kind !== "insufficient_information") {
        expect(scenario.milestones).toStrictEqual(standard.milestones);
        expect(JSON.stringify(scenario.milestones)).toContain('"content":"Running late, start without me"');
      }
      if (scenario.kind === "multiple_user_turn") {
        const first = scenario.messages.find((m) => m.sender === "USER" && m.recipient === "AGENT");
        expect(first?.content).not.toContain(scenario.withheld_detail?.text);
      }
      if (scenario.kind === "insufficient_information") {
        expect(scenario.tool_deny_list).toContain(scenario.denied_tool);
        expect(scenario.tool_allow_list).not.toContain(scenario.denied_tool);
      }
    }
    expect([...kinds].sort()).toStrictEqual(["insufficient_information", "multiple_user_turn", "standard"]);
  });
});
