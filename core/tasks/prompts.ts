import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { formatIssues, issuesFromZod, PromptTemplateError } from "../errors.ts";

const PROMPTS_PATH = "prompts/task-generator.yaml";

/**
 * Where prompts live: beside the source tree in the repository, or under the working directory in a bundle (SST
 * `copyFiles: [{ from: "prompts" }]` puts them at the function root, which is Lambda's working directory).
 */
export const DEFAULT_PROMPTS_FILE = resolvePromptsFile();

function resolvePromptsFile(): string {
  const besideSource = fileURLToPath(new URL(`../../${PROMPTS_PATH}`, import.meta.url));
  if (existsSync(besideSource)) return besideSource;
  const underWorkingDirectory = join(process.cwd(), PROMPTS_PATH);
  return existsSync(underWorkingDirectory) ? underWorkingDirectory : besideSource;
}

const placeholders = (...names: string[]) =>
  z.string().refine((template) => names.every((name) => template.includes(`{${name}}`)), {
    message: `must contain the placeholders ${names.map((name) => `{${name}}`).join(", ")}`,
  });

export const TaskPromptsSchema = z.object({
  system_prompt: z.string().min(1),
  task_prompt: placeholders("tool_categories", "tools_description", "state_summary"),
  expected_format: z.string().min(1),
  format_correction: placeholders("incorrect_response", "error_explanation", "expected_format"),
  user_goal: placeholders("task"),
  common_format_errors: z.object({
    missing_fields: placeholders("missing_fields"),
    empty_reply: z.string().min(1),
    truncated_reply: z.string().min(1),
    invalid_trajectory_format: placeholders("trajectory"),
    nonexistent_tools: placeholders("invalid_tools", "available_tools"),
    category_mismatch: placeholders("expected_categories", "actual_categories"),
    uncovered_categories: placeholders("missing_categories"),
    infeasible_trajectory: placeholders("reasons"),
  }),
});
export type TaskPrompts = z.infer<typeof TaskPromptsSchema>;
export type FormatErrorKey = keyof TaskPrompts["common_format_errors"];

const cache = new Map<string, TaskPrompts>();

/**
 * Reads and validates the task generator's YAML prompts once per file (call at start so a bad file fails early).
 * @example
 * const prompts = loadTaskPrompts();
 */
export function loadTaskPrompts(file: string = DEFAULT_PROMPTS_FILE): TaskPrompts {
  const cached = cache.get(file);
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new PromptTemplateError(`[prompts] Cannot read ${file}. Ship prompts/ with the code.`, { cause: error });
  }
  const prompts = parseTaskPrompts(text, file);
  cache.set(file, prompts);
  return prompts;
}

export function parseTaskPrompts(text: string, source = "task prompts"): TaskPrompts {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new PromptTemplateError(`[prompts] ${source} is not valid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = TaskPromptsSchema.safeParse(data);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error.issues, data);
    throw new PromptTemplateError(`[prompts] ${source} is invalid:\n${formatIssues(issues)}`, { details: issues });
  }
  return parsed.data;
}

/** Replaces `{name}` placeholders in one pass, so values containing braces are never re-expanded. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z_]+)\}/g, (match, name: string) => values[name] ?? match);
}
