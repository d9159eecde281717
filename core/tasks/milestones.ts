import { findTool } from "./catalog.ts";
import type { ContactRow, ExecutionContext, MessageRow, ReminderRow } from "./execution-context.ts";
import {
  type ArgumentValue,
  type ExpectedCall,
  isResultRef,
  targetContacts,
  targetReminder,
} from "./expected-calls.ts";
import type { Milestone, SnapshotConstraint } from "./scenario.ts";
import { ROW_WRITES, type Simulation } from "./simulate-trajectory.ts";

// Milestones in upstream's terms (NOTES.md §c) from the expected calls: tool traces with their arguments (JSON
// strings with tool_name and arguments, alternatives as a list), values learnt from an earlier result checked with
// tool_trace_dependant_similarity, full rows for additions, the new values of updates, one switch per SETTING
// milestone, a final answer with the content the state determines, and DAG edges only where data or preconditions
// force an order. SANDBOX constraints carry no reference milestone: upstream leaves it unset.

const SWITCH_OF: Readonly<Record<string, string>> = {
  set_wifi_status: "wifi",
  set_cellular_service_status: "cellular",
  set_location_service_status: "location_service",
  set_low_battery_mode_status: "low_battery_mode",
};
const GETTER_OF: Readonly<Record<string, string>> = {
  get_wifi_status: "wifi",
  get_cellular_service_status: "cellular",
  get_location_service_status: "location_service",
  get_low_battery_mode_status: "low_battery_mode",
};
const LABEL: Readonly<Record<string, string>> = {
  wifi: "Wifi",
  cellular: "Cellular service",
  location_service: "Location service",
  low_battery_mode: "Low battery mode",
};
/** Seconds of slack for a timestamp the agent computes from the clock at play time. */
export const CLOCK_TOLERANCE_SECONDS = 600;
const OFFSET_UNITS: Readonly<Record<string, number>> = {
  seconds: 1,
  minutes: 60,
  hours: 3600,
  days: 86_400,
  weeks: 604_800,
};

export interface MilestonePlan {
  milestones: Milestone[];
  edges: Array<[number, number]>;
}

interface Builder {
  calls: readonly ExpectedCall[];
  context: ExecutionContext;
  description: string;
  milestones: Milestone[];
  edges: Array<[number, number]>;
  milestoneOfCall: Map<number, number>;
}

/** The earlier call making the same write with no other write between, if any. */
function previousWrite(calls: readonly ExpectedCall[], position: number): number | undefined {
  for (let i = position - 1; i >= 0; i--) {
    const tool = calls[i]?.tool ?? "";
    if (ROW_WRITES[tool] === undefined && SWITCH_OF[tool] === undefined) continue;
    return tool === calls[position]?.tool ? i : undefined;
  }
  return undefined;
}

/** Calls whose result only feeds a later write: the write's own milestone checks the outcome. */
function enablingOnly(calls: readonly ExpectedCall[], index: number): boolean {
  const tool = calls[index]?.tool ?? "";
  if (!["search_contacts", "search_reminder", "search_messages"].includes(tool)) return false;
  const consumers = calls.filter((call) =>
    Object.values(call.arguments).some((v) => isResultRef(v) && v.$result_of === index),
  );
  return consumers.length > 0 && consumers.every((call) => ROW_WRITES[call.tool] !== undefined);
}

/**
 * @example
 * const { milestones, edges } = buildMilestonePlan(calls, simulation, context, task.description);
 */
