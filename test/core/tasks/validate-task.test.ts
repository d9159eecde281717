import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../core/errors.ts";
import { createSampleExecutionContext } from "../../../core/tasks/execution-context.ts";
import { loadTaskPrompts } from "../../../core/tasks/prompts.ts";
import { GeneratedTaskSchema } from "../../../core/tasks/task-schema.ts";
import { validateTask } from "../../../core/tasks/validate-task.ts";

const prompts = loadTaskPrompts();
const context = createSampleExecutionContext();
const validate = (
  trajectory: string[],
  categories: string[],
  requested = categories,
  description = "Text Fredrik that I am late",
) =>
  validateTask(
    { description, trajectory, categories },
    { categories: requested, context, prompts, seed: 42, index: 3 },
  );

describe("validateTask", () => {
  it("returns a schema-valid task with complexity and dependencies when the reply is sound", () => {
    const { task } = validate(["search_contacts", "send_message_with_phone_number"], ["contact", "messaging"]);
    expect(GeneratedTaskSchema.parse(task)).toStrictEqual(task);
    expect(task).toMatchObject({
      description: "Text Fredrik that I am late",
      required_tools: ["search_contacts", "send_message_with_phone_number"],
      estimated_steps: 2,
      tools_category: ["contact", "messaging"],
      complexity: "simple",
      context_dependencies: ["cellular_on", "has_contacts", "self_contact"],
    });
  });

  it("gives the same id for the same seed, index and reply, and another id otherwise", () => {
    const first = validate(["search_contacts", "send_message_with_phone_number"], ["contact", "messaging"]).task;
    const again = validate(["search_contacts", "send_message_with_phone_number"], ["contact", "messaging"]).task;
    const other = validateTask(
      {
        description: "Text Fredrik that I am late",
        trajectory: ["search_contacts", "send_message_with_phone_number"],
        categories: ["contact", "messaging"],
      },
      { categories: ["contact", "messaging"], context, prompts, seed: 42, index: 4 },
    ).task;
    expect(again.task_id).toBe(first.task_id);
    expect(other.task_id).not.toBe(first.task_id);
  });

  it("names unknown tools, user-only tools and tools of other categories", () => {
    expect(() =>
      validate(["search_contacts", "order_pizza", "end_conversation", "get_wifi_status"], ["contact"]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: TRAJECTORY uses tools that are not in the available tool set: order_pizza (no such tool), end_conversation (only the user may call it), get_wifi_status (category setting, not requested). Use only: add_contact, modify_contact, remove_contact, search_contacts.]`,
    );
  });

  it("rejects categories that differ from the request", () => {
    expect(() =>
      validate(["search_contacts"], ["contact", "messaging"], ["contact"]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: CATEGORIES must be exactly the requested categories: [contact]. Got: [contact, messaging].]`,
    );
  });

  it("rejects a trajectory that leaves a requested category unused", () => {
    expect(() =>
      validate(["search_contacts"], ["contact", "messaging"], ["contact", "messaging"], "Find Fredrik's number"),
    ).toThrow(/calls none from: messaging/);
  });

  it("rejects an infeasible trajectory with the simulator's reasons", () => {
    const error = (() => {
      try {
        validate(["send_message_with_phone_number"], ["messaging"], ["messaging"], "Text Fredrik that I am late");
      } catch (caught) {
        return caught as ValidationError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error?.code).toBe("task_invalid");
    expect(error?.reasons).toStrictEqual([
      "send_message_with_phone_number (step 1) needs a phone_number, but nothing before it provides one: call search_contacts first or give the number in the task.",
    ]);
    expect(error?.message).toMatch(/^The trajectory cannot run against the current phone state: /);
  });

  it("rejects a description too short to be a task", () => {
    expect(() => validate(["get_wifi_status"], ["setting"], ["setting"], "wifi")).toThrow(/TASK \(too short/);
  });

  it("rejects trajectories longer than twelve calls", () => {
    const long = Array.from({ length: 13 }, () => "get_wifi_status");
    expect(() => validate(long, ["setting"], ["setting"], "Check my wifi thirteen times")).toThrow(/at most 12/);
  });
});
