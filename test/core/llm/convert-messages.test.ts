import { describe, expect, it } from "vitest";
import { toAnthropicMessages, toOpenAiMessages } from "../../../core/llm/convert-messages.ts";

describe("toOpenAiMessages", () => {
  it("puts the system prompt first when it is not empty", () => {
    expect(toOpenAiMessages("be brief", [{ role: "user", content: "hi" }])).toStrictEqual([
      { role: "system", content: "be brief" },
      { role: "user", content: "hi" },
    ]);
    expect(toOpenAiMessages("", [{ role: "user", content: "hi" }])).toStrictEqual([{ role: "user", content: "hi" }]);
  });
});

describe("toAnthropicMessages", () => {
  it("drops empty assistant turns and merges the user turns around them", () => {
    expect(
      toAnthropicMessages([
        { role: "user", content: "task" },
        { role: "assistant", content: "  " },
        { role: "user", content: "fix it" },
      ]),
    ).toStrictEqual([{ role: "user", content: "task\n\nfix it" }]);
  });

  it("keeps alternating turns as they are", () => {
    const messages = [
      { role: "user" as const, content: "a" },
      { role: "assistant" as const, content: "b" },
      { role: "user" as const, content: "c" },
    ];
    expect(toAnthropicMessages(messages)).toStrictEqual(messages);
  });
});
