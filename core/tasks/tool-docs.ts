import type { ToolSpec } from "./catalog.ts";

/**
 * Natural-language docs for a prompt: one block per tool with name, description, typed arguments (optional ones
 * marked) and a `Requires:` line naming the settings and earlier results the tool depends on.
 * @example
 * formatToolDocs(toolsForCategories(["setting"]));
 */
export function formatToolDocs(tools: readonly ToolSpec[]): string {
  return tools.map(formatToolDoc).join("\n\n");
}

export function formatToolDoc(tool: ToolSpec): string {
  const lines = [`Tool Name: ${tool.name}`, `Description: ${tool.description}`];
  if (tool.arguments.length === 0) {
    lines.push("Arguments: None");
  } else {
    lines.push("Arguments:");
    for (const argument of tool.arguments) {
      const optional = argument.required ? "" : " [optional]";
      lines.push(`\t${argument.name} (${argument.json_type || "unknown"})${optional}: ${argument.description}`);
    }
  }
  lines.push(`Returns: ${tool.returns.meaning}`);
  const requirements = describeRequirements(tool);
  if (requirements.length > 0) lines.push(`Requires: ${requirements.join("; ")}`);
  const note = NOTES[tool.name];
  if (note !== undefined) lines.push(`Note: ${note}`);
  return lines.join("\n");
}

const VALUE_SOURCES: Readonly<Record<string, string>> = {
  person_id: "a person_id from search_contacts or add_contact",
  reminder_id: "a reminder_id from search_reminder or add_reminder",
  message_id: "a message_id from search_messages or send_message_with_phone_number",
  timestamp:
    "a POSIX timestamp from get_current_timestamp, datetime_info_to_timestamp, shift_timestamp or search_holiday",
};

/** Side effects a task writer must know about that are not requirements. */
const NOTES: Readonly<Record<string, string>> = {
  set_low_battery_mode_status:
    "turning it on switches wifi, cellular and location service off; turning it off switches none of them back on; fails if already in the requested state",
};

function describeRequirements(tool: ToolSpec): string[] {
  const requirements: string[] = [];
  const { needs } = tool;
  if (needs.wifi === true) requirements.push("wifi on");
  if (needs.cellular === true) requirements.push("cellular service on");
  if (needs.self_contact === true) requirements.push("exactly one contact marked as the user (is_self)");
  if (needs.location_service === true || needs.location_service === "always") {
    requirements.push("location service on");
  } else if (typeof needs.location_service === "string") {
    requirements.push("location service on when latitude/longitude are omitted");
  }
  if (typeof needs.low_battery_mode_off === "string" || needs.low_battery_mode_off === true) {
    requirements.push("low battery mode off to switch the service on; fails if already in the requested state");
  }
  const required = new Set(tool.arguments.filter((argument) => argument.required).map((argument) => argument.name));
  const kinds = new Set<string>();
  for (const [argument, kind] of Object.entries(tool.consumes)) {
    if (required.has(argument) && VALUE_SOURCES[kind] !== undefined) kinds.add(kind);
  }
  for (const kind of kinds) requirements.push(VALUE_SOURCES[kind] as string);
  return requirements;
}
