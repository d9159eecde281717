import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../core/errors.ts";
import {
  AGENT_TOOLS,
  databasesForCategories,
  getToolCategoriesInfo,
  getToolCategoriesToolsMap,
  TASK_CATEGORIES,
  toolsForCategories,
  validateToolCategories,
} from "../../../core/tasks/catalog.ts";

describe("catalog", () => {
  it("lists the 33 agent-visible tools and the six task categories", () => {
    expect(AGENT_TOOLS).toHaveLength(33);
    expect(AGENT_TOOLS.map((tool) => tool.name)).not.toContain("end_conversation");
    expect([...TASK_CATEGORIES].sort()).toStrictEqual([
      "contact",
      "messaging",
      "rapid_api_search_tools",
      "reminder",
      "setting",
      "utilities",
    ]);
  });

  it("maps every category to its tools when asked for the tools map", () => {
    const map = getToolCategoriesToolsMap();
    expect(map.messaging).toStrictEqual(["send_message_with_phone_number", "search_messages"]);
    expect(Object.values(map).flat()).toHaveLength(33);
  });

  it("gives each category its own table and every table it touches", () => {
    const info = getToolCategoriesInfo();
    expect(info.get("messaging")?.database).toBe("MESSAGING");
    expect(info.get("utilities")?.database).toBeNull();
    expect(databasesForCategories(["messaging"])).toStrictEqual(["SETTING", "CONTACT", "MESSAGING"]);
    expect(databasesForCategories(["reminder"])).toStrictEqual(["SETTING", "REMINDER"]);
  });

  it("returns the tools of the requested categories in order", () => {
    expect(toolsForCategories(["contact"]).map((tool) => tool.name)).toStrictEqual([
      "add_contact",
      "modify_contact",
      "remove_contact",
      "search_contacts",
    ]);
  });
});

describe("validateToolCategories", () => {
  it("lists the available categories when one is unknown", () => {
    expect(() => validateToolCategories(["contact", "weather"])).toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: Unknown tool category "weather". Available: contact, messaging, rapid_api_search_tools, reminder, setting, utilities.]`,
    );
  });

  it("rejects the user-only category, an empty list and duplicates", () => {
    expect(() => validateToolCategories(["user_tools"])).toThrow(ValidationError);
    expect(() => validateToolCategories([])).toThrow(/At least one tool category/);
    expect(() => validateToolCategories(["setting", "setting"])).toThrow(/listed twice/);
  });
});
