import { findTool, type ToolSpec } from "./catalog.ts";
import { currentSettings, type ExecutionContext } from "./execution-context.ts";
import {
  contactByMessage,
  contactByRelationship,
  intendedSwitchValue,
  literalKinds,
  pickContacts,
  pickReminder,
  type SwitchName,
} from "./task-text.ts";

export interface SwitchState {
  wifi: boolean;
  cellular: boolean;
  location_service: boolean;
  low_battery_mode: boolean;
}

export type StateChangeKind = "addition" | "removal" | "update";

export interface SimulatedStep {
  tool: string;
  /** The table a write changes, and how; absent for read-only calls. */
  change?: { namespace: "CONTACT" | "MESSAGING" | "REMINDER" | "SETTING"; kind: StateChangeKind };
  /** Switches after this call (only for setters). */
  settings?: SwitchState;
}

export interface Simulation {
  feasible: boolean;
  /** Why the trajectory cannot run, one sentence per problem, naming the step. */
  reasons: string[];
  steps: SimulatedStep[];
  /** State the task relies on, e.g. `wifi_on`, `has_contacts`, `self_contact`. */
  dependencies: string[];
}

/** Value kinds a validator tracks; the rest (amounts, calendar fields, free text) the task wording can supply. */
export const TRACKED_KINDS: ReadonlySet<string> = new Set([
  "person_id",
  "reminder_id",
  "message_id",
  "timestamp",
  "latitude",
  "longitude",
  "phone_number",
]);

const KIND_SOURCES: Readonly<Record<string, string>> = {
  person_id: "call search_contacts (or add_contact) first",
  reminder_id: "call search_reminder (or add_reminder) first",
  message_id: "call search_messages first",
  timestamp: "start from get_current_timestamp (then shift_timestamp or datetime_info_to_timestamp)",
  latitude: "call get_current_location or search_location_around_lat_lon first, or give coordinates in the task",
  longitude: "call get_current_location or search_location_around_lat_lon first, or give coordinates in the task",
  phone_number: "call search_contacts first or give the number in the task",
};

const SETTERS: Readonly<Record<string, SwitchName>> = {
  set_wifi_status: "wifi",
  set_cellular_service_status: "cellular",
  set_location_service_status: "location_service",
  set_low_battery_mode_status: "low_battery_mode",
};

/** The database table each writing tool changes, and how (the milestones of a scenario check these changes too). */
export const ROW_WRITES: Readonly<
  Record<string, { namespace: "CONTACT" | "MESSAGING" | "REMINDER"; kind: StateChangeKind }>
> = {
  add_contact: { namespace: "CONTACT", kind: "addition" },
  modify_contact: { namespace: "CONTACT", kind: "update" },
  remove_contact: { namespace: "CONTACT", kind: "removal" },
  send_message_with_phone_number: { namespace: "MESSAGING", kind: "addition" },
  add_reminder: { namespace: "REMINDER", kind: "addition" },
  modify_reminder: { namespace: "REMINDER", kind: "update" },
  remove_reminder: { namespace: "REMINDER", kind: "removal" },
};

const LABELS: Readonly<Record<SwitchName, string>> = {
  wifi: "wifi",
  cellular: "cellular service",
  location_service: "location service",
  low_battery_mode: "low battery mode",
};

/**
 * Plays a trajectory against the state without running tools: tracks the four switches (setters flip them, or set
 * what the task asks), which ids/timestamps/coordinates earlier calls or the task text provide, and whether the
 * entities the task acts on exist. Rules from ToolSandbox's tool bodies (NOTES.md §d).
 * @example
 * simulateTrajectory("Text Fredrik hi", ["search_contacts", "send_message_with_phone_number"], context).feasible;
 */
export function simulateTrajectory(
  description: string,
  trajectory: readonly string[],
  context: ExecutionContext,
): Simulation {
  const reasons: string[] = [];
  const dependencies = new Set<string>();
  const steps: SimulatedStep[] = [];
  const setting = currentSettings(context);
  const switches: SwitchState = {
    wifi: setting.wifi,
    cellular: setting.cellular,
    location_service: setting.location_service,
    low_battery_mode: setting.low_battery_mode,
  };
  const literal = literalKinds(description, context);
  const available = new Set(literal);
  /** Which tool first supplied each kind ("task" for literals). */
  const sourceOf = new Map<string, string>([...literal].map((kind) => [kind, "task"]));
  const called = new Set<string>();
  const intentUsed = new Set<SwitchName>();
  const contactsNamed = pickContacts(description, context.databases.CONTACT);

  trajectory.forEach((name, index) => {
    const at = `${name} (step ${index + 1})`;
    const tool = findTool(name);
    if (tool === undefined) {
      reasons.push(`${at} is not a ToolSandbox tool.`);
      steps.push({ tool: name });
      return;
    }
    checkNeeds(tool, at, switches, available, context, reasons, dependencies);

    const required = new Set(tool.arguments.filter((argument) => argument.required).map((argument) => argument.name));
    const missingKinds = new Set<string>();
    for (const [argument, kind] of Object.entries(tool.consumes)) {
      if (required.has(argument) && TRACKED_KINDS.has(kind) && !available.has(kind)) missingKinds.add(kind);
    }
    for (const kind of missingKinds)
      reasons.push(`${at} needs a ${kind}, but nothing before it provides one: ${KIND_SOURCES[kind]}.`);

    checkEntities(name, at, { description, called, sourceOf, contactsNamed, context, reasons, dependencies });

    const step: SimulatedStep = { tool: name };
    const write = ROW_WRITES[name];
    if (write !== undefined) step.change = write;
    const switchName = SETTERS[name];
    if (switchName !== undefined) {
      applySetter(switchName, at, description, intentUsed, switches, reasons);
      step.change = { namespace: "SETTING", kind: "update" };
      step.settings = { ...switches };
    }
    steps.push(step);
    for (const kind of tool.produces) {
      if (!available.has(kind)) sourceOf.set(kind, name);
      available.add(kind);
    }
    called.add(name);
  });

  return { feasible: reasons.length === 0, reasons, steps, dependencies: [...dependencies].sort() };
}

