import { describe, expect, it } from "vitest";
import { FormatError } from "../../../core/errors.ts";
import { parseTaskReply } from "../../../core/tasks/parse-reply.ts";
import { loadTaskPrompts } from "../../../core/tasks/prompts.ts";

const prompts = loadTaskPrompts();
const parse = (text: string) => parseTaskReply(text, prompts);

const EXPECTED = {
  description: "Text Fredrik that I am running late",
  trajectory: ["search_contacts", "send_message_with_phone_number"],
  categories: ["contact", "messaging"],
};

describe("parseTaskReply", () => {
  it.each([
    [
      "the plain three-line format",
      "TASK: Text Fredrik that I am running late\nTRAJECTORY: search_contacts -> send_message_with_phone_number\nCATEGORIES: [contact, messaging]",
    ],
    [
      "markdown bold labels and a preamble",
      "Here is a task:\n\n**TASK:** Text Fredrik that I am running late\n**TRAJECTORY:** search_contacts -> send_message_with_phone_number\n**CATEGORIES:** [contact, messaging]\n\nLet me know if you need more.",
    ],
    [
      "lower-case labels, bracketed trajectory and quoted categories",
      "task: Text Fredrik that I am running late\ntrajectory: [search_contacts -> send_message_with_phone_number]\ncategories: ['contact', 'messaging']",
    ],
    [
      "comma-separated trajectory (the fork's format)",
      "TASK: Text Fredrik that I am running late\nTRAJECTORY: search_contacts, send_message_with_phone_number\nCATEGORIES: contact, messaging",
    ],
    [
      "unicode arrows, backticks and call parentheses",
      'TASK: Text Fredrik that I am running late\nTRAJECTORY: `search_contacts(name="Fredrik")` → `send_message_with_phone_number(...)`\nCATEGORIES: [contact, messaging]',
    ],
    [
      "a task spread over two lines and a numbered trajectory list",
      "TASK: Text Fredrik that\nI am running late\nTRAJECTORY:\n1. search_contacts\n2. send_message_with_phone_number\nCATEGORIES: [contact, messaging]",
    ],
    [
      "bare JSON",
      JSON.stringify({
        task: "Text Fredrik that I am running late",
        trajectory: "search_contacts -> send_message_with_phone_number",
        categories: ["contact", "messaging"],
      }),
    ],
    [
      "fenced JSON with array trajectory and other key names",
      '```json\n{"description": "Text Fredrik that I am running late", "required_tools": ["search_contacts", "send_message_with_phone_number"], "tools_category": ["contact", "messaging"]}\n```',
    ],
    [
      "JSON embedded in prose",
      'Sure! {"TASK": "Text Fredrik that I am running late", "TRAJECTORY": ["search_contacts", "send_message_with_phone_number"], "CATEGORIES": "contact, messaging"} Hope it helps.',
    ],
    [
      "labelled lines inside a plain code fence",
      "```\nTASK: Text Fredrik that I am running late\nTRAJECTORY: search_contacts -> send_message_with_phone_number\nCATEGORIES: [contact, messaging]\n```",
    ],
    [
      "a quoted task and Windows line endings",
      'TASK: "Text Fredrik that I am running late"\r\nTRAJECTORY: search_contacts -> send_message_with_phone_number\r\nCATEGORIES: [Contact, Messaging]',
    ],
  ])("extracts the fields from %s", (_shape, text) => {
    expect(parse(text)).toStrictEqual(EXPECTED);
  });

  it("names the missing fields when some are absent", () => {
    const error = (() => {
      try {
        parse("TASK: Turn off wifi please");
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toBe(
      "The reply must contain the three fields TASK:, TRAJECTORY: and CATEGORIES:. Missing: TRAJECTORY, CATEGORIES.",
    );
    expect((error as FormatError).response).toBe("TASK: Turn off wifi please");
    expect((error as FormatError).expectedFormat).toContain("TRAJECTORY: <tool_name_1 -> tool_name_2");
  });

  it("rejects a trajectory written as prose", () => {
    expect(() =>
      parse("TASK: Turn off wifi now\nTRAJECTORY: first I would check the wifi\nCATEGORIES: [setting]"),
    ).toThrow(/TRAJECTORY must list tool names separated by arrows/);
  });

  it("rejects empty and whitespace-only replies", () => {
    expect(() => parse("   \n")).toThrow(/The reply was empty/);
  });

  it("rejects free text without any field", () => {
    expect(() => parse("I think the user should turn off wifi.")).toThrow(/Missing: TASK, TRAJECTORY, CATEGORIES/);
  });

  it("rejects an empty category list", () => {
    expect(() => parse("TASK: Turn off wifi now\nTRAJECTORY: set_wifi_status\nCATEGORIES: []")).toThrow(FormatError);
  });
});
