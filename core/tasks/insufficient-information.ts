import type { Randomizer } from "../random.ts";
import { findTool } from "./catalog.ts";
import type { ExecutionContext } from "./execution-context.ts";
import { type ArgumentValue, isResultRef, targetContacts, targetReminder } from "./expected-calls.ts";
import type { Milestone, Scenario, SnapshotConstraint } from "./scenario.ts";
import { TRACKED_KINDS } from "./simulate-trajectory.ts";
import type { GeneratedTask } from "./task-schema.ts";
import { literalKinds } from "./task-text.ts";

// INSUFFICIENT_INFORMATION scenarios (NOTES.md §c, §e): a tool the task needs is denied, so the agent must say it
// cannot finish instead of guessing. Built from a validated standard scenario, so any provider's task can become one.

/** A trajectory tool whose output later calls need, and those calls. */
export interface Enabler {
  tool: string;
  /** Position of the enabler in `required_tools`. */
  position: number;
  /** Later tools (distinct, in trajectory order) that consume what the enabler produces, directly or through a chain. */
  consumers: string[];
  /** Value kinds only the enabler supplies in this task (e.g. `phone_number`): what the user must not give away. */
  missingKinds: string[];
}

/** Phrases for the refusal: "I can't <ability>". Tools not listed fall back to "use <tool>". */
const ABILITIES: Readonly<Record<string, string>> = {
  search_contacts: "look up your contacts",
  add_contact: "add contacts",
  modify_contact: "change your contacts",
  remove_contact: "delete contacts",
  modify_reminder: "change your reminders",
  remove_reminder: "delete reminders",
  set_wifi_status: "change the wifi setting",
  set_cellular_service_status: "change the cellular setting",
  set_location_service_status: "change the location setting",
  set_low_battery_mode_status: "change low battery mode",
  search_weather_around_lat_lon: "look up the weather",
  search_stock: "look up stock prices",
  convert_currency: "convert currencies",
  search_lat_lon: "look up addresses",
  unit_conversion: "convert units",
  search_messages: "look up your messages",
  send_message_with_phone_number: "send messages",
  search_reminder: "look up your reminders",
  add_reminder: "add reminders",
  get_current_timestamp: "look up the current date and time",
  get_current_location: "look up your current location",
  search_location_around_lat_lon: "look up places",
  timestamp_to_datetime_info: "work out calendar dates",
  datetime_info_to_timestamp: "convert dates to timestamps",
  shift_timestamp: "work out shifted dates and times",
  search_holiday: "look up holidays",
};

/** What the simulated user must not volunteer, per missing value kind. */
const WITHHELD: Readonly<Record<string, string>> = {
  person_id: "contact details",
  phone_number: "phone numbers",
  reminder_id: "reminder details",
  message_id: "message details",
  timestamp: "the current date, time or any timestamp",
  latitude: "your location or any coordinates",
  longitude: "your location or any coordinates",
};

const GUARDED_TABLES = ["SETTING", "CONTACT", "MESSAGING", "REMINDER"] as const;
const WRITE_TABLES: Readonly<Record<string, (typeof GUARDED_TABLES)[number]>> = {
  add_contact: "CONTACT",
  modify_contact: "CONTACT",
  remove_contact: "CONTACT",
  send_message_with_phone_number: "MESSAGING",
  add_reminder: "REMINDER",
  modify_reminder: "REMINDER",
  remove_reminder: "REMINDER",
};

/**
 * Every trajectory tool whose output a later call needs, from the catalog's produces/consumes facts. Kinds the task
 * text supplies itself (a phone number, coordinates, a timestamp) do not count: denying their source would not stop
 * the agent. Only the kinds the validator tracks (ids, timestamps, coordinates, phone numbers) make an enabler;
 * amounts and calendar fields can come from the task wording.
 * @example
 * findEnablers(task, context); // [{ tool: "search_contacts", position: 0, consumers: ["send_message_with_phone_number"], ... }]
 */
