/**
 * The one place error classes are defined. Every error carries a stable `code` that edges (HTTP, SQS, CLI) map to
 * their own vocabulary; messages say what is wrong and how to fix it.
 */
import { allowedKeysAt, type SchemaLike } from "./schema-keys.ts";
import { unknownKeyMessage } from "./suggest.ts";

export type ErrorCode =
  | "config_invalid"
  | "input_invalid"
  | "not_found"
  | "storage_failed"
  | "llm_call_failed"
  | "llm_output_invalid"
  | "task_generation_failed"
  | "task_format_invalid"
  | "task_invalid"
  | "prompt_template_invalid"
  | "batch_failed"
  | "internal";

export interface CoreErrorOptions {
  cause?: unknown;
  /** Structured details safe to show a caller (never secrets). */
  details?: unknown;
}

export class CoreError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: CoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CoreError";
    this.code = code;
    this.details = options.details;
  }
}

/** One problem found while validating input: where, what was given, what is allowed. */
export interface Issue {
  path: string;
  message: string;
  value?: unknown;
}

export interface ConfigErrorOptions extends CoreErrorOptions {
  /**
   * The message is a headline for several issues ("Invalid trajectory config"): append every issue to it, so the
   * message is complete wherever it is shown. Leave unset when the message is already a full sentence.
   */
  listIssues?: boolean;
}

