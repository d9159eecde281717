import type { ChatMessage } from "./language-model.ts";

export interface OpenAiChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** OpenAI takes the system prompt as the first message. */
export function toOpenAiMessages(system: string, messages: readonly ChatMessage[]): OpenAiChatMessage[] {
  const converted: OpenAiChatMessage[] = system === "" ? [] : [{ role: "system", content: system }];
  for (const message of messages) converted.push({ role: message.role, content: message.content });
  return converted;
}

export interface AnthropicMessageParam {
  role: "user" | "assistant";
  content: string;
}

/**
 * Anthropic takes the system prompt separately and wants alternating turns starting with the user, so consecutive
 * messages of one role are merged (a correction after an empty assistant turn would otherwise be rejected).
 */
export function toAnthropicMessages(messages: readonly ChatMessage[]): AnthropicMessageParam[] {
  const converted: AnthropicMessageParam[] = [];
  for (const message of messages) {
    if (message.role === "assistant" && message.content.trim() === "") continue;
    const last = converted.at(-1);
    if (last !== undefined && last.role === message.role) {
      last.content = `${last.content}\n\n${message.content}`;
    } else {
      converted.push({ role: message.role, content: message.content });
    }
  }
  return converted;
}