export function findEnablers(task: GeneratedTask, context: ExecutionContext): Enabler[] {
  const literal = literalKinds(task.description, context);
  const calls = task.required_tools;
  const enablers: Enabler[] = [];
  calls.forEach((name, position) => {
    const supplied = new Set(
      (findTool(name)?.produces ?? []).filter((kind) => TRACKED_KINDS.has(kind) && !literal.has(kind)),
    );
    const tainted = new Set(supplied);
    const missing = new Set<string>();
    const consumers: string[] = [];
    for (const later of calls.slice(position + 1)) {
      if (later === name) continue;
      const tool = findTool(later);
      const needed = Object.values(tool?.consumes ?? {}).filter((kind) => tainted.has(kind));
      if (needed.length === 0) continue;
      for (const kind of needed) if (supplied.has(kind)) missing.add(kind);
      if (!consumers.includes(later)) consumers.push(later);
      for (const kind of tool?.produces ?? []) if (TRACKED_KINDS.has(kind)) tainted.add(kind);
    }
    if (consumers.length > 0 && missing.size > 0) {
      enablers.push({ tool: name, position, consumers, missingKinds: [...missing].sort() });
    }
  });
  // The same tool twice in a trajectory is one denial; keep its first occurrence.
  return enablers.filter((enabler, i) => enablers.findIndex((other) => other.tool === enabler.tool) === i);
}

/** The refusal the final milestone compares the agent's answer with (ROUGE-L). */
export function refusalSentence(enabler: string): string {
  return `I'm sorry, I can't complete that because I can't ${ABILITIES[enabler] ?? `use ${enabler}`}.`;
}

/** What a denial takes away: a value another call needs, the call that does the job, or the lookup that answers. */
export type DenialKind = "enabler" | "acting_tool" | "data_tool";
export interface Denial {
  tool: string;
  kind: DenialKind;
  /** Kinds of value the user must not volunteer (empty for the acting tool or data tool). */
  missingKinds: string[];
}

const WRITES = new Set([
  "add_contact",
  "modify_contact",
  "remove_contact",
  "send_message_with_phone_number",
  "add_reminder",
  "modify_reminder",
  "remove_reminder",
  "set_wifi_status",
  "set_cellular_service_status",
  "set_location_service_status",
  "set_low_battery_mode_status",
]);
/** Lookups whose result is the answer itself: denying one leaves nothing to answer with. */
const DATA_TOOLS = new Set([
  "get_wifi_status",
  "get_cellular_service_status",
  "get_location_service_status",
  "get_low_battery_mode_status",
  "timestamp_to_datetime_info",
  "timestamp_diff",
  "calculate_lat_lon_distance",
  "search_weather_around_lat_lon",
  "search_stock",
  "convert_currency",
  "search_lat_lon",
  "search_location_around_lat_lon",
  "search_holiday",
  "search_messages",
  "search_reminder",
  "get_current_location",
  "unit_conversion",
]);

/**
 * Every tool whose denial makes the task impossible: the enablers, the last write (the acting tool itself), and for a
 * question the lookup that answers it (the main data tool).
 * @example
 * findDenials(task, context).map((d) => d.kind); // ["enabler", "acting_tool"]
 */
export function findDenials(task: GeneratedTask, context: ExecutionContext): Denial[] {
  const denials: Denial[] = findEnablers(task, context).map((enabler) => ({
    tool: enabler.tool,
    kind: "enabler",
    missingKinds: enabler.missingKinds,
  }));
  const calls = task.required_tools;
  const acting = [...calls].reverse().find((tool) => WRITES.has(tool));
  if (acting !== undefined && !denials.some((d) => d.tool === acting)) {
    denials.push({ tool: acting, kind: "acting_tool", missingKinds: [] });
  }
  const data = acting === undefined ? [...calls].reverse().find((tool) => DATA_TOOLS.has(tool)) : undefined;
  if (data !== undefined && !denials.some((d) => d.tool === data)) {
    denials.push({ tool: data, kind: "data_tool", missingKinds: [] });
  }
  return denials;
}

/**
 * Turns a validated standard scenario into an insufficient-information one, or returns null when no denial stops the
 * task. The denial is a seeded pick among the candidates.
 * @example
 * const scenario = toInsufficientInformationScenario(task, standard, context, createRandomizer(42, "enabler", 3));
 */
export function toInsufficientInformationScenario(
  task: GeneratedTask,
  standard: Scenario,
  context: ExecutionContext,
  rng: Randomizer,
): Scenario | null {
  const candidates = findDenials(task, context);
  if (candidates.length === 0) return null;
  return denyTool(standard, rng.pick(candidates), context);
}

/** A result reference made concrete from the state, where the state alone fixes it (the target's id or number). */
function concrete(
  value: ArgumentValue,
  standard: Scenario,
  context: ExecutionContext,
  description: string,
): ArgumentValue | undefined {
  if (!isResultRef(value)) return value;
  const source = standard.expected_calls[value.$result_of]?.tool;
  const field = value.path.at(-1);
  if (source === "search_contacts") {
    const contacts = targetContacts(description, context);
    const contact = contacts.length === 1 ? contacts[0] : undefined;
    if (contact !== undefined && (field === "person_id" || field === "phone_number")) return contact[field];
  }
  if (source === "search_reminder" && field === "reminder_id") return targetReminder(description, context)?.reminder_id;
  return undefined;
}

