import { z } from "zod";
import { ConfigError, issuesFromZod, ValidationError } from "../errors.ts";
import catalogJson from "./toolsandbox/catalog.json" with { type: "json" };

// ToolSandbox's tools as data (read from upstream with Python's ast; descriptions are ours). Validated once at load.

const NeedSchema = z.union([z.boolean(), z.string()]);
const ToolArgumentSchema = z.object({
  name: z.string(),
  json_type: z.string(),
  required: z.boolean(),
  description: z.string(),
});
const ToolSchema = z.object({
  name: z.string(),
  category: z.string(),
  visible_to: z.array(z.string()),
  description: z.string(),
  arguments: z.array(ToolArgumentSchema),
  returns: z.object({ meaning: z.string() }),
  database: z.object({ reads: z.array(z.string()), writes: z.array(z.string()) }),
  needs: z.object({
    wifi: NeedSchema,
    cellular: NeedSchema,
    location_service: NeedSchema,
    low_battery_mode_off: NeedSchema,
    self_contact: NeedSchema,
  }),
  produces: z.array(z.string()),
  consumes: z.record(z.string(), z.string()),
});
const CategorySchema = z.object({
  summary: z.string(),
  tools: z.array(z.string()),
  database: z.string().nullable(),
  databases_touched: z.array(z.string()),
  task_generation_eligible: z.boolean(),
});
const CatalogSchema = z.object({
  categories: z.record(z.string(), CategorySchema),
  tools: z.array(ToolSchema),
});

export type ToolSpec = z.infer<typeof ToolSchema>;
export type ToolArgument = z.infer<typeof ToolArgumentSchema>;
export type DatabaseNamespace = "SANDBOX" | "SETTING" | "CONTACT" | "MESSAGING" | "REMINDER";

export interface ToolCategoryInfo {
  category: string;
  summary: string;
  tools: readonly ToolSpec[];
  /** The category's own table, or null for stateless categories. */
  database: DatabaseNamespace | null;
  /** Every table the category's tools read or write (what a state summary must show). */
  databasesTouched: readonly DatabaseNamespace[];
}

function loadCatalog(): z.infer<typeof CatalogSchema> {
  const parsed = CatalogSchema.safeParse(catalogJson);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error.issues, catalogJson);
    throw new ConfigError("core/tasks/toolsandbox/catalog.json is invalid", issues, { listIssues: true });
  }
  return parsed.data;
}

const CATALOG = loadCatalog();

/** Tools the agent may call: everything except the user-only `end_conversation`. */
export const AGENT_TOOLS: readonly ToolSpec[] = Object.freeze(
  CATALOG.tools.filter((tool) => tool.visible_to.includes("AGENT")),
);
const TOOLS_BY_NAME = new Map(CATALOG.tools.map((tool) => [tool.name, tool]));

const CATEGORY_INFO: ReadonlyMap<string, ToolCategoryInfo> = new Map(
  Object.entries(CATALOG.categories)
    .filter(([, info]) => info.task_generation_eligible)
    .map(([category, info]) => [
      category,
      {
        category,
        summary: info.summary,
        tools: info.tools.map((name) => TOOLS_BY_NAME.get(name) as ToolSpec),
        database: info.database as DatabaseNamespace | null,
        databasesTouched: info.databases_touched as DatabaseNamespace[],
      },
    ]),
);

/** The six categories a task can be generated for (`user_tools` is the user's, not the agent's). */
export const TASK_CATEGORIES: readonly string[] = Object.freeze([...CATEGORY_INFO.keys()]);

/** Per-category tools and tables (the plan's get_tool_categories_info, which upstream lacks). */
export function getToolCategoriesInfo(): ReadonlyMap<string, ToolCategoryInfo> {
  return CATEGORY_INFO;
}

/** Category → tool names (the plan's get_tool_categories_tools_map). */
export function getToolCategoriesToolsMap(): Record<string, string[]> {
  return Object.fromEntries([...CATEGORY_INFO].map(([category, info]) => [category, info.tools.map((t) => t.name)]));
}

/** Any catalogued tool by name, including the user-only one; undefined when unknown. */
export function findTool(name: string): ToolSpec | undefined {
  return TOOLS_BY_NAME.get(name);
}

export function getTool(name: string): ToolSpec {
  const tool = TOOLS_BY_NAME.get(name);
  if (tool === undefined) throw new ValidationError(`Unknown tool "${name}".`);
  return tool;
}

/**
 * Rejects unknown or duplicate categories with the list of valid ones.
 * @example
 * validateToolCategories(["contact", "messaging"]); // ok
 */
export function validateToolCategories(categories: readonly string[]): void {
  if (categories.length === 0) {
    throw new ValidationError(`At least one tool category is required. Available: ${TASK_CATEGORIES.join(", ")}.`);
  }
  const unknown = categories.filter((category) => !CATEGORY_INFO.has(category));
  if (unknown.length > 0) {
    throw new ValidationError(
      `Unknown tool ${unknown.length === 1 ? "category" : "categories"} ${unknown.map((c) => `"${c}"`).join(", ")}. ` +
        `Available: ${TASK_CATEGORIES.join(", ")}.`,
    );
  }
  const duplicates = categories.filter((category, index) => categories.indexOf(category) !== index);
  if (duplicates.length > 0) {
    throw new ValidationError(`Tool category "${duplicates[0]}" is listed twice. List each category once.`);
  }
}

/** The agent tools of the given categories, in catalog order. */
export function toolsForCategories(categories: readonly string[]): ToolSpec[] {
  validateToolCategories(categories);
  return categories.flatMap((category) => [...(CATEGORY_INFO.get(category)?.tools ?? [])]);
}

/** Tables a state summary must cover for these categories; SETTING always, since preconditions live there. */
export function databasesForCategories(categories: readonly string[]): DatabaseNamespace[] {
  const wanted = new Set<DatabaseNamespace>(["SETTING"]);
  for (const category of categories) {
    for (const namespace of CATEGORY_INFO.get(category)?.databasesTouched ?? []) wanted.add(namespace);
  }
  const order: DatabaseNamespace[] = ["SETTING", "CONTACT", "MESSAGING", "REMINDER"];
  return order.filter((namespace) => wanted.has(namespace));
}
