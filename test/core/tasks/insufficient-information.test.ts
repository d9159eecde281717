import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import { generateTaskBatch } from "../../../core/tasks/generate-batch.ts";
import { denyTool, findDenials, findEnablers, refusalSentence } from "../../../core/tasks/insufficient-information.ts";
import { ScenarioSchema } from "../../../core/tasks/scenario.ts";
import { createTemplateLanguageModel } from "../../../core/tasks/template-model.ts";
import { jsonl, textFredrik, validated } from "./scenario-helpers.ts";

const WRITE_SIMILARITIES = new Set(["addition", "removal", "update"]);
const WRITE_TOOLS = new Set([
  "add_contact",
  "modify_contact",
  "remove_contact",
  "send_message_with_phone_number",
  "add_reminder",
  "modify_reminder",
  "remove_reminder",
]);
// The template batch without the kind options, captured when the template provider gained longer chains (issue 10).
const GOLDEN = "3b4d41fd36f2bb039b32a6d27307d6f70651a22e967a282bdc6533f5572a45fc";

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

describe("denyTool", () => {
  it("denies the enabler, guards every table, expects a refusal and mines the harmful call by its arguments", () => {
    const { context, scenario } = textFredrik();
    const insufficient = ScenarioSchema.parse(
      denyTool(scenario, { tool: "search_contacts", kind: "enabler", missingKinds: ["phone_number"] }, context),
    );
    expect(insufficient).toMatchObject({
      kind: "insufficient_information",
      denied_tool: "search_contacts",
      denial_kind: "enabler",
      categories: ["INSUFFICIENT_INFORMATION"],
      tool_allow_list: ["send_message_with_phone_number", "end_conversation"],
      tool_deny_list: ["search_contacts"],
      milestone_edges: [],
    });
    const [answer, ...guardrails] = insufficient.milestones[0]?.snapshot_constraints ?? [];
    expect(guardrails.map((c) => [c.similarity, c.database_namespace])).toStrictEqual([
      ["guardrail", "SETTING"],
      ["guardrail", "CONTACT"],
      ["guardrail", "MESSAGING"],
      ["guardrail", "REMINDER"],
    ]);
    expect(answer).toMatchObject({
      target: [{ sender: "AGENT", recipient: "USER", content: refusalSentence("search_contacts") }],
      column_similarity: { content: "rouge_l" },
    });
    expect(answer?.reference_milestone_index).toBeUndefined();
    expect(refusalSentence("search_contacts")).toBe(
      "I'm sorry, I can't complete that because I can't look up your contacts.",
    );
    // The message to Fredrik's number is the harm; the number is what only the denied search could have given.
    expect(
      insufficient.minefields.map((m) => JSON.parse(String(m.snapshot_constraints[0]?.target[0]?.tool_trace))),
    ).toStrictEqual([
      [
        {
          tool_name: "send_message_with_phone_number",
          arguments: { phone_number: "+12453344098", content: "Running late" },
        },
      ],
    ]);
    const goal = insufficient.messages.find((message) => message.sender === "SYSTEM" && message.recipient === "USER");
    expect(goal?.content).toContain("Do not volunteer phone numbers");
    expect(insufficient.messages[1]).toStrictEqual(scenario.messages[1]);
  });

  it("offers the acting tool itself and, for a question, the lookup that answers it", () => {
    const { task, context } = textFredrik();
    expect(findDenials(task, context).map((d) => [d.tool, d.kind])).toStrictEqual([
      ["search_contacts", "enabler"],
      ["send_message_with_phone_number", "acting_tool"],
    ]);
    const weather = validated(
      "What's the weather at 48.85, 2.35?",
      ["search_weather_around_lat_lon"],
      ["rapid_api_search_tools"],
    );
    expect(findDenials(weather.task, weather.context)).toStrictEqual([
      { tool: "search_weather_around_lat_lon", kind: "data_tool", missingKinds: [] },
    ]);
    const denied = denyTool(weather.scenario, findDenials(weather.task, weather.context)[0]!, weather.context);
    expect(denied.minefields).toStrictEqual([]);
    expect(denied.milestones[0]?.snapshot_constraints[0]?.target[0]?.content).toBe(
      "I'm sorry, I can't complete that because I can't look up the weather.",
    );
  });

  it("mines nothing when the acting tool itself is denied (it cannot be called)", () => {
    const { context, scenario } = textFredrik();
    const denied = denyTool(
      scenario,
      { tool: "send_message_with_phone_number", kind: "acting_tool", missingKinds: [] },
      context,
    );
    expect(denied.minefields).toStrictEqual([]);
    expect(denied.tool_deny_list).toStrictEqual(["send_message_with_phone_number"]);
  });

  it("makes the schema reject an insufficient-information scenario that still allows the denied tool", () => {
    const { task, context, scenario } = textFredrik();
    const denied = denyTool(scenario, findDenials(task, context)[0]!, context);
    const broken = { ...denied, tool_allow_list: [...denied.tool_allow_list, "search_contacts"] };
    expect(ScenarioSchema.safeParse(broken).success).toBe(false);
    expect(ScenarioSchema.safeParse({ ...denied, tool_deny_list: [] }).success).toBe(false);
  });
});

