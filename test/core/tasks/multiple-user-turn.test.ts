import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import { createRandomizer } from "../../../core/random.ts";
import { MAX_KIND_REROLLS, taskContext } from "../../../core/tasks/generate-batch.ts";
import {
  findWithholdableDetails,
  toMultipleUserTurnScenario,
  withholdDetail,
} from "../../../core/tasks/multiple-user-turn.ts";
import { type Scenario, ScenarioSchema } from "../../../core/tasks/scenario.ts";
import { batchOf, jsonl, textFredrik, validated } from "./scenario-helpers.ts";

// The template batch without the kind options, captured when the template provider gained longer chains (issue 10).
const GOLDEN = "3b4d41fd36f2bb039b32a6d27307d6f70651a22e967a282bdc6533f5572a45fc";
const goalOf = (scenario: Scenario) =>
  scenario.messages.find((message) => message.sender === "SYSTEM" && message.recipient === "USER")?.content ?? "";
const firstOf = (scenario: Scenario) =>
  scenario.messages.find((message) => message.sender === "USER" && message.recipient === "AGENT")?.content ?? "";

describe("findWithholdableDetails", () => {
  it("offers the message text and the contact when a task texts a named contact", () => {
    const { task, context } = textFredrik();
    expect(findWithholdableDetails(task, context)).toStrictEqual([
      { kind: "message_text", text: "Running late", request: "Text Fredrik" },
      { kind: "contact", text: "Fredrik", request: 'Send a text saying "Running late"' },
    ]);
  });

  it("offers the relative time and the title when a task adds a reminder", () => {
    const { task, context } = validated(
      "Remind me in 4 days to buy milk.",
      ["get_current_timestamp", "shift_timestamp", "add_reminder"],
      ["reminder", "utilities"],
    );
    expect(findWithholdableDetails(task, context)).toStrictEqual([
      { kind: "relative_time", text: "in 4 days", request: "Remind me to buy milk." },
      { kind: "reminder_title", text: "buy milk", request: "Remind me in 4 days." },
    ]);
  });

  it("offers a quoted title and a clock time without touching the quote", () => {
    const { task, context } = validated(
      'Remind me tomorrow at 5pm to "call the bank tomorrow"',
      ["get_current_timestamp", "shift_timestamp", "add_reminder"],
      ["reminder", "utilities"],
    );
    expect(findWithholdableDetails(task, context)).toStrictEqual([
      { kind: "relative_time", text: "tomorrow at 5pm", request: 'Remind me to "call the bank tomorrow"' },
      { kind: "reminder_title", text: "call the bank tomorrow", request: "Remind me tomorrow at 5pm" },
    ]);
  });

  it("offers the phone number a new contact gets", () => {
    const { task, context } = validated(
      "Add Jamal Carter to my contacts with the number +14155550199.",
      ["add_contact"],
      ["contact"],
    );
    expect(findWithholdableDetails(task, context)).toStrictEqual([
      { kind: "phone_number", text: "+14155550199", request: "Add Jamal Carter to my contacts." },
    ]);
  });

  it("does not offer a contact the request would still name through a relationship", () => {
    const named = validated(
      'Text Homer "Running late" since he is my boss',
      ["search_contacts", "send_message_with_phone_number"],
      ["contact", "messaging"],
    );
    expect(findWithholdableDetails(named.task, named.context).map((detail) => detail.kind)).toStrictEqual([
      "message_text",
    ]);
    const unnamed = validated(
      'Text my boss "Running late"',
      ["search_contacts", "send_message_with_phone_number"],
      ["contact", "messaging"],
    );
    expect(findWithholdableDetails(unnamed.task, unnamed.context).map((detail) => detail.kind)).toStrictEqual([
      "message_text",
    ]);
  });

  it("finds none when the task has nothing the user could hold back", () => {
    const { task, context } = validated("Where am I right now?", ["get_current_location"], ["setting"]);
    expect(findWithholdableDetails(task, context)).toStrictEqual([]);
  });
});

describe("withholdDetail", () => {
  it("opens without the detail, keeps it in the goal, and keeps the standard milestones and tools", () => {
    const { task, context, scenario } = textFredrik();
    const withheld = toMultipleUserTurnScenario(task, scenario, context, createRandomizer(1, "detail"));
    expect(withheld).not.toBeNull();
    const multi = ScenarioSchema.parse(withheld);
    const detail = multi.withheld_detail as { kind: string; text: string };
    expect(multi.kind).toBe("multiple_user_turn");
    expect(multi.name).toBe(`${scenario.name}_multiple_user_turn`);
    expect(multi.categories).toStrictEqual(["MULTIPLE_TOOL_CALL", "MULTIPLE_USER_TURN"]);
    expect(firstOf(multi)).not.toContain(detail.text);
    expect(goalOf(multi)).toContain(task.description);
    expect(goalOf(multi)).toContain(`Give "${detail.text}" only when the assistant asks for it.`);
    expect(multi.milestones).toStrictEqual(scenario.milestones);
    expect(multi.milestone_edges).toStrictEqual(scenario.milestone_edges);
    expect(multi.tool_allow_list).toStrictEqual(scenario.tool_allow_list);
    expect(multi.starting_context).toStrictEqual(scenario.starting_context);
  });

  it("returns null for a task without a withholdable detail", () => {
    const { task, context, scenario } = validated("Where am I right now?", ["get_current_location"], ["setting"]);
    expect(toMultipleUserTurnScenario(task, scenario, context, createRandomizer(1, "detail"))).toBeNull();
  });

  it("makes the schema reject a multi-turn scenario that gives the detail away or does not name it", () => {
    const { task, context, scenario } = textFredrik();
    const multi = withholdDetail(scenario, findWithholdableDetails(task, context)[0]!);
    expect(ScenarioSchema.safeParse(multi).success).toBe(true);
    const leaky = {
      ...multi,
      messages: multi.messages.map((m) => (m.sender === "USER" ? { ...m, content: task.description } : m)),
    };
    expect(ScenarioSchema.safeParse(leaky).success).toBe(false);
    const { withheld_detail: _detail, ...unnamed } = multi;
    expect(ScenarioSchema.safeParse(unnamed).success).toBe(false);
    expect(ScenarioSchema.safeParse({ ...multi, categories: scenario.categories }).success).toBe(false);
  });
});

