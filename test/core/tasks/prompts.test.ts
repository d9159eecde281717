import { describe, expect, it } from "vitest";
import { PromptTemplateError } from "../../../core/errors.ts";
import { fillTemplate, loadTaskPrompts, parseTaskPrompts } from "../../../core/tasks/prompts.ts";

describe("loadTaskPrompts", () => {
  it("loads and validates prompts/task-generator.yaml", () => {
    const prompts = loadTaskPrompts();
    expect(prompts.task_prompt).toContain("{tools_description}");
    expect(Object.keys(prompts.common_format_errors)).toContain("category_mismatch");
  });

  it("fails with the file name when the file is missing", () => {
    expect(() => loadTaskPrompts("/nonexistent/prompts.yaml")).toThrow(PromptTemplateError);
  });
});

describe("parseTaskPrompts", () => {
  it("names the template that lacks a placeholder", () => {
    const text = loadTaskPromptsText().replace("{state_summary}", "(state)");
    expect(() => parseTaskPrompts(text, "broken.yaml")).toThrowErrorMatchingInlineSnapshot(`
      [PromptTemplateError: [prompts] broken.yaml is invalid:
        - task_prompt: must contain the placeholders {tool_categories}, {tools_description}, {state_summary} (got "Requested tool categories: {tool_categories}\\n\\nAvailable tools:\\n{tools_description}\\n\\nCurrent phone state:\\n(state)\\)]
    `);
  });

  it("reports YAML syntax errors", () => {
    expect(() => parseTaskPrompts("system_prompt: [unclosed", "bad.yaml")).toThrow(/bad.yaml is not valid YAML/);
  });
});

describe("fillTemplate", () => {
  it("does not re-expand braces inside values", () => {
    expect(fillTemplate("{a} and {b}", { a: "{b}", b: "x" })).toBe("{b} and x");
  });
});

function loadTaskPromptsText(): string {
  return `system_prompt: s
task_prompt: |
  Requested tool categories: {tool_categories}

  Available tools:
  {tools_description}

  Current phone state:
  {state_summary}

  Write one task.
expected_format: f
format_correction: "{incorrect_response} {error_explanation} {expected_format}"
user_goal: "{task}"
common_format_errors:
  missing_fields: "{missing_fields}"
  empty_reply: e
  truncated_reply: t
  invalid_trajectory_format: "{trajectory}"
  nonexistent_tools: "{invalid_tools} {available_tools}"
  category_mismatch: "{expected_categories} {actual_categories}"
  uncovered_categories: "{missing_categories}"
  infeasible_trajectory: "{reasons}"
`;
}
