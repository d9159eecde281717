import { z } from "zod";
import { cloneExecutionContext, type ExecutionContext, SETTING_VARIANT_NAMES } from "./execution-context.ts";
import { checkWithheldDetail } from "./multiple-user-turn.ts";
import { fillTemplate, type TaskPrompts } from "./prompts.ts";
import type { Simulation } from "./simulate-trajectory.ts";
import type { GeneratedTask } from "./task-schema.ts";
import { referencedContacts, referencedReminders } from "./task-text.ts";

// A ToolSandbox-shaped scenario (NOTES.md §c) from a validated task: the starting state, the two opening messages,
// the allowed tools and milestones that an evaluator can match against snapshots.

export const SCENARIO_CATEGORIES = [
  "SINGLE_TOOL_CALL",
  "MULTIPLE_TOOL_CALL",
  "SINGLE_USER_TURN",
  "MULTIPLE_USER_TURN",
  "STATE_DEPENDENCY",
  "CANONICALIZATION",
  "INSUFFICIENT_INFORMATION",
] as const;

/** Upstream's message cap per scenario. */
export const MAX_MESSAGES = 30;

const RoleSchema = z.enum(["SYSTEM", "USER", "AGENT", "EXECUTION_ENVIRONMENT"]);
const NamespaceSchema = z.enum(["SANDBOX", "SETTING", "CONTACT", "MESSAGING", "REMINDER"]);

const SnapshotConstraintSchema = z.object({
  database_namespace: NamespaceSchema,
  /**
   * snapshot: rows equal; addition/removal/update: diff against the reference snapshot; tool_trace: a call made;
   * guardrail: the table is unchanged since the reference snapshot (target empty).
   */
  similarity: z.enum(["snapshot", "addition", "removal", "update", "tool_trace", "guardrail"]),
  /** Milestone whose snapshot the diff is taken against; -1 = the snapshot at the first user message. */
  reference_milestone_index: z.number().int().min(-1),
  /** Rows to match; only the columns given are compared, an empty row matches any row. */
  target: z.array(z.record(z.string(), z.unknown())),
  /** Per-column measure where exact equality is too strict, e.g. ROUGE-L F for the agent's free-text answer. */
  column_similarity: z.record(z.string(), z.enum(["exact", "rouge_l"])).optional(),
});
const MilestoneSchema = z.object({
  index: z.number().int().min(0),
  description: z.string(),
  snapshot_constraints: z.array(SnapshotConstraintSchema).min(1),
});

const SettingRowSchema = z.object({
  device_id: z.string(),
  cellular: z.boolean(),
  wifi: z.boolean(),
  location_service: z.boolean(),
  low_battery_mode: z.boolean(),
  latitude: z.number(),
  longitude: z.number(),
});

/** "standard" scenarios leave `kind` out, so batches without insufficient-information tasks keep their bytes. */
export const SCENARIO_KINDS = ["standard", "insufficient_information", "multiple_user_turn"] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

/** What a multiple-user-turn scenario's first user message leaves out. */
export const WITHHELD_DETAIL_KINDS = [
  "message_text",
  "contact",
  "phone_number",
  "relative_time",
  "reminder_title",
] as const;
export type WithheldDetailKind = (typeof WITHHELD_DETAIL_KINDS)[number];

const WithheldDetailSchema = z.object({
  kind: z.enum(WITHHELD_DETAIL_KINDS),
  /** The words of the task text the user gives only when asked. */
  text: z.string().min(1),
});

