import { ValidationError } from "../errors.ts";
import { findTool, toolsForCategories } from "./catalog.ts";
import type { ExecutionContext } from "./execution-context.ts";
import type { ParsedReply } from "./parse-reply.ts";
import { fillTemplate, type TaskPrompts } from "./prompts.ts";
import { type Simulation, simulateTrajectory } from "./simulate-trajectory.ts";
import { complexityOf, type GeneratedTask, taskId } from "./task-schema.ts";

/** Longer chains are not tasks a user would type in one go, and they hint at a model rambling. */
export const MAX_TRAJECTORY_LENGTH = 12;
const MIN_DESCRIPTION_LENGTH = 8;

export interface ValidateTaskOptions {
  categories: readonly string[];
  context: ExecutionContext;
  prompts: TaskPrompts;
  seed: number;
  index: number;
}

export interface ValidatedTask {
  task: GeneratedTask;
  simulation: Simulation;
}

/**
 * Checks a parsed reply against the request and the state: description present, tools that exist and belong to
 * the requested categories, CATEGORIES equal to the request, every category used, and a trajectory that can run.
 * Throws ValidationError whose message is ready to send back to the model.
 * @example
 * const { task } = validateTask(parseTaskReply(reply, prompts), { categories, context, prompts, seed: 42, index: 0 });
 */
export function validateTask(reply: ParsedReply, options: ValidateTaskOptions): ValidatedTask {
  const { categories, context, prompts } = options;
  const errors = prompts.common_format_errors;
  if (reply.description.length < MIN_DESCRIPTION_LENGTH) {
    throw new ValidationError(fillTemplate(errors.missing_fields, { missing_fields: "TASK (too short to be a task)" }));
  }

  const available = toolsForCategories(categories).map((tool) => tool.name);
  const invalid = [...new Set(reply.trajectory.filter((name) => !available.includes(name)))];
  if (invalid.length > 0) {
    const described = invalid.map((name) => {
      const tool = findTool(name);
      if (tool === undefined) return `${name} (no such tool)`;
      if (!tool.visible_to.includes("AGENT")) return `${name} (only the user may call it)`;
      return `${name} (category ${tool.category}, not requested)`;
    });
    throw new ValidationError(
      fillTemplate(errors.nonexistent_tools, {
        invalid_tools: described.join(", "),
        available_tools: available.join(", "),
      }),
    );
  }

  const requested = [...categories].sort();
  const got = [...new Set(reply.categories)].sort();
  if (requested.join(",") !== got.join(",")) {
    throw new ValidationError(
      fillTemplate(errors.category_mismatch, {
        expected_categories: `[${categories.join(", ")}]`,
        actual_categories: `[${reply.categories.join(", ")}]`,
      }),
    );
  }

  const used = new Set(reply.trajectory.map((name) => findTool(name)?.category));
  const uncovered = categories.filter((category) => !used.has(category));
  if (uncovered.length > 0) {
    throw new ValidationError(fillTemplate(errors.uncovered_categories, { missing_categories: uncovered.join(", ") }));
  }

  const reasons: string[] = [];
  if (reply.trajectory.length > MAX_TRAJECTORY_LENGTH) {
    reasons.push(`The trajectory has ${reply.trajectory.length} calls; keep it to at most ${MAX_TRAJECTORY_LENGTH}.`);
  }
  const simulation = simulateTrajectory(reply.description, reply.trajectory, context);
  reasons.push(...simulation.reasons);
  if (reasons.length > 0) {
    throw new ValidationError(fillTemplate(errors.infeasible_trajectory, { reasons: reasons.join(" ") }), reasons);
  }

  const task: GeneratedTask = {
    task_id: taskId({
      seed: options.seed,
      index: options.index,
      categories,
      description: reply.description,
      trajectory: reply.trajectory,
    }),
    description: reply.description,
    required_tools: [...reply.trajectory],
    estimated_steps: reply.trajectory.length,
    tools_category: [...categories],
    complexity: complexityOf(reply.trajectory.length),
    context_dependencies: simulation.dependencies,
  };
  return { task, simulation };
}