describe("generateTaskBatch with multiTurnRatio", () => {
  it("writes the same bytes as before the option existed when the ratio is 0", async () => {
    const omitted = await jsonl({});
    // Captured with the longer template chains of issue 10 (the same capture as the insufficient-information test).
    expect(createHash("sha256").update(omitted).digest("hex")).toBe(GOLDEN);
    expect(await jsonl({ multiTurnRatio: 0 })).toBe(omitted);
  });

  it("turns every drawn task into a multi-turn scenario at ratio 1, rerolling those without a detail", async () => {
    const standard = await batchOf({ count: 24, seed: 3 });
    const batch = await batchOf({ count: 24, seed: 3, multiTurnRatio: 1 });
    expect(batch.report.shortfall).toBe(0);
    const kept: number[] = [];
    batch.results.forEach((result, i) => {
      const before = standard.results[i];
      if (!result.ok || before?.ok !== true) throw new Error(`task ${i} failed`);
      const scenario = ScenarioSchema.parse(result.scenario);
      expect(result.drawnKind).toBe("multiple_user_turn");
      if (scenario.kind === undefined) {
        kept.push(result.index);
        expect(result.rerolls).toBe(MAX_KIND_REROLLS);
        return;
      }
      const detail = scenario.withheld_detail as { kind: string; text: string };
      const details = findWithholdableDetails(result.task, taskContext(3, result.index, result.categories));
      expect(scenario.kind).toBe("multiple_user_turn");
      expect(details.map((candidate) => candidate.text)).toContain(detail.text);
      expect(firstOf(scenario).toLowerCase()).not.toContain(detail.text.toLowerCase());
      expect(goalOf(scenario)).toContain(detail.text);
      expect(goalOf(scenario)).toContain(result.task.description);
      // A first candidate that could take the kind is the standard task; its milestones stay the standard ones.
      if (result.rerolls === undefined) {
        expect(result.task).toStrictEqual(before.task);
        expect(scenario.milestones).toStrictEqual(before.scenario.milestones);
        expect(scenario.categories).toStrictEqual(
          before.scenario.categories.map((c) => (c === "SINGLE_USER_TURN" ? "MULTIPLE_USER_TURN" : c)),
        );
      }
    });
    expect(batch.report.byKind.keptStandard.multiple_user_turn).toStrictEqual(kept);
    expect(batch.report.byKind.shortfall.multiple_user_turn).toBe(kept.length);
    expect(batch.report.byKind.produced.multiple_user_turn).toBe(24 - kept.length);
    expect(batch.report.byKind.produced.multiple_user_turn).toBeGreaterThan(16);
  });

  it("gives the same bytes for the same seed, draws per index, and regenerates a shard alone", async () => {
    const half = await jsonl({ multiTurnRatio: 0.5 });
    expect(await jsonl({ multiTurnRatio: 0.5 })).toBe(half);
    const kinds = half
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line).scenario.kind ?? "standard");
    expect(kinds).toContain("standard");
    expect(kinds).toContain("multiple_user_turn");
    const shard = await jsonl({ multiTurnRatio: 0.5, startIndex: 10, count: 6 });
    expect(shard).toBe(`${half.trimEnd().split("\n").slice(10).join("\n")}\n`);
  });

  it("gives each task one kind from one draw, so the two shares add up", async () => {
    const both = await batchOf({ count: 40, insufficientInformationRatio: 0.5, multiTurnRatio: 0.5 });
    const { requested } = both.report.byKind;
    expect(requested.insufficient_information + requested.multiple_user_turn).toBe(40);
    for (const result of both.results) {
      if (!result.ok) throw new Error(`task ${result.index} failed`);
      expect(result.scenario.kind ?? result.drawnKind).toBe(result.drawnKind);
    }
  });

  it("rejects a ratio outside 0..1 naming the option", async () => {
    for (const ratio of [-0.1, 1.5, Number.NaN]) {
      await expect(jsonl({ multiTurnRatio: ratio })).rejects.toThrow(ConfigError);
    }
    await expect(jsonl({ multiTurnRatio: 2 })).rejects.toThrow(/multiTurnRatio.*0 to 1/s);
  });
});
