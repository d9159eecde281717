import { describe, expect, it } from "vitest";
import { createRandomizer } from "../../../core/random.ts";
import { TASK_CATEGORIES } from "../../../core/tasks/catalog.ts";
import { createExecutionContext } from "../../../core/tasks/execution-context.ts";
import { taskContext } from "../../../core/tasks/generate-batch.ts";
import { parseTaskReply } from "../../../core/tasks/parse-reply.ts";
import { loadTaskPrompts } from "../../../core/tasks/prompts.ts";
import { createTemplateLanguageModel } from "../../../core/tasks/template-model.ts";
import { formatTaskReply, writeTemplateTask } from "../../../core/tasks/template-writer.ts";
import { validateTask } from "../../../core/tasks/validate-task.ts";

const prompts = loadTaskPrompts();

/** Every non-empty subset of the six categories (63 combinations). */
function allCombinations(): string[][] {
  const combinations: string[][] = [];
  for (let mask = 1; mask < 1 << TASK_CATEGORIES.length; mask++) {
    combinations.push(TASK_CATEGORIES.filter((_, bit) => (mask & (1 << bit)) !== 0));
  }
  return combinations;
}

describe("writeTemplateTask", () => {
  it("writes tasks that pass the parser and validator for every category combination and many seeds", () => {
    const failures: string[] = [];
    let checked = 0;
    for (const categories of allCombinations()) {
      for (let seed = 0; seed < 40; seed++) {
        const context = taskContext(seed, seed, categories);
        const text = formatTaskReply(
          writeTemplateTask(categories, context, createRandomizer(seed, "t", categories.join())),
        );
        try {
          validateTask(parseTaskReply(text, prompts), { categories, context, prompts, seed, index: seed });
        } catch (error) {
          failures.push(
            `${categories.join("+")} seed ${seed} [${context.variant}]: ${text}\n  → ${(error as Error).message}`,
          );
        }
        checked++;
      }
    }
    expect(failures).toStrictEqual([]);
    expect(checked).toBe(63 * 40);
  });

  it("fixes the settings first when a lookup needs wifi and low battery mode is on", () => {
    const context = taskContext(1, 1, ["setting", "rapid_api_search_tools"]);
    context.databases.SETTING[0] = {
      ...context.databases.SETTING[0]!,
      wifi: false,
      low_battery_mode: true,
      cellular: false,
      location_service: false,
    };
    const reply = writeTemplateTask(["setting", "rapid_api_search_tools"], context, createRandomizer(3));
    expect(reply.trajectory.slice(0, 2)).toStrictEqual(["set_low_battery_mode_status", "set_wifi_status"]);
  });

  it("explains why it cannot write a lookup when wifi is off and settings may not change", () => {
    const context = createExecutionContext({ variant: "base_wifi_off" });
    expect(() => writeTemplateTask(["rapid_api_search_tools"], context, createRandomizer(1))).toThrow(
      /No feasible task for rapid_api_search_tools in the "base_wifi_off" settings/,
    );
  });

  it("writes the same task for the same seed and a different one for another seed", () => {
    const context = taskContext(9, 0, ["contact", "messaging"]);
    const write = (seed: number) => writeTemplateTask(["contact", "messaging"], context, createRandomizer(seed));
    expect(write(5)).toStrictEqual(write(5));
    const texts = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => write(seed).description));
    expect(texts.size).toBeGreaterThan(3);
  });
});

describe("createTemplateLanguageModel", () => {
  it("answers in the reply format from the grounding the generator passes", async () => {
    const model = createTemplateLanguageModel();
    const context = taskContext(1, 0, ["setting"]);
    const result = await model.generate({
      system: "",
      messages: [{ role: "user", content: "task" }],
      providerOptions: { template: { grounding: { categories: ["setting"], context, seed: 1, index: 0, attempt: 1 } } },
    });
    expect(result.finishReason).toBe("stop");
    expect(result.usage).toStrictEqual({ inputTokens: 0, outputTokens: 0 });
    expect(result.text).toMatch(/^TASK: .+\nTRAJECTORY: .+\nCATEGORIES: \[setting\]$/);
  });

  it("refuses to run outside the task generator", async () => {
    const model = createTemplateLanguageModel();
    await expect(model.generate({ system: "", messages: [] })).rejects.toThrow(/only writes ToolSandbox tasks/);
  });
});
