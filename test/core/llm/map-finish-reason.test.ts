import { describe, expect, it } from "vitest";
import { mapAnthropicStopReason, mapOpenAiFinishReason } from "../../../core/llm/map-finish-reason.ts";

describe("mapOpenAiFinishReason", () => {
  it("maps each OpenAI finish reason when given one", () => {
    expect(["stop", "length", "content_filter", "tool_calls", null].map(mapOpenAiFinishReason)).toStrictEqual([
      "stop",
      "length",
      "content-filter",
      "other",
      "other",
    ]);
  });
});

describe("mapAnthropicStopReason", () => {
  it("maps each Anthropic stop reason when given one", () => {
    expect(
      ["end_turn", "stop_sequence", "max_tokens", "model_context_window_exceeded", "refusal", "tool_use", null].map(
        mapAnthropicStopReason,
      ),
    ).toStrictEqual(["stop", "stop", "length", "length", "content-filter", "other", "other"]);
  });
});
