/**
 * Input tokens of a model call estimated from its prompt text: one token per four UTF-8 bytes, rounded up (the rule
 * of thumb the major providers give for English text with their tokenizers). Records carry the tokens a call
 * generated but not the tokens it read, so exports that report input tokens derive them from the prompt; the same
 * prompt always gives the same count.
 * @example
 * estimatePromptTokens("Summarise the findings"); // 6 (22 bytes)
 */
export function estimatePromptTokens(prompt: string): number {
  return Math.ceil(Buffer.byteLength(prompt, "utf8") / 4);
}
