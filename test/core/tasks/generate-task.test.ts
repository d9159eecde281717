import { afterEach, describe, expect, it } from "vitest";
import { LlmCallError, TaskGenerationError } from "../../../core/errors.ts";
import { createLanguageModel } from "../../../core/tasks/create-language-model.ts";
import { createSampleExecutionContext } from "../../../core/tasks/execution-context.ts";
import { generateTask, runTaskGeneration } from "../../../core/tasks/generate-task.ts";
import { ScenarioSchema } from "../../../core/tasks/scenario.ts";
import { type LlmServer, type ScriptedReply, startLlmServer } from "../../helpers/llm-server.ts";

// The feedback loop end to end: real SDKs over real HTTP against scripted replies.

let server: LlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const GOOD =
  "TASK: Text Fredrik that I am running late\nTRAJECTORY: search_contacts -> send_message_with_phone_number\nCATEGORIES: [contact, messaging]";
const categories = ["contact", "messaging"];

async function run(provider: "openai" | "anthropic", replies: ScriptedReply[], maxRetryAttempts = 3) {
  server = await startLlmServer(replies);
  const model = createLanguageModel({
    provider,
    apiKey: "test-key",
    baseURL: provider === "openai" ? server.openaiBaseURL : server.anthropicBaseURL,
    maxRetries: 1,
    timeoutMs: 2000,
  });
  return runTaskGeneration({
    categories,
    context: createSampleExecutionContext(),
    model,
    seed: 42,
    index: 0,
    maxRetryAttempts,
  });
}

const lastUserMessage = (body: Record<string, unknown>): string => {
  const messages = body.messages as Array<{ role: string; content: string }>;
  return messages.at(-1)?.content ?? "";
};

describe.each(["openai", "anthropic"] as const)("generateTask over %s", (provider) => {
  it("returns a task and a schema-valid scenario when the first reply is good", async () => {
    const result = await run(provider, [{ text: GOOD, usage: { inputTokens: 900, outputTokens: 40 } }]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.task.required_tools).toStrictEqual(["search_contacts", "send_message_with_phone_number"]);
    expect(result.usage).toStrictEqual({ inputTokens: 900, outputTokens: 40 });
    expect(result.attempts).toStrictEqual([
      { attempt: 1, finishReason: "stop", usage: { inputTokens: 900, outputTokens: 40 } },
    ]);
    expect(ScenarioSchema.safeParse(result.scenario).success).toBe(true);
    const prompt = lastUserMessage(server?.requests[0]?.body ?? {});
    expect(prompt).toContain("Tool Name: send_message_with_phone_number");
    expect(prompt).toContain("- Fredrik Thordendal – friend – +12453344098");
  });

  it("sends the correction prompt with the previous reply and the error when the format is wrong", async () => {
    const bad = "Sure, the user could text Fredrik.";
    const result = await run(provider, [{ text: bad }, { text: GOOD }]);
    expect(result.ok).toBe(true);
    expect(result.attempts.map((attempt) => attempt.error ?? "ok")).toStrictEqual([
      "The reply must contain the three fields TASK:, TRAJECTORY: and CATEGORIES:. Missing: TASK, TRAJECTORY, CATEGORIES.",
      "ok",
    ]);
    const correction = lastUserMessage(server?.requests[1]?.body ?? {});
    expect(correction).toContain(`YOUR PREVIOUS REPLY:\n${bad}`);
    expect(correction).toContain("WHAT IS WRONG:\nThe reply must contain the three fields");
    expect(correction).toContain("REQUIRED FORMAT:\nTASK: <clear, specific request");
  });
});

describe("generateTask feedback loop", () => {
  it("recovers after an unknown tool", async () => {
    const unknown = GOOD.replace("send_message_with_phone_number", "send_sms");
    const result = await run("openai", [{ text: unknown }, { text: GOOD }]);
    expect(result.ok).toBe(true);
    expect(result.attempts[0]?.error).toMatch(/not in the available tool set: send_sms \(no such tool\)/);
    expect(lastUserMessage(server?.requests[1]?.body ?? {})).toContain("send_sms (no such tool)");
  });

  it("recovers after a wrong category", async () => {
    const wrong = GOOD.replace("[contact, messaging]", "[messaging]");
    const result = await run("openai", [{ text: wrong }, { text: GOOD }]);
    expect(result.ok).toBe(true);
    expect(result.attempts[0]?.error).toBe(
      "CATEGORIES must be exactly the requested categories: [contact, messaging]. Got: [messaging].",
    );
  });

  it("recovers after an infeasible trajectory", async () => {
    const infeasible =
      "TASK: Delete Fredrik and text John\nTRAJECTORY: remove_contact -> send_message_with_phone_number\nCATEGORIES: [contact, messaging]";
    const result = await run("openai", [{ text: infeasible }, { text: GOOD }]);
    expect(result.ok).toBe(true);
    expect(result.attempts[0]?.error).toMatch(
      /^The trajectory cannot run against the current phone state: remove_contact \(step 1\) needs a person_id/,
    );
  });

  it("asks for a shorter reply after a truncated one", async () => {
    const result = await run("openai", [{ text: "TASK: Text Fredrik that I am", finish: "length" }, { text: GOOD }]);
    expect(result.ok).toBe(true);
    expect(result.attempts[0]).toMatchObject({
      finishReason: "length",
      error: expect.stringMatching(/cut off at the length limit/),
    });
  });

  it("asks again after an empty reply", async () => {
    const result = await run("anthropic", [{ text: "" }, { text: GOOD }]);
    expect(result.ok).toBe(true);
    expect(result.attempts[0]?.error).toMatch(/The reply was empty/);
  });

  it("gives up after max attempts with every attempt recorded", async () => {
    const replies = [{ text: "no" }, { text: "still no" }, { text: "nope" }];
    const result = await run("openai", replies, 3);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(TaskGenerationError);
    expect(result.error.code).toBe("task_generation_failed");
    expect((result.error as TaskGenerationError).attempts.map((attempt) => attempt.response)).toStrictEqual([
      "no",
      "still no",
      "nope",
    ]);
    expect(result.usage).toStrictEqual({ inputTokens: 300, outputTokens: 60 });
    expect(server?.requests).toHaveLength(3);
  });

  it("reports the provider error after a 429 the SDK could not retry away", async () => {
    const result = await run("openai", [{ status: 429, headers: { "retry-after-ms": "10" } }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(LlmCallError);
    expect(result.error).toMatchObject({ status: 429, isRetryable: true });
  });

  it("throws from generateTask when the loop fails", async () => {
    server = await startLlmServer([{ text: "nothing useful" }]);
    const model = createLanguageModel({
      provider: "openai",
      apiKey: "k",
      baseURL: server.openaiBaseURL,
      maxRetries: 0,
    });
    await expect(
      generateTask({
        categories,
        context: createSampleExecutionContext(),
        model,
        seed: 1,
        index: 0,
        maxRetryAttempts: 1,
      }),
    ).rejects.toThrow(/No valid task after 1 attempt for \[contact, messaging\]/);
  });

  it("rejects unknown categories before calling the model", async () => {
    server = await startLlmServer([{ text: GOOD }]);
    const model = createLanguageModel({ provider: "openai", apiKey: "k", baseURL: server.openaiBaseURL });
    await expect(
      generateTask({ categories: ["contacts"], context: createSampleExecutionContext(), model, seed: 1, index: 0 }),
    ).rejects.toThrow(/Unknown tool category "contacts"/);
    expect(server.requests).toHaveLength(0);
  });
});
