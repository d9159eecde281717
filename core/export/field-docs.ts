/** One row of a format's field dictionary. */
export interface FieldDoc {
  name: string;
  type: string;
  description: string;
}

/** A titled group of rows: the record itself, its nodes, its edges, ... */
export interface FieldSection {
  title: string;
  rows: readonly FieldDoc[];
}

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  const?: unknown;
  enum?: unknown[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  $defs?: Record<string, JsonSchema>;
};

/** Enums longer than this are summarised by their size rather than listed. */
const MAX_LISTED_VALUES = 6;

/**
 * The field dictionary of a JSON Schema (draft 2020-12, as `z.toJSONSchema` writes it): one row per leaf field, with
 * nested objects flattened to dotted names (`metadata.is_anomalous`). An array of a union of objects (the nodes or
 * edges of a trajectory) is described by `unionFields` instead, one row per field of any member.
 */
export function objectFields(
  root: JsonSchema,
  object: JsonSchema,
  prefix = "",
  notes: Readonly<Record<string, string>> = {},
): FieldDoc[] {
  const resolved = resolve(root, object);
  const rows: FieldDoc[] = [];
  for (const [key, property] of Object.entries(resolved.properties ?? {})) {
    const target = resolve(root, property);
    const name = `${prefix}${key}`;
    if (target.properties !== undefined && target.type === "object") {
      rows.push(...objectFields(root, target, `${name}.`, notes));
      continue;
    }
    rows.push({ name, type: typeOf(root, property), description: describe(root, property, notes[name]) });
  }
  return rows;
}

/**
 * One row per field of the members of a union of objects (`oneOf`), saying which members have it when not all do:
 * `discriminator` names the member (`node_type`, `edge_type`).
 */
export function unionFields(
  root: JsonSchema,
  union: JsonSchema,
  discriminator: string,
  prefix: string,
  notes: Readonly<Record<string, string>> = {},
): FieldDoc[] {
  const members = (resolve(root, union).oneOf ?? []).map((member) => resolve(root, member));
  const order: string[] = [];
  const owners = new Map<string, string[]>();
  const rows = new Map<string, FieldDoc>();
  for (const member of members) {
    const tag = String(member.properties?.[discriminator]?.const ?? "?");
    for (const row of objectFields(root, member, "", notes)) {
      if (!rows.has(row.name)) {
        order.push(row.name);
        rows.set(row.name, row);
        owners.set(row.name, []);
      }
      owners.get(row.name)?.push(tag);
    }
  }
  return order.map((name) => {
    const row = rows.get(name) as FieldDoc;
    const tags = owners.get(name) as string[];
    if (name === discriminator) {
      return {
        name: `${prefix}${name}`,
        type: tags.map((tag) => `\`${tag}\``).join(" | "),
        description: row.description,
      };
    }
    const scope = tags.length === members.length ? "" : `${tags.join(", ")} only. `;
    return { name: `${prefix}${name}`, type: row.type, description: `${scope}${row.description}`.trim() };
  });
}

function resolve(root: JsonSchema, schema: JsonSchema): JsonSchema {
  if (schema.$ref === undefined) return schema;
  const name = schema.$ref.replace("#/$defs/", "");
  const target = root.$defs?.[name];
  if (target === undefined) throw new RangeError(`field docs: unresolved $ref ${schema.$ref}`);
  return { ...target, ...(schema.description === undefined ? {} : { description: schema.description }) };
}

/** The schema's description, and the note (which says what the schema cannot, such as what a label means) after it. */
function describe(root: JsonSchema, schema: JsonSchema, note: string | undefined): string {
  return [resolve(root, schema).description, note].filter((text) => text !== undefined && text !== "").join("; ");
}

/** A short type: `string`, `integer ≥ 0`, `0 to 1`, `ISO time`, `uuid`, one of a small enum, `T | null`, `T[]`. */
function typeOf(root: JsonSchema, schema: JsonSchema): string {
  const target = resolve(root, schema);
  const variants = target.anyOf ?? target.oneOf;
  if (variants !== undefined) return variants.map((variant) => typeOf(root, variant)).join(" | ");
  if (target.const !== undefined) return `\`${String(target.const)}\``;
  if (target.enum !== undefined) {
    return target.enum.length <= MAX_LISTED_VALUES
      ? target.enum.map((value) => `\`${String(value)}\``).join(" | ")
      : `one of ${target.enum.length} values`;
  }
  if (Array.isArray(target.type)) return target.type.join(" | ");
  if (target.format === "date-time") return "ISO time (UTC)";
  if (target.format === "uuid") return "uuid";
  if (target.type === "array") {
    if (target.prefixItems !== undefined) return `[${target.prefixItems.map((item) => typeOf(root, item)).join(", ")}]`;
    if (target.items === undefined) return "array";
    const item = typeOf(root, target.items);
    return item.includes(" | ") ? `(${item})[]` : `${item}[]`;
  }
  if (target.type === "object") return "object";
  if (target.type === "number" && target.minimum === 0 && target.maximum === 1) return "number, 0 to 1";
  if ((target.type === "integer" || target.type === "number") && target.minimum === 0) return `${target.type} ≥ 0`;
  if (target.type === "integer" && target.exclusiveMinimum === 0) return "integer ≥ 1";
  return target.type ?? "any";
}