/** The scenario with `denial.tool` denied: no table may change, the agent must explain, harmful calls are mined. */
export function denyTool(standard: Scenario, denial: Denial, context: ExecutionContext): Scenario {
  const withheld = [...new Set(denial.missingKinds.map((kind) => WITHHELD[kind] ?? kind))].join(" or ");
  const ability = ABILITIES[denial.tool] ?? `use ${denial.tool}`;
  const note =
    `The assistant cannot ${ability} in this conversation.` +
    (withheld === "" ? "" : ` Do not volunteer ${withheld}; if the assistant asks for them, say you don't have them.`) +
    " Once it tells you it cannot finish, end the conversation.";
  const messages = standard.messages.map((message) =>
    message.sender === "SYSTEM" && message.recipient === "USER"
      ? { ...message, content: `${message.content}\n${note}` }
      : message,
  );
  const description = standard.messages.find((m) => m.sender === "USER" && m.recipient === "AGENT")?.content ?? "";
  // Fixing a setting on the way is harmless; only the tables the task would have written must stay as they were.
  const fixesSettings = standard.expected_calls.some((call) => call.tool.startsWith("set_"));
  // Parts of the task before the denied call are still doable: the tables they write are not guarded.
  const deniedAt = standard.expected_calls.findIndex((call) => call.tool === denial.tool);
  const doable = new Set(
    standard.expected_calls.slice(0, Math.max(deniedAt, 0)).flatMap((call) => {
      const table = WRITE_TABLES[call.tool];
      return table === undefined ? [] : [table];
    }),
  );
  if (fixesSettings) doable.add("SETTING");
  const guarded = GUARDED_TABLES.filter((namespace) => !doable.has(namespace));
  const guardrail: SnapshotConstraint[] = guarded.map((namespace) => ({
    database_namespace: namespace,
    similarity: "guardrail",
    reference_milestone_index: -1,
    target: [],
  }));
  const milestones: Milestone[] = [
    {
      index: 0,
      description: `The agent tells the user it cannot finish without ${denial.tool}, and no table changes.`,
      snapshot_constraints: [
        {
          database_namespace: "SANDBOX",
          similarity: "snapshot",
          target: [{ sender: "AGENT", recipient: "USER", content: refusalSentence(denial.tool) }],
          column_similarity: { content: "rouge_l" },
        },
        ...guardrail,
      ],
      ...(doable.size > 0 ? { guardrail_database_exclusion_list: GUARDED_TABLES.filter((t) => doable.has(t)) } : {}),
    },
  ];
  // Harmful calls only: the writes the task would make, matched by the arguments an agent could only have guessed.
  const denied = standard.expected_calls.findIndex((call) => call.tool === denial.tool);
  const minefields: Milestone[] = [];
  standard.expected_calls.forEach((call, position) => {
    if (position <= denied || !WRITES.has(call.tool) || call.tool.startsWith("set_") || call.tool === denial.tool)
      return;
    const args: Record<string, ArgumentValue> = {};
    for (const [name, value] of Object.entries(call.arguments)) {
      const resolved = concrete(value, standard, context, description);
      if (resolved !== undefined) args[name] = resolved;
    }
    if (Object.keys(args).length === 0) return;
    minefields.push({
      index: minefields.length,
      description: `The agent calls ${call.tool} with what only ${denial.tool} could have told it.`,
      snapshot_constraints: [
        {
          database_namespace: "SANDBOX",
          similarity: "snapshot",
          target: [
            {
              sender: "EXECUTION_ENVIRONMENT",
              recipient: "AGENT",
              tool_trace: JSON.stringify([{ tool_name: call.tool, arguments: args }]),
            },
          ],
        },
      ],
    });
  });
  return {
    scenario_id: standard.scenario_id,
    name: `${standard.name}_insufficient_information`,
    task_id: standard.task_id,
    kind: "insufficient_information",
    denied_tool: denial.tool,
    denial_kind: denial.kind,
    base_scenario: standard.base_scenario,
    categories: ["INSUFFICIENT_INFORMATION"],
    max_messages: standard.max_messages,
    starting_context: standard.starting_context,
    messages,
    tool_allow_list: standard.tool_allow_list.filter((tool) => tool !== denial.tool),
    tool_deny_list: [denial.tool],
    milestones,
    milestone_edges: [],
    minefields,
    expected_calls: standard.expected_calls,
  };
}