export function buildMilestonePlan(
  calls: readonly ExpectedCall[],
  simulation: Simulation,
  context: ExecutionContext,
  description: string,
): MilestonePlan {
  const builder: Builder = { calls, context, description, milestones: [], edges: [], milestoneOfCall: new Map() };
  const add = (callIndex: number | undefined, description: string, constraints: SnapshotConstraint[]): number => {
    const index = builder.milestones.length;
    builder.milestones.push({ index, description, snapshot_constraints: constraints });
    if (callIndex !== undefined) builder.milestoneOfCall.set(callIndex, index);
    return index;
  };
  const lastWrite = new Map<string, number>();
  calls.forEach((call, i) => {
    const switchName = SWITCH_OF[call.tool];
    const write = ROW_WRITES[call.tool];
    const sources = sourceMilestones(builder, call);
    let index: number | undefined;
    if (switchName !== undefined) {
      const value = call.arguments.on;
      index = add(i, `${LABEL[switchName]} is turned ${value === true ? "on" : "off"}.`, [
        { database_namespace: "SETTING", similarity: "snapshot", target: [{ [switchName]: value }] },
      ]);
    } else if (write !== undefined && previousWrite(calls, i) !== undefined) {
      // The same write to several people or reminders ("text all my friends", "delete A and B"): one milestone
      // with every row, so any order matches.
      const index = builder.milestoneOfCall.get(previousWrite(calls, i) as number) as number;
      const constraint = builder.milestones[index]?.snapshot_constraints[0];
      constraint?.target.push(writeTarget(call, builder, simulation).values);
      builder.milestoneOfCall.set(i, index);
      return;
    } else if (write !== undefined) {
      const previous = lastWrite.get(write.namespace);
      const row = writeTarget(call, builder, simulation);
      index = add(i, `${call.tool} makes the expected ${write.kind} in ${write.namespace}.`, [
        {
          database_namespace: write.namespace,
          similarity: write.kind,
          reference_milestone_index: previous ?? -1,
          target: [row.values],
          ...(row.columns === undefined ? {} : { column_similarity: row.columns }),
          ...(row.tolerance === undefined ? {} : { tolerance: row.tolerance }),
        },
      ]);
      if (previous !== undefined) sources.add(previous);
      lastWrite.set(write.namespace, index);
    } else if (!enablingOnly(calls, i)) {
      index = add(i, `The agent calls ${call.tool} with the expected arguments.`, [traceConstraint(builder, call)]);
    }
    if (index !== undefined) {
      for (const source of preconditionSources(builder, call, i)) sources.add(source);
      for (const source of [...sources].sort((a, b) => a - b)) builder.edges.push([source, index]);
    }
  });
  const answer = finalAnswer(builder, simulation);
  if (answer !== undefined) {
    const sinks = builder.milestones.map((m) => m.index).filter((m) => !builder.edges.some(([from]) => from === m));
    const index = add(undefined, "The agent answers the user with what the calls found.", [answer]);
    for (const sink of sinks) builder.edges.push([sink, index]);
  }
  // Upstream builds the DAG from the edge list alone, so a milestone in no edge would silently drop out: tie each to
  // the last one (state milestones still match after later calls, so this adds no real order).
  const last = builder.milestones.length - 1;
  if (last > 0) {
    for (const milestone of builder.milestones) {
      const linked = builder.edges.some(([from, to]) => from === milestone.index || to === milestone.index);
      if (!linked) builder.edges.push(milestone.index === last ? [last - 1, last] : [milestone.index, last]);
    }
  }
  const changed = new Set(
    builder.milestones.flatMap((m) =>
      m.snapshot_constraints.map((c) => c.database_namespace).filter((namespace) => namespace !== "SANDBOX"),
    ),
  );
  // Upstream's automatic guardrails compare every table a milestone does not constrain with its predecessors'
  // snapshots; tables other milestones change in a free order are exempt, the rest must stay untouched.
  if (changed.size > 0) {
    for (const milestone of builder.milestones) milestone.guardrail_database_exclusion_list = [...changed].sort();
  }
  return { milestones: builder.milestones, edges: builder.edges };
}

/** Milestones whose calls produce a value this call consumes. */
function sourceMilestones(builder: Builder, call: ExpectedCall): Set<number> {
  const sources = new Set<number>();
  for (const value of Object.values(call.arguments)) {
    if (!isResultRef(value)) continue;
    const milestone = builder.milestoneOfCall.get(value.$result_of);
    if (milestone !== undefined) sources.add(milestone);
    else
      for (const inner of Object.values(builder.calls[value.$result_of]?.arguments ?? {})) {
        if (isResultRef(inner)) {
          const upstream = builder.milestoneOfCall.get(inner.$result_of);
          if (upstream !== undefined) sources.add(upstream);
        }
      }
  }
  return sources;
}

