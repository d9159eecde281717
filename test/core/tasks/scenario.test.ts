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

  it("turns reads into tool-trace milestones and writes into diff milestones with known columns", () => {
    const scenario = scenarioFor(
      'Text Fredrik "Running late"',
      ["search_contacts", "send_message_with_phone_number"],
      ["contact", "messaging"],
    );
    expect(scenario.milestones.map((milestone) => milestone.snapshot_constraints[0])).toStrictEqual([
      {
        database_namespace: "SANDBOX",
        similarity: "tool_trace",
        reference_milestone_index: -1,
        target: [{ sender: "EXECUTION_ENVIRONMENT", recipient: "AGENT", tool_trace: { tool_name: "search_contacts" } }],
      },
      {
        database_namespace: "MESSAGING",
        similarity: "addition",
        reference_milestone_index: 0,
        target: [{ recipient_phone_number: "+12453344098", content: "Running late" }],
      },
      {
        database_namespace: "SANDBOX",
        similarity: "snapshot",
        reference_milestone_index: -1,
        target: [{ sender: "AGENT", recipient: "USER" }],
      },
    ]);
    expect(scenario.milestone_edges).toStrictEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it("marks state dependency and checks the settings a fix reaches", () => {
    const scenario = scenarioFor(
      "Turn off low battery mode, then turn wifi back on. Then what is Apple's stock at?",
      ["set_low_battery_mode_status", "set_wifi_status", "search_stock"],
      ["setting", "rapid_api_search_tools"],
      "base_low_battery_mode_on_wifi_off_location_service_off_cellular_off",
    );
    expect(scenario.categories).toStrictEqual(["MULTIPLE_TOOL_CALL", "SINGLE_USER_TURN", "STATE_DEPENDENCY"]);
    expect(scenario.base_scenario).toBe("base_low_battery_mode_on_wifi_off_location_service_off_cellular_off");
    expect(scenario.milestones[1]?.snapshot_constraints[0]).toStrictEqual({
      database_namespace: "SETTING",
      similarity: "snapshot",
      reference_milestone_index: 0,
      target: [{ wifi: true, cellular: false, location_service: false, low_battery_mode: false }],
    });
  });

  it("tags canonicalization and a single tool call when they apply", () => {
    const scenario = scenarioFor("Convert 12 miles to kilometers", ["unit_conversion"], ["utilities"]);
    expect(scenario.categories).toStrictEqual(["SINGLE_TOOL_CALL", "SINGLE_USER_TURN", "CANONICALIZATION"]);
  });

  it("pins the removed contact's id when the task names exactly one contact", () => {
    const scenario = scenarioFor(
      "Delete John Petrucci from my contacts",
      ["search_contacts", "remove_contact"],
      ["contact"],
    );
    expect(scenario.milestones[1]?.snapshot_constraints[0]).toMatchObject({
      database_namespace: "CONTACT",
      similarity: "removal",
      target: [{ person_id: "a22e1984-6c6c-530c-8831-c3ea3b5138e7" }],
    });
  });
});
