import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import { createTemplateLanguageModel } from "../../../core/llm/template.ts";
import { createRandomizer } from "../../../core/random.ts";
import { generateTaskBatch, taskContext } from "../../../core/tasks/generate-batch.ts";
import {
  denyEnabler,
  findEnablers,
  refusalSentence,
  toInsufficientInformationScenario,
} from "../../../core/tasks/insufficient-information.ts";
import { ScenarioSchema } from "../../../core/tasks/scenario.ts";
import { jsonl, textFredrik, validated } from "./scenario-helpers.ts";

const WRITE_SIMILARITIES = new Set(["addition", "removal", "update"]);

describe("findEnablers", () => {
  it("finds the contact search whose phone number the message needs when the task names a contact", () => {
    const { task, context } = textFredrik();
    expect(findEnablers(task, context)).toStrictEqual([
      {
        tool: "search_contacts",
        position: 0,
        consumers: ["send_message_with_phone_number"],
        missingKinds: ["phone_number"],
      },
    ]);
  });

  it("follows a chain from get_current_timestamp through shift_timestamp to add_reminder", () => {
    const { task, context } = validated(
      'Remind me tomorrow to "buy milk"',
      ["get_current_timestamp", "shift_timestamp", "add_reminder"],
      ["reminder", "utilities"],
    );
    const enablers = findEnablers(task, context);
    expect(enablers.map((enabler) => [enabler.tool, enabler.consumers])).toStrictEqual([
      ["get_current_timestamp", ["shift_timestamp", "add_reminder"]],
      ["shift_timestamp", ["add_reminder"]],
    ]);
  });

  it("finds none when the trajectory has a single tool", () => {
    const { task, context } = validated("Is wifi on?", ["get_wifi_status"], ["setting"]);
    expect(findEnablers(task, context)).toStrictEqual([]);
  });
});

describe("denyEnabler", () => {
  it("denies the enabler, keeps the database unchanged, expects a refusal and mines the consumers", () => {
    const { task, context, scenario } = textFredrik();
    const denied = toInsufficientInformationScenario(task, scenario, context, createRandomizer(1, "enabler"));
    expect(denied).not.toBeNull();
    const insufficient = ScenarioSchema.parse(denied);
    expect(insufficient).toMatchObject({
      kind: "insufficient_information",
      denied_tool: "search_contacts",
      categories: ["INSUFFICIENT_INFORMATION"],
      tool_allow_list: ["send_message_with_phone_number", "end_conversation"],
      tool_deny_list: ["search_contacts"],
      milestone_edges: [[0, 1]],
    });
    const constraints = insufficient.milestones.flatMap((milestone) => milestone.snapshot_constraints);
    expect(
      constraints.filter((constraint) => constraint.similarity === "guardrail").map((c) => c.database_namespace),
    ).toStrictEqual(["SETTING", "CONTACT", "MESSAGING", "REMINDER"]);
    expect(constraints.some((constraint) => WRITE_SIMILARITIES.has(constraint.similarity))).toBe(false);
    expect(insufficient.milestones[1]?.snapshot_constraints[0]).toMatchObject({
      target: [{ sender: "AGENT", recipient: "USER", content: refusalSentence("search_contacts") }],
      column_similarity: { content: "rouge_l" },
    });
    expect(refusalSentence("search_contacts")).toBe(
      "I'm sorry, I can't complete that because I can't look up your contacts.",
    );
    expect(insufficient.minefields.map((minefield) => minefield.snapshot_constraints[0]?.target[0])).toStrictEqual([
      {
        sender: "EXECUTION_ENVIRONMENT",
        recipient: "AGENT",
        tool_trace: { tool_name: "send_message_with_phone_number" },
      },
    ]);
    const goal = insufficient.messages.find((message) => message.sender === "SYSTEM" && message.recipient === "USER");
    expect(goal?.content).toContain("Do not volunteer phone numbers");
    expect(insufficient.messages[1]).toStrictEqual(scenario.messages[1]);
  });

  it("returns null for a task without an enabler", () => {
    const { task, context, scenario } = validated("Is wifi on?", ["get_wifi_status"], ["setting"]);
    expect(toInsufficientInformationScenario(task, scenario, context, createRandomizer(1, "enabler"))).toBeNull();
  });

  it("makes the schema reject an insufficient-information scenario that still allows the denied tool", () => {
    const { task, context, scenario } = textFredrik();
    const denied = denyEnabler(scenario, findEnablers(task, context)[0]!);
    const broken = { ...denied, tool_allow_list: [...denied.tool_allow_list, "search_contacts"] };
    expect(ScenarioSchema.safeParse(broken).success).toBe(false);
    expect(ScenarioSchema.safeParse({ ...denied, tool_deny_list: [] }).success).toBe(false);
  });
});