/** Setter milestones that switched on what this call needs (the order the tools force). */
function preconditionSources(builder: Builder, call: ExpectedCall, position: number): number[] {
  const needs: { wifi?: unknown; cellular?: unknown; location_service?: unknown } = findTool(call.tool)?.needs ?? {};
  const wanted = new Set<string>();
  if (needs.wifi === true) wanted.add("wifi");
  if (needs.cellular === true) wanted.add("cellular");
  if (needs.location_service !== undefined && needs.location_service !== false) wanted.add("location_service");
  if (SWITCH_OF[call.tool] !== undefined && call.arguments.on === true) wanted.add("low_battery_mode");
  const sources: number[] = [];
  builder.calls.slice(0, position).forEach((earlier, i) => {
    const name = SWITCH_OF[earlier.tool];
    const milestone = builder.milestoneOfCall.get(i);
    if (name === undefined || milestone === undefined || !wanted.has(name)) return;
    const turnedOn = name === "low_battery_mode" ? earlier.arguments.on === false : earlier.arguments.on === true;
    if (turnedOn) sources.push(milestone);
  });
  return sources;
}

function traceJson(calls: Array<Record<string, ArgumentValue>>, tool: string): string {
  return JSON.stringify(calls.map((args) => ({ tool_name: tool, arguments: args })));
}

function literalArguments(args: Record<string, ArgumentValue>): Record<string, ArgumentValue> {
  return Object.fromEntries(Object.entries(args).filter(([, value]) => !isResultRef(value)));
}

/** A tool-trace constraint; arguments learnt from one earlier result are filled from that call's own trace. */
function traceConstraint(builder: Builder, call: ExpectedCall): SnapshotConstraint {
  const literal = literalArguments(call.arguments);
  const refs = Object.entries(call.arguments).filter(([, v]) => isResultRef(v)) as Array<
    [string, { $result_of: number; path: Array<string | number> }]
  >;
  const alternatives = [literal, ...(call.alternatives ?? []).map((alt) => literalArguments(alt))];
  const base = {
    sender: "EXECUTION_ENVIRONMENT",
    recipient: "AGENT",
  };
  const tolerance = call.tolerance === undefined ? {} : { tolerance: call.tolerance };
  const source = refs.map(([, value]) => value.$result_of).find((i) => builder.milestoneOfCall.has(i));
  if (source === undefined) {
    return {
      database_namespace: "SANDBOX",
      similarity: "snapshot",
      target: [{ ...base, tool_trace: traceJson(alternatives, call.tool) }],
      ...tolerance,
    };
  }
  const sourceMilestone = builder.milestoneOfCall.get(source) ?? -1;
  const fills = refs.filter(([, value]) => value.$result_of === source);
  return {
    database_namespace: "SANDBOX",
    similarity: "tool_trace_dependent",
    reference_milestone_index: sourceMilestone,
    target: [{ ...base, tool_trace: traceJson(alternatives, call.tool) }],
    dependent: { fill_to: "tool_trace", extract: fills.map(([name, value]) => ({ path: value.path, as: name })) },
    ...tolerance,
  };
}

interface WriteTarget {
  values: Record<string, unknown>;
  columns?: Record<string, "exact" | "rouge_l" | "contains" | "close">;
  tolerance?: Record<string, number>;
}

const offset = (seconds: number): { $now_offset_seconds: number } => ({ $now_offset_seconds: seconds });

function contactRow(contact: ContactRow): Record<string, unknown> {
  return { ...contact };
}

/** Seconds a shift_timestamp call adds, from its literal arguments. */
function shiftSeconds(call: ExpectedCall | undefined): number {
  if (call === undefined) return 0;
  return Object.entries(call.arguments).reduce(
    (sum, [name, value]) => sum + (typeof value === "number" ? value * (OFFSET_UNITS[name] ?? 0) : 0),
    0,
  );
}

