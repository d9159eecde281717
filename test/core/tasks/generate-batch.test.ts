import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "../../../core/llm/language-model.ts";
import { generateTaskBatch, taskContext } from "../../../core/tasks/generate-batch.ts";
import { ScenarioSchema } from "../../../core/tasks/scenario.ts";
import { serializeTaskRecord } from "../../../core/tasks/task-record.ts";
import { GeneratedTaskSchema } from "../../../core/tasks/task-schema.ts";
import { createTemplateLanguageModel } from "../../../core/tasks/template-model.ts";

/** A fake that delegates to the template provider but can fail chosen indices and tracks concurrency. */
function fakeModel(options: { failIndices?: Set<number>; delayMs?: number } = {}) {
  const template = createTemplateLanguageModel();
  const state = { inFlight: 0, maxInFlight: 0, calls: 0 };
  const model: LanguageModel = {
    provider: "fake",
    modelId: "fake-1",
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      state.calls++;
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 1));
      state.inFlight--;
      const grounding = request.providerOptions?.template?.grounding as { index: number };
      if (options.failIndices?.has(grounding.index)) {
        return { text: "I cannot do that.", finishReason: "stop", usage: { inputTokens: 10, outputTokens: 5 } };
      }
      const result = await template.generate(request);
      return { ...result, usage: { inputTokens: 10, outputTokens: 5 } };
    },
  };
  return { model, state };
}

const COMBINATIONS = [
  ["contact", "messaging"],
  ["reminder", "utilities"],
  ["setting", "rapid_api_search_tools"],
];

describe("generateTaskBatch", () => {
  it("produces every requested task with schema-valid tasks and scenarios using the template provider", async () => {
    const batch = await generateTaskBatch({
      categories: COMBINATIONS,
      count: 30,
      seed: 42,
      model: createTemplateLanguageModel(),
    });
    expect(batch.report).toMatchObject({ requested: 30, produced: 30, failed: 0, shortfall: 0, failures: [] });
    for (const result of batch.results) {
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      GeneratedTaskSchema.parse(result.task);
      ScenarioSchema.parse(result.scenario);
      expect(result.task.tools_category).toStrictEqual(COMBINATIONS[result.index % 3]);
    }
    expect(batch.report.byCategory).toStrictEqual([
      { categories: ["contact", "messaging"], requested: 10, produced: 10, failed: 0 },
      { categories: ["reminder", "utilities"], requested: 10, produced: 10, failed: 0 },
      { categories: ["setting", "rapid_api_search_tools"], requested: 10, produced: 10, failed: 0 },
    ]);
  });

  it("writes byte-identical JSONL for the same seed and different JSONL for another seed", async () => {
    const jsonl = async (seed: number) => {
      const batch = await generateTaskBatch({
        categories: COMBINATIONS,
        count: 12,
        seed,
        model: createTemplateLanguageModel(),
        concurrency: 5,
      });
      return batch.results.map(serializeTaskRecord).join("\n");
    };
    const first = await jsonl(7);
    expect(await jsonl(7)).toBe(first);
    expect(await jsonl(8)).not.toBe(first);
  });

  it("regenerates a shard alone with the same ids as in the full batch", async () => {
    const model = createTemplateLanguageModel();
    const full = await generateTaskBatch({ categories: COMBINATIONS, count: 10, seed: 5, model });
    const shard = await generateTaskBatch({ categories: COMBINATIONS, count: 4, seed: 5, startIndex: 6, model });
    expect(shard.results.map(serializeTaskRecord)).toStrictEqual(full.results.slice(6).map(serializeTaskRecord));
    expect(shard.results.map((result) => result.index)).toStrictEqual([6, 7, 8, 9]);
  });

  it("records failed tasks with their attempts and reports the shortfall per category", async () => {
    const { model } = fakeModel({ failIndices: new Set([1, 4]) });
    const batch = await generateTaskBatch({ categories: COMBINATIONS, count: 6, seed: 1, model, maxRetryAttempts: 2 });
    expect(batch.report).toMatchObject({ requested: 6, produced: 4, failed: 2, shortfall: 2 });
    expect(batch.report.byCategory[1]).toStrictEqual({
      categories: ["reminder", "utilities"],
      requested: 2,
      produced: 0,
      failed: 2,
    });
    expect(batch.report.failures.map((failure) => [failure.index, failure.code])).toStrictEqual([
      [1, "task_generation_failed"],
      [4, "task_generation_failed"],
    ]);
    const failed = JSON.parse(serializeTaskRecord(batch.results[1]!));
    expect(Object.keys(failed)).toStrictEqual(["index", "categories", "error", "usage", "attempts"]);
    expect(failed.attempts).toHaveLength(2);
    // 4 good tasks × 1 call + 2 failed tasks × 2 calls, 10 + 5 tokens each.
    expect(batch.usage).toStrictEqual({ inputTokens: 80, outputTokens: 40 });
    expect(batch.report.usage).toStrictEqual(batch.usage);
  });

  it("never runs more calls at once than the concurrency allows", async () => {
    const { model, state } = fakeModel({ delayMs: 5 });
    await generateTaskBatch({ categories: COMBINATIONS, count: 40, seed: 1, model, concurrency: 7 });
    expect(state.maxInFlight).toBe(7);
    expect(state.calls).toBe(40);
  });

  it("records unstarted tasks as errors when aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const batch = await generateTaskBatch({
      categories: COMBINATIONS,
      count: 3,
      seed: 1,
      model: createTemplateLanguageModel(),
      signal: controller.signal,
    });
    expect(batch.report.produced).toBe(0);
    expect(batch.report.failures[0]).toMatchObject({
      code: "interrupted",
      message: "Not started: the batch was aborted.",
    });
  });

  it("rejects bad options with every problem listed", async () => {
    const promise = generateTaskBatch({
      categories: [["contact", "weather"], []],
      count: 0,
      seed: 1.5,
      concurrency: 0,
      model: createTemplateLanguageModel(),
    });
    await expect(promise).rejects.toBeInstanceOf(ConfigError);
    await expect(promise).rejects.toThrowErrorMatchingInlineSnapshot(`
      [ConfigError: Invalid task batch options (5 problems):
        - count: must be a whole number >= 1 (got 0)
        - seed: must be an integer (got 1.5)
        - concurrency: must be a whole number from 1 to 256 (got 0)
        - categories[0]: unknown category; available: contact, messaging, rapid_api_search_tools, reminder, setting, utilities (got "weather")
        - categories[1]: is empty; name at least one category]
    `);
  });
});

describe("taskContext", () => {
  it("uses the base settings unless the setting category can fix other variants", () => {
    const variants = new Set(
      Array.from({ length: 40 }, (_, index) => taskContext(3, index, ["rapid_api_search_tools"]).variant),
    );
    expect(variants).toStrictEqual(new Set(["base"]));
    const withSetting = new Set(Array.from({ length: 40 }, (_, index) => taskContext(3, index, ["setting"]).variant));
    expect(withSetting.size).toBeGreaterThan(2);
  });
});
