import { createHash } from "node:crypto";
import { z } from "zod";

export const TASK_COMPLEXITIES = ["simple", "moderate", "complex"] as const;
export type TaskComplexity = (typeof TASK_COMPLEXITIES)[number];

/** One generated task (the plan's GeneratedTask), checked with zod wherever it crosses a boundary. */
export const GeneratedTaskSchema = z.object({
  task_id: z.string().regex(/^task-[0-9a-f]{16}$/),
  description: z.string().min(1),
  /** The tool calls the agent should make, in order (a tool may repeat). */
  required_tools: z.array(z.string().min(1)).min(1),
  estimated_steps: z.number().int().positive().nullable(),
  tools_category: z.array(z.string().min(1)).min(1),
  complexity: z.enum(TASK_COMPLEXITIES).nullable(),
  /** State the task relies on: `wifi_on`, `has_contacts`, `self_contact`, … */
  context_dependencies: z.array(z.string()).nullable(),
});
export type GeneratedTask = z.infer<typeof GeneratedTaskSchema>;

/** Complexity by number of calls: 1–2 simple, 3–5 moderate, 6+ complex. */
export function complexityOf(callCount: number): TaskComplexity {
  if (callCount <= 2) return "simple";
  if (callCount <= 5) return "moderate";
  return "complex";
}

export interface TaskIdInput {
  seed: number;
  index: number;
  categories: readonly string[];
  description: string;
  trajectory: readonly string[];
}

/**
 * A stable id from the batch position and the task's content: the same seed, index and reply always give the same
 * id, on any machine and in any shard.
 * @example
 * taskId({ seed: 42, index: 0, categories: ["setting"], description: "Turn off wifi", trajectory: ["set_wifi_status"] });
 */
export function taskId(input: TaskIdInput): string {
  const payload = JSON.stringify([input.seed, input.index, input.categories, input.description, input.trajectory]);
  return `task-${createHash("sha256").update(payload).digest("hex").slice(0, 16)}`;
}