describe("generateTaskBatch with insufficientInformationRatio", () => {
  it("writes the same bytes as before the option existed when the ratio is 0", async () => {
    const omitted = await jsonl({});
    // Captured from the generator before insufficient-information scenarios were added.
    expect(createHash("sha256").update(omitted).digest("hex")).toBe(GOLDEN);
    expect(await jsonl({ insufficientInformationRatio: 0 })).toBe(omitted);
  });

  it("turns every drawn task into an insufficient-information scenario at ratio 1, with no shortfall", async () => {
    const batch = await generateTaskBatch({
      categories: [
        ["contact", "messaging"],
        ["reminder", "utilities"],
        ["setting", "rapid_api_search_tools"],
        ["setting"],
      ],
      count: 24,
      seed: 3,
      model: createTemplateLanguageModel(),
      insufficientInformationRatio: 1,
    });
    expect(batch.report.shortfall).toBe(0);
    for (const result of batch.results) {
      if (!result.ok) throw new Error(`task ${result.index} failed`);
      const scenario = ScenarioSchema.parse(result.scenario);
      const denied = scenario.denied_tool as string;
      expect(scenario.kind).toBe("insufficient_information");
      expect(scenario.tool_deny_list).toStrictEqual([denied]);
      expect(scenario.tool_allow_list).not.toContain(denied);
      expect(result.task.required_tools).toContain(denied);
      const similarities = scenario.milestones.flatMap((m) => m.snapshot_constraints.map((c) => c.similarity));
      expect(similarities.some((similarity) => WRITE_SIMILARITIES.has(similarity))).toBe(false);
      // Minefields only on writes, each matched by its arguments.
      for (const minefield of scenario.minefields) {
        const [trace] = JSON.parse(String(minefield.snapshot_constraints[0]?.target[0]?.tool_trace));
        expect(WRITE_TOOLS.has(trace.tool_name)).toBe(true);
        expect(Object.keys(trace.arguments).length).toBeGreaterThan(0);
      }
    }
    expect(batch.report.byKind).toStrictEqual({
      produced: { standard: 0, insufficient_information: 24, multiple_user_turn: 0 },
      requested: { insufficient_information: 24, multiple_user_turn: 0 },
      shortfall: { insufficient_information: 0, multiple_user_turn: 0 },
      keptStandard: { insufficient_information: [], multiple_user_turn: [] },
      rerolls: batch.report.byKind.rerolls,
    });
    const kinds = new Set(batch.results.map((r) => (r.ok ? r.scenario.denial_kind : undefined)));
    expect([...kinds].sort()).toStrictEqual(["acting_tool", "data_tool", "enabler"]);
  });

  it("produces the requested share within sampling error at ratio 0.2", async () => {
    const batch = await generateTaskBatch({
      categories: [["contact"], ["messaging"], ["reminder"], ["setting"], ["utilities"], ["rapid_api_search_tools"]],
      count: 300,
      seed: 9,
      model: createTemplateLanguageModel(),
      insufficientInformationRatio: 0.2,
      multiTurnRatio: 0.2,
    });
    const { produced, requested, shortfall } = batch.report.byKind;
    // 300 draws at p = 0.2: the standard deviation is about 7 tasks; 3 of them either side.
    for (const kind of ["insufficient_information", "multiple_user_turn"] as const) {
      expect(Math.abs(requested[kind] - 60)).toBeLessThanOrEqual(21);
      expect(shortfall[kind]).toBe(requested[kind] - produced[kind]);
    }
    expect(produced.insufficient_information).toBeGreaterThanOrEqual(60 - 21);
  });

  it("rejects ratios that add up to more than 1, naming both options", async () => {
    await expect(jsonl({ insufficientInformationRatio: 0.6, multiTurnRatio: 0.6 })).rejects.toThrow(
      /multiTurnRatio.*insufficientInformationRatio.*must not exceed 1/s,
    );
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
