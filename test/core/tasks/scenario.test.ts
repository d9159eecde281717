import { describe, expect, it } from "vitest";
import { createSampleExecutionContext } from "../../../core/tasks/execution-context.ts";
import { loadTaskPrompts } from "../../../core/tasks/prompts.ts";
import { createScenarioFromTask, ScenarioSchema } from "../../../core/tasks/scenario.ts";
import { validateTask } from "../../../core/tasks/validate-task.ts";

const prompts = loadTaskPrompts();

function scenarioFor(description: string, trajectory: string[], categories: string[], variant = "base") {
  const context = createSampleExecutionContext({ variant });
  const { task, simulation } = validateTask(
    { description, trajectory, categories },
    { categories, context, prompts, seed: 1, index: 0 },
  );
  return createScenarioFromTask(task, simulation, context, prompts);
}

describe("createScenarioFromTask", () => {
  it("builds a scenario that validates against its schema and survives a JSON round trip", () => {
    const scenario = scenarioFor(
      'Text Fredrik "Running late"',
      ["search_contacts", "send_message_with_phone_number"],
      ["contact", "messaging"],
    );
    expect(ScenarioSchema.parse(JSON.parse(JSON.stringify(scenario)))).toStrictEqual(scenario);
  });

  it("opens with a goal for the simulated user and the task as the user's first message", () => {
    const scenario = scenarioFor(
      'Text Fredrik "Running late"',
      ["search_contacts", "send_message_with_phone_number"],
      ["contact", "messaging"],
    );
    expect(scenario.messages.map((message) => [message.sender, message.recipient])).toStrictEqual([
      ["SYSTEM", "USER"],
      ["USER", "AGENT"],
    ]);
    expect(scenario.messages[0]?.content).toContain('Your goal: Text Fredrik "Running late"');
    expect(scenario.messages[0]?.visible_to).toStrictEqual(["USER"]);
    expect(scenario.messages[1]?.content).toBe('Text Fredrik "Running late"');
    expect(scenario.tool_allow_list).toStrictEqual([
      "search_contacts",
      "send_message_with_phone_number",
      "end_conversation",
    ]);
  });

  it("checks a message's full row and learns the number from search_contacts, with no reference on SANDBOX", () => {
    const scenario = scenarioFor(
      'Text Fredrik "Running late"',
      ["search_contacts", "send_message_with_phone_number"],
      ["contact", "messaging"],
    );
    // search_contacts only feeds the write, whose own milestone checks the outcome.
    expect(scenario.milestones).toHaveLength(1);
    expect(scenario.milestones[0]?.snapshot_constraints[0]).toMatchObject({
      database_namespace: "MESSAGING",
      similarity: "addition",
      reference_milestone_index: -1,
      target: [
        {
          sender_phone_number: "+11233344455",
          recipient_phone_number: "+12453344098",
          content: "Running late",
        },
      ],
    });
    expect(scenario.expected_calls[1]).toStrictEqual({
      tool: "send_message_with_phone_number",
      arguments: { phone_number: { $result_of: 0, path: [0, "phone_number"] }, content: "Running late" },
    });
  });

  it("writes tool-trace targets as JSON strings with tool_name and arguments, and fills learnt values from results", () => {
    const scenario = scenarioFor(
      "How many days are left until March 4, 2027?",
      ["get_current_timestamp", "datetime_info_to_timestamp", "timestamp_diff"],
      ["utilities"],
    );
    const [now, date, diff, answer] = scenario.milestones.map((m) => m.snapshot_constraints[0]);
    expect(now?.reference_milestone_index).toBeUndefined();
    expect(JSON.parse(String(now?.target[0]?.tool_trace))).toStrictEqual([
      { tool_name: "get_current_timestamp", arguments: {} },
    ]);
    expect(JSON.parse(String(date?.target[0]?.tool_trace))).toStrictEqual([
      {
        tool_name: "datetime_info_to_timestamp",
        arguments: { year: 2027, month: 3, day: 4, hour: 0, minute: 0, second: 0 },
      },
    ]);
    expect(diff).toMatchObject({
      similarity: "tool_trace_dependent",
      reference_milestone_index: 0,
      dependent: { fill_to: "tool_trace", extract: [{ path: [], as: "timestamp_0" }] },
    });
    expect(answer).toMatchObject({
      similarity: "tool_trace_dependent",
      target: [{ content: "There are {days} days left." }],
    });
    // Order is forced only where data flows: the two lookups are free, the diff needs both, the answer comes last.
    expect(scenario.milestone_edges).toStrictEqual([
      [0, 2],
      [1, 2],
      [2, 3],
    ]);
  });

  it("puts one switch in each SETTING milestone and orders only what the tools force", () => {
    const scenario = scenarioFor(
      "Turn off low battery mode, then turn wifi back on and tell me Apple's stock price.",
      ["set_low_battery_mode_status", "set_wifi_status", "search_stock"],
      ["setting", "rapid_api_search_tools"],
      "base_low_battery_mode_on_wifi_off_location_service_off_cellular_off",
    );
    expect(scenario.categories).toContain("STATE_DEPENDENCY");
    expect(scenario.milestones.slice(0, 2).map((m) => m.snapshot_constraints[0]?.target)).toStrictEqual([
      [{ low_battery_mode: false }],
      [{ wifi: true }],
    ]);
    expect(scenario.milestone_edges).toContainEqual([0, 1]);
    expect(scenario.milestone_edges).toContainEqual([1, 2]);
    for (const milestone of scenario.milestones)
      expect(milestone.guardrail_database_exclusion_list).toStrictEqual(["SETTING"]);
  });

  it("tags canonicalization and a single tool call when they apply", () => {
    const scenario = scenarioFor("Convert 12 miles to kilometers", ["unit_conversion"], ["utilities"]);
    expect(scenario.categories).toStrictEqual(["SINGLE_TOOL_CALL", "SINGLE_USER_TURN", "CANONICALIZATION"]);
  });

  it("checks the full removed row of the one contact the task names", () => {
    const scenario = scenarioFor(
      "Delete John Petrucci from my contacts",
      ["search_contacts", "remove_contact"],
      ["contact"],
    );
    expect(scenario.milestones[0]?.snapshot_constraints[0]).toMatchObject({
      similarity: "removal",
      target: [{ name: "John Petrucci", phone_number: "+1234560987", relationship: "friend", is_self: false }],
    });
  });
});