export const ScenarioSchema = z
  .object({
    scenario_id: z.string(),
    name: z.string(),
    task_id: z.string(),
    kind: z.enum(SCENARIO_KINDS).optional(),
    /** The tool withheld from an insufficient-information scenario (also in `tool_deny_list`). */
    denied_tool: z.string().optional(),
    /** The detail a multiple-user-turn scenario's first user message leaves out (the goal still has it). */
    withheld_detail: WithheldDetailSchema.optional(),
    base_scenario: z.enum(SETTING_VARIANT_NAMES as [string, ...string[]]),
    categories: z.array(z.enum(SCENARIO_CATEGORIES)).min(1),
    max_messages: z.number().int().positive(),
    starting_context: z.object({
      now: z.number(),
      trace_tool: z.boolean(),
      tables: z.object({
        SETTING: z.array(SettingRowSchema).length(1),
        CONTACT: z.array(
          z.object({
            person_id: z.string(),
            name: z.string(),
            phone_number: z.string(),
            relationship: z.string().nullable(),
            is_self: z.boolean(),
          }),
        ),
        MESSAGING: z.array(
          z.object({
            message_id: z.string(),
            sender_person_id: z.string().nullable(),
            sender_phone_number: z.string(),
            recipient_person_id: z.string().nullable(),
            recipient_phone_number: z.string(),
            content: z.string(),
            creation_timestamp: z.number(),
          }),
        ),
        REMINDER: z.array(
          z.object({
            reminder_id: z.string(),
            content: z.string(),
            creation_timestamp: z.number(),
            reminder_timestamp: z.number(),
            latitude: z.number().nullable(),
            longitude: z.number().nullable(),
          }),
        ),
      }),
    }),
    messages: z
      .array(
        z.object({
          sender: RoleSchema,
          recipient: RoleSchema,
          content: z.string().min(1),
          visible_to: z.array(RoleSchema).optional(),
        }),
      )
      .min(2),
    tool_allow_list: z.array(z.string()).min(1),
    tool_deny_list: z.array(z.string()),
    milestones: z.array(MilestoneSchema).min(1),
    /** Edges of the milestone DAG; a generated scenario is a simple chain. */
    milestone_edges: z.array(z.tuple([z.number().int(), z.number().int()])),
    minefields: z.array(MilestoneSchema),
  })
  .superRefine((scenario, context) => {
    if (scenario.kind === "multiple_user_turn") {
      checkWithheldDetail(scenario, context);
      return;
    }
    if (scenario.kind !== "insufficient_information") return;
    const denied = scenario.denied_tool;
    if (denied === undefined || !scenario.tool_deny_list.includes(denied)) {
      context.addIssue({ code: "custom", path: ["denied_tool"], message: "must name a tool in tool_deny_list" });
    }
    if (denied !== undefined && scenario.tool_allow_list.includes(denied)) {
      context.addIssue({ code: "custom", path: ["tool_allow_list"], message: `must not allow the denied ${denied}` });
    }
  });
export type Scenario = z.infer<typeof ScenarioSchema>;
export type WithheldDetail = z.infer<typeof WithheldDetailSchema>;
export type Milestone = z.infer<typeof MilestoneSchema>;
export type SnapshotConstraint = z.infer<typeof SnapshotConstraintSchema>;

/** The kind a scenario record stands for; an absent `kind` means standard. */
export function scenarioKind(scenario: Scenario): ScenarioKind {
  return scenario.kind ?? "standard";
}

const CANONICALIZING_TOOLS = new Set([
  "datetime_info_to_timestamp",
  "shift_timestamp",
  "timestamp_to_datetime_info",
  "unit_conversion",
  "convert_currency",
  "search_location_around_lat_lon",
]);

/**
 * Turns a validated task into a scenario; `simulation` is the validator's, so setting milestones carry the switch
 * values the trajectory reaches.
 * @example
 * const scenario = createScenarioFromTask(task, simulation, context, loadTaskPrompts());
 */