function writeTarget(call: ExpectedCall, builder: Builder, simulation: Simulation): WriteTarget {
  const { context, description } = builder;
  const args = call.arguments;
  const self = context.databases.CONTACT.find((contact) => contact.is_self);
  const contacts = targetContacts(description, context);
  const reminder = reminderOf(call, builder) ?? targetReminder(description, context);
  const contact = contactOf(call, builder) ?? (contacts.length === 1 ? contacts[0] : undefined);
  void simulation;
  switch (call.tool) {
    case "add_contact": {
      const values: Record<string, unknown> = { is_self: false };
      for (const key of ["name", "phone_number", "relationship"])
        if (typeof args[key] === "string") values[key] = args[key];
      return { values };
    }
    case "modify_contact": {
      if (contact === undefined) return { values: {} };
      return { values: { ...contactRow(contact), ...literalArguments(args), person_id: contact.person_id } };
    }
    case "remove_contact":
      return { values: contact === undefined ? {} : contactRow(contact) };
    case "send_message_with_phone_number": {
      const values: Record<string, unknown> = {};
      if (self !== undefined) {
        values.sender_person_id = self.person_id;
        values.sender_phone_number = self.phone_number;
      }
      const link = args.phone_number;
      const position = isResultRef(link) && typeof link.path[0] === "number" ? link.path[0] : 0;
      const phone = typeof link === "string" ? link : (contacts[position] ?? contact)?.phone_number;
      if (phone !== undefined) {
        values.recipient_phone_number = phone;
        // A contact this task adds gets its id only when added; otherwise the id (or none) is known now.
        const added = builder.calls.some((c) => c.tool === "add_contact" && c.arguments.phone_number === phone);
        if (!added) {
          values.recipient_person_id =
            context.databases.CONTACT.find((c) => c.phone_number === phone)?.person_id ?? null;
        }
      }
      if (typeof args.content === "string") values.content = args.content;
      return { values };
    }
    case "add_reminder": {
      const values: Record<string, unknown> = { latitude: null, longitude: null };
      if (typeof args.content === "string") values.content = args.content;
      const stamp = args.reminder_timestamp;
      const shift = isResultRef(stamp) ? builder.calls[stamp.$result_of] : undefined;
      if (shift?.tool === "shift_timestamp" && isResultRef(shift.arguments.timestamp)) {
        const base = builder.calls[shift.arguments.timestamp.$result_of];
        if (base?.tool === "get_current_timestamp") values.reminder_timestamp = offset(shiftSeconds(shift));
      }
      const clock = isResultRef(stamp) ? builder.calls[stamp.$result_of] : undefined;
      const day = clock?.tool === "datetime_info_to_timestamp" ? clock.arguments.day : undefined;
      if (clock !== undefined && isResultRef(day)) {
        // "tomorrow at 5PM": a local wall-clock time, which only the loader's own clock and zone can place.
        const info = builder.calls[day.$result_of];
        const from = isResultRef(info?.arguments.timestamp)
          ? builder.calls[info.arguments.timestamp.$result_of]
          : undefined;
        values.reminder_timestamp = {
          $local_time: {
            days: Math.round(shiftSeconds(from?.tool === "shift_timestamp" ? from : undefined) / 86_400),
            hour: clock.arguments.hour,
            minute: clock.arguments.minute,
          },
        };
      }
      return values.reminder_timestamp === undefined
        ? { values }
        : {
            values,
            columns: { reminder_timestamp: "close" },
            tolerance: { reminder_timestamp: CLOCK_TOLERANCE_SECONDS },
          };
    }
    case "modify_reminder": {
      if (reminder === undefined) return { values: {} };
      const values: Record<string, unknown> = reminderRow(reminder, context);
      delete values.creation_timestamp; // upstream's modify_reminder also rewrites it
      if (typeof args.content === "string") values.content = args.content;
      const stamp = args.reminder_timestamp;
      const shift = isResultRef(stamp) ? builder.calls[stamp.$result_of] : undefined;
      if (shift?.tool === "shift_timestamp") {
        values.reminder_timestamp = offset(reminder.reminder_timestamp - context.now + shiftSeconds(shift));
        return { values, columns: { reminder_timestamp: "close" }, tolerance: { reminder_timestamp: 1 } };
      }
      return { values };
    }
    case "remove_reminder":
      return { values: reminder === undefined ? {} : reminderRow(reminder, context) };
    default:
      return { values: {} };
  }
}