function checkNeeds(
  tool: ToolSpec,
  at: string,
  switches: SwitchState,
  available: ReadonlySet<string>,
  context: ExecutionContext,
  reasons: string[],
  dependencies: Set<string>,
): void {
  const { needs } = tool;
  const fixHint = (name: SwitchName): string =>
    switches.low_battery_mode
      ? `turn low battery mode off, then call ${setterOf(name)} before it`
      : `call ${setterOf(name)} before it`;
  if (needs.wifi === true) {
    dependencies.add("wifi_on");
    if (!switches.wifi) reasons.push(`${at} needs wifi, which is off at that point: ${fixHint("wifi")}.`);
  }
  if (needs.cellular === true) {
    dependencies.add("cellular_on");
    if (!switches.cellular) {
      reasons.push(`${at} needs cellular service, which is off at that point: ${fixHint("cellular")}.`);
    }
  }
  if (needs.self_contact === true) {
    dependencies.add("self_contact");
    const selfCount = context.databases.CONTACT.filter((contact) => contact.is_self).length;
    if (selfCount !== 1) {
      reasons.push(`${at} needs exactly one contact marked as the user, but the address book has ${selfCount}.`);
    }
  }
  const location = needs.location_service;
  const needsLocation =
    location === true || location === "always" || (typeof location === "string" && !available.has("latitude"));
  if (needsLocation) {
    dependencies.add("location_service_on");
    if (!switches.location_service) {
      reasons.push(`${at} needs location service, which is off at that point: ${fixHint("location_service")}.`);
    }
  }
}

function setterOf(name: SwitchName): string {
  return Object.entries(SETTERS).find(([, switchName]) => switchName === name)?.[0] ?? "a setter";
}

function applySetter(
  name: SwitchName,
  at: string,
  description: string,
  intentUsed: Set<SwitchName>,
  switches: SwitchState,
  reasons: string[],
): void {
  const intended = intentUsed.has(name) ? undefined : intendedSwitchValue(description, name);
  intentUsed.add(name);
  // Setters fail when asked for the current state, so an unstated target means "the other state".
  const target = intended ?? !switches[name];
  if (target === switches[name]) {
    reasons.push(
      `${at} would switch ${LABELS[name]} ${target ? "on" : "off"}, but it is already ${target ? "on" : "off"} at that point (the tool fails).`,
    );
    return;
  }
  if (name !== "low_battery_mode" && target && switches.low_battery_mode) {
    reasons.push(
      `${at} cannot switch ${LABELS[name]} on while low battery mode is on: call set_low_battery_mode_status first.`,
    );
    return;
  }
  switches[name] = target;
  if (name === "low_battery_mode" && target) {
    switches.wifi = false;
    switches.cellular = false;
    switches.location_service = false;
  }
}

interface EntityCheck {
  description: string;
  called: ReadonlySet<string>;
  sourceOf: ReadonlyMap<string, string>;
  contactsNamed: readonly unknown[];
  context: ExecutionContext;
  reasons: string[];
  dependencies: Set<string>;
}

function checkEntities(name: string, at: string, check: EntityCheck): void {
  const { called, sourceOf, contactsNamed, context, reasons, dependencies, description } = check;
  const { CONTACT, REMINDER } = context.databases;
  const contactIdTools = name === "modify_contact" || name === "remove_contact";
  const sendsToSearchResult =
    name === "send_message_with_phone_number" && sourceOf.get("phone_number") === "search_contacts";
  if ((contactIdTools || sendsToSearchResult) && !called.has("add_contact")) {
    dependencies.add("has_contacts");
    const kind = contactIdTools ? "person_id" : "phone_number";
    if (CONTACT.filter((contact) => !contact.is_self).length === 0) {
      reasons.push(`${at} acts on an existing contact, but the address book holds nobody besides the user.`);
    } else if (
      sourceOf.get(kind) === "search_contacts" &&
      contactsNamed.length === 0 &&
      // "the last person I texted": a message search finds who it is, so the task need not name them.
      !(called.has("search_messages") && contactByMessage(description)) &&
      !contactByRelationship(description, CONTACT)
    ) {
      const names = CONTACT.filter((contact) => !contact.is_self).map((contact) => contact.name);
      reasons.push(
        `${at} acts on a contact found by search_contacts, but the task names none of the people in the address book (${names.join(", ")}).`,
      );
    }
  }
  if ((name === "modify_reminder" || name === "remove_reminder") && !called.has("add_reminder")) {
    dependencies.add("has_reminders");
    if (REMINDER.length === 0) {
      reasons.push(`${at} acts on an existing reminder, but there are no reminders.`);
    } else if (
      pickReminder(description, REMINDER, context.now) === undefined &&
      sourceOf.get("reminder_id") !== "task"
    ) {
      const contents = REMINDER.map((reminder) => `"${reminder.content}"`);
      reasons.push(
        `${at} acts on a reminder, but the task names none of the stored ones by content or by time (${contents.join(", ")}).`,
      );
    }
  }
  if (name === "search_messages") dependencies.add("has_messages");
}