describe("generateTaskBatch with insufficientInformationRatio", () => {
  it("writes the same bytes as before the option existed when the ratio is 0", async () => {
    const omitted = await jsonl({});
    // Captured from the generator before insufficient-information scenarios were added.
    expect(createHash("sha256").update(omitted).digest("hex")).toBe(
      "62cdeaf6c7469adc9e80d1f5cd8b72ded16d68341a9e5915eb996f8ccdc498d4",
    );
    expect(await jsonl({ insufficientInformationRatio: 0 })).toBe(omitted);
  });

  it("turns every task with an enabler into an insufficient-information scenario when the ratio is 1", async () => {
    const batch = await generateTaskBatch({
      categories: [
        ["contact", "messaging"],
        ["reminder", "utilities"],
        ["setting", "rapid_api_search_tools"],
      ],
      count: 24,
      seed: 3,
      model: createTemplateLanguageModel(),
      insufficientInformationRatio: 1,
    });
    expect(batch.report.shortfall).toBe(0);
    const withoutEnabler: number[] = [];
    for (const result of batch.results) {
      if (!result.ok) continue;
      const scenario = ScenarioSchema.parse(result.scenario);
      const multiTool = result.task.required_tools.length > 1;
      const hasEnabler = findEnablers(result.task, taskContext(3, result.index, result.categories)).length > 0;
      if (!hasEnabler) {
        withoutEnabler.push(result.index);
        expect(scenario.kind).toBeUndefined();
        expect(result.noEnabler).toBe(true);
        continue;
      }
      expect(multiTool).toBe(true);
      const denied = scenario.denied_tool as string;
      expect(scenario.kind).toBe("insufficient_information");
      expect(scenario.categories).toStrictEqual(["INSUFFICIENT_INFORMATION"]);
      expect(scenario.tool_deny_list).toStrictEqual([denied]);
      expect(scenario.tool_allow_list).not.toContain(denied);
      expect(result.task.required_tools).toContain(denied);
      const mined = scenario.minefields.flatMap((minefield) =>
        minefield.snapshot_constraints.flatMap((constraint) =>
          constraint.target.map((row) => (row.tool_trace as { tool_name: string }).tool_name),
        ),
      );
      const after = result.task.required_tools.slice(result.task.required_tools.indexOf(denied) + 1);
      expect(mined.length).toBeGreaterThan(0);
      for (const tool of mined) expect(after).toContain(tool);
      const similarities = scenario.milestones.flatMap((m) => m.snapshot_constraints.map((c) => c.similarity));
      expect(similarities.some((similarity) => WRITE_SIMILARITIES.has(similarity))).toBe(false);
    }
    // Contact+messaging and reminder+utilities template tasks always chain a lookup into a later call.
    for (const result of batch.results) {
      if (result.ok && result.index % 3 !== 2 && result.task.required_tools.length > 1) {
        expect(result.scenario.kind).toBe("insufficient_information");
      }
    }
    expect(batch.report.byKind).toStrictEqual({
      produced: {
        standard: withoutEnabler.length,
        insufficient_information: 24 - withoutEnabler.length,
        multiple_user_turn: 0,
      },
      insufficientInformationDrawn: 24,
      withoutEnabler,
      multipleUserTurnDrawn: 0,
      withoutWithheldDetail: [],
      multipleUserTurnSuperseded: [],
    });
    expect(batch.report.byKind.produced.insufficient_information).toBeGreaterThan(10);
  });

  it("gives the same bytes for the same seed, draws per index, and regenerates a shard alone", async () => {
    const half = await jsonl({ insufficientInformationRatio: 0.5 });
    expect(await jsonl({ insufficientInformationRatio: 0.5 })).toBe(half);
    const kinds = half
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line).scenario.kind ?? "standard");
    expect(kinds).toContain("standard");
    expect(kinds).toContain("insufficient_information");
    const shard = await jsonl({ insufficientInformationRatio: 0.5, startIndex: 10, count: 6 });
    expect(shard).toBe(`${half.trimEnd().split("\n").slice(10).join("\n")}\n`);
  });

  it("rejects a ratio outside 0..1 naming the option", async () => {
    for (const ratio of [-0.1, 1.5, Number.NaN]) {
      await expect(jsonl({ insufficientInformationRatio: ratio })).rejects.toThrow(ConfigError);
    }
    await expect(jsonl({ insufficientInformationRatio: 2 })).rejects.toThrow(/insufficientInformationRatio.*0 to 1/s);
  });
});