/** The contact a write acts on, through the search whose person_id it uses (by the name that search asked for). */
function contactOf(call: ExpectedCall, builder: Builder): ContactRow | undefined {
  const link = call.arguments.person_id;
  const search = isResultRef(link) ? builder.calls[link.$result_of] : undefined;
  const name = search?.arguments.name;
  return typeof name === "string" ? builder.context.databases.CONTACT.find((c) => c.name === name) : undefined;
}

function reminderOf(call: ExpectedCall, builder: Builder): ReminderRow | undefined {
  const link = call.arguments.reminder_id;
  const search = isResultRef(link) ? builder.calls[link.$result_of] : undefined;
  const content = search?.arguments.content;
  return typeof content === "string"
    ? builder.context.databases.REMINDER.find((r) => r.content === content)
    : undefined;
}

function reminderRow(reminder: ReminderRow, context: ExecutionContext): Record<string, unknown> {
  return {
    reminder_id: reminder.reminder_id,
    content: reminder.content,
    creation_timestamp: offset(reminder.creation_timestamp - context.now),
    reminder_timestamp: offset(reminder.reminder_timestamp - context.now),
    latitude: reminder.latitude,
    longitude: reminder.longitude,
  };
}

/** Result fields an answer quotes, by tool, and the sentence around them. */
interface AnswerSpec {
  content: string;
  extract: Array<{ path: Array<string | number>; as: string; format?: "number" | "date" | "weekday" | "two_digits" }>;
}
const RESULT_ANSWERS: Readonly<Record<string, AnswerSpec>> = {
  search_location_around_lat_lon: {
    content: "The closest one is {name}.",
    extract: [{ path: [0, "name"], as: "name" }],
  },
  unit_conversion: { content: "That is {value}.", extract: [{ path: [], as: "value", format: "number" }] },
  convert_currency: { content: "That is {value}.", extract: [{ path: [], as: "value", format: "number" }] },
  calculate_lat_lon_distance: {
    content: "The distance is {value} kilometers.",
    extract: [{ path: [], as: "value", format: "number" }],
  },
  search_stock: {
    content: "{name} is trading at {price}.",
    extract: [
      { path: ["name"], as: "name" },
      { path: ["price"], as: "price", format: "number" },
    ],
  },
  search_lat_lon: { content: "The address is {address}.", extract: [{ path: [], as: "address" }] },
  search_weather_around_lat_lon: {
    content: "The high will be {temperature} degrees.",
    extract: [{ path: ["max_temperature"], as: "temperature", format: "number" }],
  },
  search_holiday: { content: "It falls on {date}.", extract: [{ path: [], as: "date", format: "date" }] },
  timestamp_to_datetime_info: {
    content: "It will be {year}-{month}-{day}.",
    extract: [
      { path: ["year"], as: "year" },
      { path: ["month"], as: "month" },
      { path: ["day"], as: "day" },
    ],
  },
  timestamp_diff: { content: "There are {days} days left.", extract: [{ path: ["days"], as: "days" }] },
  get_current_location: {
    content: "You are at latitude {latitude}, longitude {longitude}.",
    extract: [
      { path: ["latitude"], as: "latitude" },
      { path: ["longitude"], as: "longitude" },
    ],
  },
};

/** Messages a search_messages call finds: every literal criterion (or its alternative by phone) must hold. */
function matchingMessages(call: ExpectedCall, context: ExecutionContext): MessageRow[] {
  const criteria = { ...literalArguments(call.arguments), ...literalArguments(call.alternatives?.[0] ?? {}) };
  return [...context.databases.MESSAGING]
    .filter((message) =>
      Object.entries(criteria).every(([key, value]) => (message as unknown as Record<string, unknown>)[key] === value),
    )
    .sort((a, b) => a.creation_timestamp - b.creation_timestamp);
}

