import { databasesForCategories } from "./catalog.ts";
import { currentSettings, type ExecutionContext } from "./execution-context.ts";

const NO_STATE = "No relevant system state found.";

/**
 * A plain-text picture of the tables the categories touch, for the task prompt. Every row counts (no headguard
 * skipping), settings are always shown with their consequences, and messages are ordered by time, not by row.
 * @example
 * summarizeState(createSampleExecutionContext(), ["messaging"]);
 */
export function summarizeState(context: ExecutionContext, categories: readonly string[]): string {
  const parts: string[] = [];
  for (const namespace of databasesForCategories(categories)) {
    if (namespace === "SETTING") parts.push(summarizeSettings(context));
    if (namespace === "CONTACT" && context.databases.CONTACT.length > 0) parts.push(summarizeContacts(context));
    if (namespace === "MESSAGING" && context.databases.MESSAGING.length > 0) parts.push(summarizeMessages(context));
    if (namespace === "REMINDER" && context.databases.REMINDER.length > 0) parts.push(summarizeReminders(context));
  }
  return parts.length === 0 ? NO_STATE : parts.join("\n\n");
}

const onOff = (value: boolean): string => (value ? "on" : "off");

function summarizeSettings(context: ExecutionContext): string {
  const setting = currentSettings(context);
  const lines = [
    "Device settings:",
    `- wifi: ${onOff(setting.wifi)}`,
    `- cellular service: ${onOff(setting.cellular)}`,
    `- location service: ${onOff(setting.location_service)}`,
    `- low battery mode: ${onOff(setting.low_battery_mode)}`,
    `- current location known to the phone: latitude ${setting.latitude}, longitude ${setting.longitude}` +
      (setting.location_service ? "" : " (readable only once location service is on)"),
  ];
  if (!setting.wifi)
    lines.push("- consequence: web lookups (holidays, weather, places, stocks, currency) fail until wifi is on");
  if (!setting.cellular) lines.push("- consequence: sending a text fails until cellular service is on");
  if (!setting.location_service)
    lines.push("- consequence: reading the current location fails until location service is on");
  if (setting.low_battery_mode) {
    lines.push("- consequence: wifi, cellular and location service cannot be switched on while low battery mode is on");
  }
  return lines.join("\n");
}

function summarizeContacts(context: ExecutionContext): string {
  const lines = ["Contacts:"];
  for (const contact of context.databases.CONTACT) {
    const relationship = contact.relationship ?? "no relationship given";
    lines.push(`- ${contact.name} – ${relationship} – ${contact.phone_number}${contact.is_self ? " (the user)" : ""}`);
  }
  return lines.join("\n");
}

function summarizeMessages(context: ExecutionContext): string {
  const { CONTACT, MESSAGING } = context.databases;
  const self = CONTACT.find((contact) => contact.is_self);
  const nameOf = (phone: string): string =>
    CONTACT.find((contact) => contact.phone_number === phone)?.name ?? `unknown number ${phone}`;
  const sorted = [...MESSAGING].sort((a, b) => a.creation_timestamp - b.creation_timestamp);
  const lines = ["Messages (oldest first):"];
  for (const message of sorted) {
    const outgoing = self !== undefined && message.sender_phone_number === self.phone_number;
    const direction = outgoing
      ? `sent to ${nameOf(message.recipient_phone_number)}`
      : `received from ${nameOf(message.sender_phone_number)}`;
    lines.push(`- ${direction}, ${describeAge(context.now - message.creation_timestamp)}: "${message.content}"`);
  }
  return lines.join("\n");
}

function summarizeReminders(context: ExecutionContext): string {
  const lines = ["Reminders:"];
  const sorted = [...context.databases.REMINDER].sort((a, b) => a.reminder_timestamp - b.reminder_timestamp);
  for (const reminder of sorted) {
    const delta = reminder.reminder_timestamp - context.now;
    const due =
      delta < 0
        ? `overdue since ${describeAge(-delta)}`
        : delta <= 2 * 3600
          ? `due soon (${describeSpan(delta)} from now)`
          : `upcoming, due in ${describeSpan(delta)}`;
    const place = reminder.latitude === null ? "" : ", tied to a location";
    lines.push(`- "${reminder.content}": ${due}${place}`);
  }
  return lines.join("\n");
}

function describeAge(seconds: number): string {
  return seconds < 60 ? "just now" : `${describeSpan(seconds)} ago`;
}

function describeSpan(seconds: number): string {
  const units: Array<[number, string]> = [
    [86_400, "day"],
    [3600, "hour"],
    [60, "minute"],
  ];
  for (const [size, unit] of units) {
    if (seconds >= size) {
      const count = Math.floor(seconds / size);
      return `${count} ${unit}${count === 1 ? "" : "s"}`;
    }
  }
  return `${Math.max(0, Math.floor(seconds))} seconds`;
}
