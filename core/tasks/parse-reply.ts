import { FormatError } from "../errors.ts";
import { fillTemplate, type TaskPrompts } from "./prompts.ts";

/** The three fields of a model reply, before any validation against the catalog or the state. */
export interface ParsedReply {
  description: string;
  trajectory: string[];
  categories: string[];
}

type Fields = { task?: unknown; trajectory?: unknown; categories?: unknown };

/**
 * Extracts TASK / TRAJECTORY / CATEGORIES from a reply, trying in turn: the whole reply as JSON, a fenced block
 * (JSON or labelled lines), the outermost {...} span as JSON, then labelled lines anywhere in the text.
 * Throws FormatError (with the reply and the expected format) when no strategy yields all three fields.
 * @example
 * parseTaskReply("TASK: Turn off wifi\nTRAJECTORY: set_wifi_status\nCATEGORIES: [setting]", prompts);
 */
export function parseTaskReply(text: string, prompts: TaskPrompts): ParsedReply {
  const errors = prompts.common_format_errors;
  const fail = (message: string): never => {
    throw new FormatError(message, text, prompts.expected_format);
  };
  if (text.trim() === "") fail(errors.empty_reply);

  const fields = extractFields(text);
  const missing = [
    isBlank(fields.task) ? "TASK" : undefined,
    isBlank(fields.trajectory) ? "TRAJECTORY" : undefined,
    isBlank(fields.categories) ? "CATEGORIES" : undefined,
  ].filter((name) => name !== undefined);
  if (missing.length > 0) fail(fillTemplate(errors.missing_fields, { missing_fields: missing.join(", ") }));

  const description = cleanText(String(fields.task));
  const trajectory = splitTrajectory(fields.trajectory);
  if (trajectory === undefined) {
    fail(fillTemplate(errors.invalid_trajectory_format, { trajectory: describeValue(fields.trajectory) }));
  }
  const categories = splitCategories(fields.categories);
  if (categories.length === 0) fail(fillTemplate(errors.missing_fields, { missing_fields: "CATEGORIES" }));
  return { description, trajectory: trajectory as string[], categories };
}

function extractFields(text: string): Fields {
  const trimmed = text.trim();
  const candidates: Array<() => Fields | undefined> = [
    () => fromJson(trimmed),
    () => {
      const fenced = /```[a-zA-Z]*\s*\n?([\s\S]*?)```/.exec(trimmed)?.[1];
      return fenced === undefined ? undefined : (fromJson(fenced.trim()) ?? fromLabelledLines(fenced));
    },
    () => {
      const start = trimmed.indexOf("{");
      const end = trimmed.lastIndexOf("}");
      return start >= 0 && end > start ? fromJson(trimmed.slice(start, end + 1)) : undefined;
    },
    () => fromLabelledLines(trimmed),
  ];
  let best: Fields = {};
  for (const candidate of candidates) {
    const fields = candidate();
    if (fields === undefined) continue;
    if (count(fields) === 3) return fields;
    if (count(fields) > count(best)) best = fields;
  }
  return best;
}

function count(fields: Fields): number {
  return [fields.task, fields.trajectory, fields.categories].filter((value) => !isBlank(value)).length;
}

function fromJson(text: string): Fields | undefined {
  if (!text.startsWith("{")) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) return undefined;
  const lower = new Map(Object.entries(data).map(([key, value]) => [key.toLowerCase(), value]));
  const first = (...keys: string[]): unknown => keys.map((key) => lower.get(key)).find((value) => value !== undefined);
  return {
    task: first("task", "description", "task_description"),
    trajectory: first("trajectory", "required_tools", "tools"),
    categories: first("categories", "tools_category", "tool_categories", "category"),
  };
}

const LABEL = /^[\s>*#_`-]*(TASK|TRAJECTORY|CATEGORIES)[\s*_`]*:[\s*_`]*(.*)$/i;

function fromLabelledLines(text: string): Fields | undefined {
  const collected: Record<string, string[]> = {};
  let current: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const match = LABEL.exec(line);
    if (match !== null) {
      current = (match[1] as string).toLowerCase();
      collected[current] = [match[2] as string];
    } else if (current !== undefined) {
      if (line.trim() === "" && current === "categories") current = undefined;
      else collected[current]?.push(line);
    }
  }
  if (Object.keys(collected).length === 0) return undefined;
  const joined = (key: string, separator: string): string | undefined => {
    const lines = collected[key]?.map((line) => line.trim()).filter((line) => line !== "");
    return lines === undefined || lines.length === 0 ? undefined : lines.join(separator);
  };
  return {
    task: joined("task", " "),
    trajectory: joined("trajectory", " -> "),
    // Only the first line: models like to add a closing remark after the last field.
    categories: collected.categories?.map((line) => line.trim()).find((line) => line !== ""),
  };
}

const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function splitTrajectory(value: unknown): string[] | undefined {
  const items = Array.isArray(value) ? value.map(String) : String(value).split(/\s*(?:->|→|=>|,|;|\n)\s*/);
  const names: string[] = [];
  for (const item of items) {
    const name = item
      .trim()
      .replace(/^\[|\]$/g, "")
      .replace(/^(?:\d+[.)]|[-*•])\s*/, "")
      .replace(/[`'"*]/g, "")
      .replace(/\(.*\)$/s, "")
      .trim();
    if (name === "") continue;
    if (!TOOL_NAME.test(name)) return undefined;
    names.push(name);
  }
  return names.length === 0 ? undefined : names;
}

function splitCategories(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(String) : String(value).split(/\s*(?:,|;|\band\b)\s*/);
  return items
    .map((item) =>
      item
        .trim()
        .replace(/^\[|\]$/g, "")
        .replace(/[`'"*[\]]/g, "")
        .trim()
        .toLowerCase(),
    )
    .filter((item) => item !== "");
}

function cleanText(value: string): string {
  return value
    .trim()
    .replace(/^\*+|\*+$/g, "")
    .replace(/^"(.*)"$/s, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

function isBlank(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return String(value).trim() === "";
}

function describeValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