export function createScenarioFromTask(
  task: GeneratedTask,
  simulation: Simulation,
  context: ExecutionContext,
  prompts: TaskPrompts,
): Scenario {
  const start = cloneExecutionContext(context);
  const calls = task.required_tools;
  const categories: Scenario["categories"] = [
    calls.length === 1 ? "SINGLE_TOOL_CALL" : "MULTIPLE_TOOL_CALL",
    "SINGLE_USER_TURN",
  ];
  if (start.variant !== "base" && simulation.steps.some((step) => step.settings !== undefined)) {
    categories.push("STATE_DEPENDENCY");
  }
  if (calls.some((call) => CANONICALIZING_TOOLS.has(call))) categories.push("CANONICALIZATION");

  const milestones = buildMilestones(task, simulation, start);
  return {
    scenario_id: task.task_id,
    name: `generated_${task.task_id.replace(/-/g, "_")}`,
    task_id: task.task_id,
    base_scenario: start.variant,
    categories,
    max_messages: MAX_MESSAGES,
    starting_context: {
      now: start.now,
      trace_tool: true,
      tables: {
        SETTING: start.databases.SETTING,
        CONTACT: start.databases.CONTACT,
        MESSAGING: start.databases.MESSAGING,
        REMINDER: start.databases.REMINDER,
      },
    },
    messages: [
      {
        sender: "SYSTEM",
        recipient: "USER",
        content: fillTemplate(prompts.user_goal, { task: task.description }).trim(),
        visible_to: ["USER"],
      },
      { sender: "USER", recipient: "AGENT", content: task.description },
    ],
    tool_allow_list: [...new Set(calls), "end_conversation"],
    tool_deny_list: [],
    milestones,
    milestone_edges: milestones.slice(1).map((milestone) => [milestone.index - 1, milestone.index] as [number, number]),
    minefields: [],
  };
}

function buildMilestones(task: GeneratedTask, simulation: Simulation, context: ExecutionContext): Milestone[] {
  const milestones: Milestone[] = [];
  const push = (description: string, constraint: Milestone["snapshot_constraints"][number]): void => {
    milestones.push({ index: milestones.length, description, snapshot_constraints: [constraint] });
  };
  const reference = (): number => milestones.length - 1;
  for (const step of simulation.steps) {
    const change = step.change;
    if (change === undefined) {
      push(`The agent calls ${step.tool}.`, {
        database_namespace: "SANDBOX",
        similarity: "tool_trace",
        reference_milestone_index: -1,
        target: [{ sender: "EXECUTION_ENVIRONMENT", recipient: "AGENT", tool_trace: { tool_name: step.tool } }],
      });
    } else if (change.namespace === "SETTING") {
      push(`${step.tool} leaves the settings as the task asks.`, {
        database_namespace: "SETTING",
        similarity: "snapshot",
        reference_milestone_index: reference(),
        target: [{ ...step.settings }],
      });
    } else {
      push(`${step.tool} makes one ${change.kind} in ${change.namespace}.`, {
        database_namespace: change.namespace,
        similarity: change.kind,
        reference_milestone_index: reference(),
        target: [targetRow(step.tool, task.description, context)],
      });
    }
  }
  push("The agent reports the outcome to the user.", {
    database_namespace: "SANDBOX",
    similarity: "snapshot",
    reference_milestone_index: -1,
    target: [{ sender: "AGENT", recipient: "USER" }],
  });
  return milestones;
}

/** The columns of a written row that the task text pins down; unknown ones are left out (they match anything). */
function targetRow(tool: string, description: string, context: ExecutionContext): Record<string, unknown> {
  const quoted = /"([^"]+)"/.exec(description)?.[1];
  const phone = /\+\d[\d\s().-]{5,}\d/.exec(description)?.[0].replace(/[^\d+]/g, "");
  const contacts = referencedContacts(description, context.databases.CONTACT);
  const contact = contacts.length === 1 ? contacts[0] : undefined;
  const reminders = referencedReminders(description, context.databases.REMINDER);
  const reminder = reminders.length === 1 ? reminders[0] : undefined;
  switch (tool) {
    case "add_contact":
      return phone === undefined ? {} : { phone_number: phone };
    case "modify_contact":
    case "remove_contact":
      return contact === undefined ? {} : { person_id: contact.person_id };
    case "send_message_with_phone_number": {
      const row: Record<string, unknown> = {};
      const recipient = phone ?? contact?.phone_number;
      if (recipient !== undefined) row.recipient_phone_number = recipient;
      if (quoted !== undefined) row.content = quoted;
      return row;
    }
    case "modify_reminder":
    case "remove_reminder":
      return reminder === undefined ? {} : { reminder_id: reminder.reminder_id };
    default:
      return {};
  }
}
