import { z } from "zod";
import { ConfigError, issuesFromZod } from "../errors.ts";
import stateJson from "./toolsandbox/state.json" with { type: "json" };

// The five ToolSandbox tables as plain rows. Unlike upstream's process-global context, a context is a value passed
// explicitly, so concurrent tasks never share state; `now` is injected rather than read from the wall clock.

export type Role = "SYSTEM" | "USER" | "AGENT" | "EXECUTION_ENVIRONMENT";

export interface SandboxRow {
  sender: Role;
  recipient: Role;
  content: string;
  visible_to?: Role[];
}
export interface SettingRow {
  device_id: string;
  cellular: boolean;
  wifi: boolean;
  location_service: boolean;
  low_battery_mode: boolean;
  latitude: number;
  longitude: number;
}
export interface ContactRow {
  person_id: string;
  name: string;
  phone_number: string;
  relationship: string | null;
  is_self: boolean;
}
export interface MessageRow {
  message_id: string;
  sender_person_id: string | null;
  sender_phone_number: string;
  recipient_person_id: string | null;
  recipient_phone_number: string;
  content: string;
  creation_timestamp: number;
}
export interface ReminderRow {
  reminder_id: string;
  content: string;
  creation_timestamp: number;
  reminder_timestamp: number;
  latitude: number | null;
  longitude: number | null;
}

export interface ExecutionContext {
  /** POSIX seconds the relative times of the state are anchored to. */
  now: number;
  /** Which upstream base variant the settings come from (`base`, `base_wifi_off`, …). */
  variant: string;
  databases: {
    SANDBOX: SandboxRow[];
    SETTING: SettingRow[];
    CONTACT: ContactRow[];
    MESSAGING: MessageRow[];
    REMINDER: ReminderRow[];
  };
}

/** 2025-01-01T12:00:00Z, the anchor state.json resolves its relative times with; callers may pass their own. */
export const DEFAULT_NOW = 1_735_732_800;

const SettingSchema = z.object({
  device_id: z.string(),
  cellular: z.boolean(),
  wifi: z.boolean(),
  location_service: z.boolean(),
  low_battery_mode: z.boolean(),
  latitude: z.number(),
  longitude: z.number(),
});
const IdSchema = z.object({ value: z.string() });
const OffsetSchema = z.object({ $now_offset_seconds: z.number() });
const StateSchema = z.object({
  base_scenario: z.object({
    tables: z.object({
      CONTACT: z.array(
        z.object({
          person_id: IdSchema,
          name: z.string(),
          phone_number: z.string(),
          relationship: z.string().nullable(),
          is_self: z.boolean(),
        }),
      ),
      MESSAGING: z.array(
        z.object({
          message_id: IdSchema,
          sender_person_id: IdSchema.nullable(),
          sender_phone_number: z.string(),
          recipient_person_id: IdSchema.nullable(),
          recipient_phone_number: z.string(),
          content: z.string(),
          creation_timestamp: OffsetSchema,
        }),
      ),
      REMINDER: z.array(
        z.object({
          reminder_id: IdSchema,
          content: z.string(),
          creation_timestamp: OffsetSchema,
          reminder_timestamp: OffsetSchema,
          latitude: z.number().nullable(),
          longitude: z.number().nullable(),
        }),
      ),
    }),
  }),
  setting_variants: z.object({ variants: z.record(z.string(), z.object({ setting: SettingSchema })) }),
});

function loadState(): z.infer<typeof StateSchema> {
  const parsed = StateSchema.safeParse(stateJson);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error.issues, stateJson);
    throw new ConfigError("core/tasks/toolsandbox/state.json is invalid", issues, { listIssues: true });
  }
  return parsed.data;
}

const STATE = loadState();

export const SETTING_VARIANTS: Readonly<Record<string, SettingRow>> = Object.freeze(
  Object.fromEntries(Object.entries(STATE.setting_variants.variants).map(([name, variant]) => [name, variant.setting])),
);
export const SETTING_VARIANT_NAMES: readonly string[] = Object.freeze(Object.keys(SETTING_VARIANTS));

export interface ExecutionContextOptions {
  now?: number;
  /** Settings variant; defaults to `base` (everything on, low battery mode off). */
  variant?: string;
}

function settingsOf(variant: string): SettingRow {
  const setting = SETTING_VARIANTS[variant];
  if (setting === undefined) {
    throw new ConfigError(`Unknown settings variant "${variant}". Use one of: ${SETTING_VARIANT_NAMES.join(", ")}.`, [
      { path: "variant", message: "unknown settings variant", value: variant },
    ]);
  }
  return { ...setting };
}

/**
 * What a fresh upstream ExecutionContext holds: the default settings row and empty tables.
 * @example
 * const context = createExecutionContext({ now: 1735732800, variant: "base_wifi_off" });
 */
export function createExecutionContext(options: ExecutionContextOptions = {}): ExecutionContext {
  const variant = options.variant ?? "base";
  return {
    now: options.now ?? DEFAULT_NOW,
    variant,
    databases: { SANDBOX: [], SETTING: [settingsOf(variant)], CONTACT: [], MESSAGING: [], REMINDER: [] },
  };
}

/** The upstream base scenario's sample rows (4 contacts, 5 messages, 3 reminders) anchored at `now`. */
export function createSampleExecutionContext(options: ExecutionContextOptions = {}): ExecutionContext {
  const context = createExecutionContext(options);
  const { now } = context;
  const tables = STATE.base_scenario.tables;
  context.databases.CONTACT = tables.CONTACT.map((row) => ({ ...row, person_id: row.person_id.value }));
  context.databases.MESSAGING = tables.MESSAGING.map((row) => ({
    ...row,
    message_id: row.message_id.value,
    sender_person_id: row.sender_person_id?.value ?? null,
    recipient_person_id: row.recipient_person_id?.value ?? null,
    creation_timestamp: now + row.creation_timestamp.$now_offset_seconds,
  }));
  context.databases.REMINDER = tables.REMINDER.map((row) => ({
    ...row,
    reminder_id: row.reminder_id.value,
    creation_timestamp: now + row.creation_timestamp.$now_offset_seconds,
    reminder_timestamp: now + row.reminder_timestamp.$now_offset_seconds,
  }));
  return context;
}

/** A deep copy, so a scenario's starting context never aliases the generator's working state. */
export function cloneExecutionContext(context: ExecutionContext): ExecutionContext {
  return structuredClone(context);
}

export function currentSettings(context: ExecutionContext): SettingRow {
  const setting = context.databases.SETTING[0];
  if (setting === undefined) {
    throw new ConfigError("The execution context has no SETTING row; it needs exactly one.", [
      { path: "databases.SETTING", message: "must hold exactly one row" },
    ]);
  }
  return setting;
}