function answerSpec(tool: string, description: string): AnswerSpec | undefined {
  if (tool === "timestamp_to_datetime_info" && /\btime\b/i.test(description)) {
    return {
      content: "It will be {hour}:{minute}.",
      extract: [
        { path: ["hour"], as: "hour" },
        { path: ["minute"], as: "minute", format: "two_digits" },
      ],
    };
  }
  if (tool === "timestamp_to_datetime_info" && /\b(?:weekday|day of the week)\b/i.test(description)) {
    return { content: "It is a {weekday}.", extract: [{ path: ["isoweekday"], as: "weekday", format: "weekday" }] };
  }
  return RESULT_ANSWERS[tool];
}

/** The answer milestone: content the state determines, or filled from the last read's own result. */
function finalAnswer(builder: Builder, simulation: Simulation): SnapshotConstraint | undefined {
  const { calls, context, description } = builder;
  // Only a request that ends in a lookup has an answer to check; one that ends in a write is checked by its rows.
  const acting = [...calls.keys()].reverse().find((i) => SWITCH_OF[calls[i]?.tool ?? ""] === undefined);
  const lastRead =
    acting !== undefined && ROW_WRITES[calls[acting]?.tool ?? ""] === undefined && builder.milestoneOfCall.has(acting)
      ? acting
      : undefined;
  if (lastRead === undefined) return undefined;
  const call = calls[lastRead] as ExpectedCall;
  const row = { sender: "AGENT", recipient: "USER" };
  const fromState = (content: string): SnapshotConstraint => ({
    database_namespace: "SANDBOX",
    similarity: "snapshot",
    target: [{ ...row, content }],
    column_similarity: { content: "rouge_l" },
  });
  const getter = GETTER_OF[call.tool];
  if (getter !== undefined) {
    const state = simulation.steps
      .slice(0, lastRead)
      .reduce(
        (value, step) =>
          step.settings === undefined ? value : (step.settings as unknown as Record<string, boolean>)[getter],
        (context.databases.SETTING[0] as unknown as Record<string, boolean>)[getter],
      );
    return fromState(`${LABEL[getter]} is ${state === true ? "on" : "off"}.`);
  }
  if (call.tool === "search_contacts") {
    const phone = call.arguments.phone_number;
    const source = isResultRef(phone) ? calls[phone.$result_of] : undefined;
    if (source?.tool === "search_messages") {
      // "Who sent me ...": the sender of the message the earlier search found.
      const message = matchingMessages(source, context)[0];
      const sender = context.databases.CONTACT.find((c) => c.phone_number === message?.sender_phone_number);
      return sender === undefined ? undefined : fromState(`It was ${sender.name}.`);
    }
    const found =
      typeof phone === "string"
        ? context.databases.CONTACT.filter((c) => c.phone_number === phone)
        : targetContacts(description, context);
    if (found.length === 0) return undefined;
    return fromState(found.map((c) => `${c.name}: ${c.phone_number}`).join(", "));
  }
  if (call.tool === "search_messages") {
    const found = matchingMessages(call, context);
    const latest = /\b(?:last|latest|recent(?:ly)?|newest)\b/i.test(description) ? found.slice(-1) : found;
    return fromState(
      latest.length === 0 ? "You have no such messages." : latest.map((m) => `"${m.content}"`).join(", "),
    );
  }
  if (call.tool === "search_reminder") {
    const reminder = targetReminder(description, context);
    return reminder === undefined ? undefined : fromState(`Yes, you have a reminder: ${reminder.content}.`);
  }
  const spec = answerSpec(call.tool, description);
  const source = builder.milestoneOfCall.get(lastRead);
  if (spec === undefined || source === undefined) return undefined;
  return {
    database_namespace: "SANDBOX",
    similarity: "tool_trace_dependent",
    reference_milestone_index: source,
    target: [{ ...row, content: spec.content }],
    column_similarity: { content: "rouge_l" },
    dependent: { fill_to: "content", extract: spec.extract },
  };
}
