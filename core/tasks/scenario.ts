import { z } from "zod";
import { cloneExecutionContext, type ExecutionContext, SETTING_VARIANT_NAMES } from "./execution-context.ts";
import { deriveExpectedCalls } from "./expected-calls.ts";
import { buildMilestonePlan } from "./milestones.ts";
import { checkWithheldDetail } from "./multiple-user-turn.ts";
import { fillTemplate, type TaskPrompts } from "./prompts.ts";
import type { Simulation } from "./simulate-trajectory.ts";
import type { GeneratedTask } from "./task-schema.ts";

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

const ExtractSchema = z.object({
  /** Keys or list positions walked into the earlier call's result; empty = the whole result. */
  path: z.array(z.union([z.string(), z.number().int()])),
  /** Argument (fill_to tool_trace) or `{placeholder}` of the content (fill_to content) the value goes into. */
  as: z.string(),
  /** How a number or timestamp is written into content: several roundings, or a local calendar date. */
  format: z.enum(["number", "date", "weekday", "two_digits"]).optional(),
});

const SnapshotConstraintSchema = z.object({
  database_namespace: NamespaceSchema,
  /**
   * Upstream's snapshot similarities: snapshot (rows equal, e.g. one message with its tool_trace), addition / removal /
   * update (the diff against the reference milestone's snapshot), tool_trace_dependent (the target completed with
   * values from the reference milestone's tool result), guardrail (the table unchanged since the reference).
   */
  similarity: z.enum(["snapshot", "addition", "removal", "update", "tool_trace_dependent", "guardrail"]),
  /** Milestone whose snapshot is the reference; -1 = the first user message. Left out where upstream leaves it unset. */
  reference_milestone_index: z.number().int().min(-1).optional(),
  /**
   * Rows to match; only the columns given are compared. A `tool_trace` is a JSON string of a list of acceptable
   * `{tool_name, arguments}` calls; timestamps are `{"$now_offset_seconds": n}`, made absolute when loaded.
   */
  target: z.array(z.record(z.string(), z.unknown())),
  /** Per-column measure where exact equality is wrong: ROUGE-L F for free text, contains, close (with tolerance). */
  column_similarity: z.record(z.string(), z.enum(["exact", "rouge_l", "contains", "close"])).optional(),
  /** Absolute tolerances for close columns and for numeric tool-trace arguments. */
  tolerance: z.record(z.string(), z.number().nonnegative()).optional(),
  /** For tool_trace_dependent: where the extracted values go. */
  dependent: z
    .object({ fill_to: z.enum(["tool_trace", "content"]), extract: z.array(ExtractSchema).min(1) })
    .optional(),
});
const MilestoneSchema = z.object({
  index: z.number().int().min(0),
  description: z.string(),
  snapshot_constraints: z.array(SnapshotConstraintSchema).min(1),
  /** Tables other milestones change in a free order, exempt from upstream's automatic guardrails. */
  guardrail_database_exclusion_list: z.array(NamespaceSchema).optional(),
});

const ArgumentValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.object({ $result_of: z.number().int().min(0), path: z.array(z.union([z.string(), z.number().int()])) }),
]);
const ExpectedCallSchema = z.object({
  tool: z.string(),
  arguments: z.record(z.string(), ArgumentValueSchema),
  tolerance: z.record(z.string(), z.number()).optional(),
  alternatives: z.array(z.record(z.string(), ArgumentValueSchema)).optional(),
});
const OffsetSchema = z.object({ $now_offset_seconds: z.number() });

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
  "place",
  "company",
  "date",
  "amount",
  "setting",
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
    /** What the denial takes away: a value a later call needs, the acting tool itself, or the main data lookup. */
    denial_kind: z.enum(["enabler", "acting_tool", "data_tool"]).optional(),
    /** The detail a multiple-user-turn scenario's first user message leaves out (the goal still has it). */
    withheld_detail: WithheldDetailSchema.optional(),
    base_scenario: z.enum(SETTING_VARIANT_NAMES as [string, ...string[]]),
    categories: z.array(z.enum(SCENARIO_CATEGORIES)).min(1),
    max_messages: z.number().int().positive(),
    starting_context: z.object({
      /** The instant the generator resolved relative wording against; tables hold offsets from it. */
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
            creation_timestamp: OffsetSchema,
          }),
        ),
        REMINDER: z.array(
          z.object({
            reminder_id: z.string(),
            content: z.string(),
            creation_timestamp: OffsetSchema,
            reminder_timestamp: OffsetSchema,
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
    /** Edges of the milestone DAG: only where data or a precondition forces an order. */
    milestone_edges: z.array(z.tuple([z.number().int(), z.number().int()])),
    minefields: z.array(MilestoneSchema),
    /** The calls of a reference solution; `{$result_of, path}` is a value an earlier call returns. */
    expected_calls: z.array(ExpectedCallSchema).min(1),
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
export type ScenarioTables = Scenario["starting_context"]["tables"];

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

  const expectedCalls = deriveExpectedCalls(task.description, simulation, start);
  const plan = buildMilestonePlan(expectedCalls, simulation, start, task.description);
  return {
    scenario_id: task.task_id,
    name: `generated_${task.task_id.replace(/-/g, "_")}`,
    task_id: task.task_id,
    base_scenario: start.variant,
    categories,
    max_messages: MAX_MESSAGES,
    starting_context: { now: start.now, trace_tool: true, tables: relativeTables(start) },
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
    milestones: plan.milestones,
    milestone_edges: plan.edges,
    minefields: [],
    expected_calls: expectedCalls,
  };
}

/** The starting tables with every timestamp as an offset from `now`, so a loader can anchor them to its own clock. */
function relativeTables(context: ExecutionContext): ScenarioTables {
  const since = (seconds: number): { $now_offset_seconds: number } => ({ $now_offset_seconds: seconds - context.now });
  return {
    SETTING: context.databases.SETTING,
    CONTACT: context.databases.CONTACT,
    MESSAGING: context.databases.MESSAGING.map((row) => ({
      ...row,
      creation_timestamp: since(row.creation_timestamp),
    })),
    REMINDER: context.databases.REMINDER.map((row) => ({
      ...row,
      creation_timestamp: since(row.creation_timestamp),
      reminder_timestamp: since(row.reminder_timestamp),
    })),
  };
}
