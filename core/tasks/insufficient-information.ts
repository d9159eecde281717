import type { Randomizer } from "../random.ts";
import { findTool } from "./catalog.ts";
import type { ExecutionContext } from "./execution-context.ts";
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

/**
 * Turns a validated standard scenario into an insufficient-information one, or returns null when the task has no
 * enabler (e.g. a single-tool task). The enabler is a seeded pick among the candidates.
 * @example
 * const scenario = toInsufficientInformationScenario(task, standard, context, createRandomizer(42, "enabler", 3));
 */
export function toInsufficientInformationScenario(
  task: GeneratedTask,
  standard: Scenario,
  context: ExecutionContext,
  rng: Randomizer,
): Scenario | null {
  const candidates = findEnablers(task, context);
  if (candidates.length === 0) return null;
  return denyEnabler(standard, rng.pick(candidates));
}

/** The scenario with `enabler` denied: no table may change, the agent must explain, and consumers are minefields. */
export function denyEnabler(standard: Scenario, enabler: Enabler): Scenario {
  const withheld = [...new Set(enabler.missingKinds.map((kind) => WITHHELD[kind] ?? kind))].join(" or ");
  const ability = ABILITIES[enabler.tool] ?? `use ${enabler.tool}`;
  const note =
    `The assistant cannot ${ability} in this conversation. Do not volunteer ${withheld}; if the assistant asks ` +
    "for them, say you don't have them. Once it tells you it cannot finish, end the conversation.";
  const messages = standard.messages.map((message) =>
    message.sender === "SYSTEM" && message.recipient === "USER"
      ? { ...message, content: `${message.content}\n${note}` }
      : message,
  );
  const guardrail: SnapshotConstraint[] = GUARDED_TABLES.map((namespace) => ({
    database_namespace: namespace,
    similarity: "guardrail",
    reference_milestone_index: -1,
    target: [],
  }));
  const milestones: Milestone[] = [
    { index: 0, description: "No table changes: the request cannot be carried out.", snapshot_constraints: guardrail },
    {
      index: 1,
      description: `The agent tells the user it cannot finish without ${enabler.tool}.`,
      snapshot_constraints: [
        {
          database_namespace: "SANDBOX",
          similarity: "snapshot",
          reference_milestone_index: -1,
          target: [{ sender: "AGENT", recipient: "USER", content: refusalSentence(enabler.tool) }],
          column_similarity: { content: "rouge_l" },
        },
      ],
    },
  ];
  const minefields: Milestone[] = enabler.consumers.map((tool, index) => ({
    index,
    description: `The agent calls ${tool} without what ${enabler.tool} would have returned.`,
    snapshot_constraints: [
      {
        database_namespace: "SANDBOX",
        similarity: "tool_trace",
        reference_milestone_index: -1,
        target: [{ sender: "EXECUTION_ENVIRONMENT", recipient: "AGENT", tool_trace: { tool_name: tool } }],
      },
    ],
  }));
  return {
    scenario_id: standard.scenario_id,
    name: `${standard.name}_insufficient_information`,
    task_id: standard.task_id,
    kind: "insufficient_information",
    denied_tool: enabler.tool,
    base_scenario: standard.base_scenario,
    categories: ["INSUFFICIENT_INFORMATION"],
    max_messages: standard.max_messages,
    starting_context: standard.starting_context,
    messages,
    tool_allow_list: standard.tool_allow_list.filter((tool) => tool !== enabler.tool),
    tool_deny_list: [enabler.tool],
    milestones,
    milestone_edges: [[0, 1]],
    minefields,
  };
}