/** Invalid configuration or spec (YAML/JSON config, CLI flags, batch specs). `issues` keeps the problems structured. */
export class ConfigError extends CoreError {
  readonly issues: Issue[];
  /** The message spells out every issue (see `ConfigErrorOptions.listIssues`). */
  readonly listsIssues: boolean;
  constructor(message: string, issues: Issue[] = [], options: ConfigErrorOptions = {}) {
    const { listIssues = false, ...rest } = options;
    super("config_invalid", listIssues ? withIssues(message, issues) : message, {
      ...rest,
      details: rest.details ?? issues,
    });
    this.listsIssues = listIssues && issues.length > 0;
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** Invalid request input at a boundary (HTTP body, queue message). */
export class InputError extends CoreError {
  readonly issues: Issue[];
  constructor(message: string, issues: Issue[] = [], options: CoreErrorOptions = {}) {
    super("input_invalid", message, { ...options, details: options.details ?? issues });
    this.name = "InputError";
    this.issues = issues;
  }
}

export class NotFoundError extends CoreError {
  constructor(message: string, options: CoreErrorOptions = {}) {
    super("not_found", message, options);
    this.name = "NotFoundError";
  }
}

export type StorageDriverName = "memory" | "fs" | "s3";

export class StorageError extends CoreError {
  readonly driver: StorageDriverName;
  readonly key: string | undefined;
  constructor(driver: StorageDriverName, key: string | undefined, message: string, options: CoreErrorOptions = {}) {
    super("storage_failed", `[storage] [${driver}] ${message}`, options);
    this.name = "StorageError";
    this.driver = driver;
    this.key = key;
  }
}

export class PromptTemplateError extends CoreError {
  constructor(message: string, options: CoreErrorOptions = {}) {
    super("prompt_template_invalid", message, options);
    this.name = "PromptTemplateError";
  }
}

export interface LlmCallErrorOptions extends CoreErrorOptions {
  provider: string;
  status?: number;
  isRetryable: boolean;
}

/** A model call that failed at the transport/API level (after the SDK's own retries). */
export class LlmCallError extends CoreError {
  readonly provider: string;
  readonly status: number | undefined;
  readonly isRetryable: boolean;
  constructor(message: string, options: LlmCallErrorOptions) {
    super("llm_call_failed", message, options);
    this.name = "LlmCallError";
    this.provider = options.provider;
    this.status = options.status;
    this.isRetryable = options.isRetryable;
  }
}

export type LlmOutputErrorReason = "length" | "content-filter" | "empty" | "schema";

/** A model call that returned, but with output we cannot use as is. */
export class LlmOutputError extends CoreError {
  readonly reason: LlmOutputErrorReason;
  constructor(message: string, reason: LlmOutputErrorReason, options: CoreErrorOptions = {}) {
    super("llm_output_invalid", message, options);
    this.name = "LlmOutputError";
    this.reason = reason;
  }
}

export class BatchError extends CoreError {
  constructor(message: string, options: CoreErrorOptions = {}) {
    super("batch_failed", message, options);
    this.name = "BatchError";
  }
}

/** A zod issue as far as `issuesFromZod` reads it. */
export interface ZodLikeIssue {
  path: ReadonlyArray<PropertyKey>;
  message: string;
  code?: string;
  /** The unknown keys of an `unrecognized_keys` issue. */
  keys?: readonly string[];
}

/**
 * Turns zod-like issues into our Issue shape, with the offending value looked up in the input. An unknown key is
 * reported at its own path, by name; given the schema, the message adds what is allowed there and a "did you mean".
 */
export function issuesFromZod(
  zodIssues: ReadonlyArray<ZodLikeIssue>,
  input: unknown,
  prefix = "",
  schema?: SchemaLike,
): Issue[] {
  const join = (parts: ReadonlyArray<PropertyKey>) =>
    [prefix, ...parts.map(String)].filter((part) => part !== "").join(".") || "(root)";
  return zodIssues.flatMap((issue): Issue[] => {
    if (issue.code === "unrecognized_keys" && issue.keys !== undefined) {
      const allowed = schema === undefined ? undefined : allowedKeysAt(schema, issue.path, input);
      return issue.keys.map((key) => ({
        path: join([...issue.path, key]),
        message:
          allowed === undefined ? `unknown key ${JSON.stringify(key)}; remove it` : unknownKeyMessage(key, allowed),
      }));
    }
    const value = valueAt(input, issue.path);
    const path = join(issue.path);
    return value === undefined ? [{ path, message: issue.message }] : [{ path, message: issue.message, value }];
  });
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** One line per issue, for CLI output and error messages. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues
    .map((issue) => {
      const shown = issue.value === undefined ? "" : ` (got ${JSON.stringify(issue.value)?.slice(0, 120)})`;
      return `  - ${issue.path}: ${issue.message}${shown}`;
    })
    .join("\n");
}

/** One model reply in the task generator's feedback loop, kept so a final failure shows every attempt. */
export interface TaskAttemptRecord {
  attempt: number;
  response: string;
  error: string;
}

export interface TaskGenerationErrorOptions extends CoreErrorOptions {
  attempts?: TaskAttemptRecord[];
}

/** A task could not be generated (base of the task generator's errors; carries every attempt when the loop gave up). */
export class TaskGenerationError extends CoreError {
  readonly attempts: TaskAttemptRecord[];
  constructor(
    message: string,
    options: TaskGenerationErrorOptions = {},
    code: "task_generation_failed" | "task_format_invalid" | "task_invalid" = "task_generation_failed",
  ) {
    super(code, message, options);
    this.name = "TaskGenerationError";
    this.attempts = options.attempts ?? [];
  }
}

/** The model's reply does not have the TASK / TRAJECTORY / CATEGORIES shape. */
export class FormatError extends TaskGenerationError {
  readonly response: string;
  readonly expectedFormat: string;
  constructor(message: string, response: string, expectedFormat: string, options: CoreErrorOptions = {}) {
    super(message, options, "task_format_invalid");
    this.name = "FormatError";
    this.response = response;
    this.expectedFormat = expectedFormat;
  }
}

/** The reply parsed, but the task is wrong: unknown tools, other categories, or a trajectory that cannot run. */
export class ValidationError extends TaskGenerationError {
  readonly reasons: string[];
  constructor(message: string, reasons: string[] = [message], options: CoreErrorOptions = {}) {
    super(message, options, "task_invalid");
    this.name = "ValidationError";
    this.reasons = reasons;
  }
}

function withIssues(headline: string, issues: readonly Issue[]): string {
  if (issues.length === 0) return headline;
  return `${headline} (${issues.length} ${issues.length === 1 ? "problem" : "problems"}):\n${formatIssues(issues)}`;
}
