export { createAnthropicLanguageModel } from "./anthropic.ts";
export * from "./convert-messages.ts";
export { createLanguageModel } from "./create-language-model.ts";
export * from "./language-model.ts";
export * from "./map-finish-reason.ts";
export { createOpenAiLanguageModel } from "./openai.ts";
export * from "./options.ts";
export { createTemplateLanguageModel } from "./template.ts";
export { isRetryableStatus, toLlmCallError } from "./to-llm-call-error.ts";
