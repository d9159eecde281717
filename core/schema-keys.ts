/**
 * The keys a zod schema allows at a path of its input, read from the schema itself, so "unknown key" messages list
 * exactly what the schema accepts (and stay right when a section gains a key). Duck-typed on zod 4's `_zod.def`, so
 * this module needs no zod import; unknown schema kinds give undefined.
 */
interface SchemaDef {
  type: string;
  shape?: Record<string, SchemaLike>;
  innerType?: SchemaLike;
  in?: SchemaLike;
  valueType?: SchemaLike;
  element?: SchemaLike;
  options?: SchemaLike[];
  values?: unknown[];
}
export interface SchemaLike {
  _zod: { def: SchemaDef };
}

/** Wrappers whose inner schema describes the same value. */
const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

export function allowedKeysAt(schema: SchemaLike, path: readonly PropertyKey[], input: unknown): string[] | undefined {
  let current: SchemaLike | undefined = schema;
  let value = input;
  for (let depth = 0; current !== undefined; ) {
    const def: SchemaDef = current._zod.def;
    if (WRAPPERS.has(def.type)) current = def.innerType;
    else if (def.type === "pipe") current = def.in;
    else if (def.type === "union") current = unionOptionFor(def.options ?? [], value);
    else if (depth === path.length) return def.type === "object" ? Object.keys(def.shape ?? {}) : undefined;
    else {
      const key = path[depth] as PropertyKey;
      value = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined;
      depth += 1;
      if (def.type === "object") current = def.shape?.[String(key)];
      else if (def.type === "record") current = def.valueType;
      else if (def.type === "array") current = def.element;
      else return undefined;
    }
  }
  return undefined;
}

/** The union member that describes `value`: its literal fields (a discriminator) match, then it knows most keys. */
function unionOptionFor(options: SchemaLike[], value: unknown): SchemaLike | undefined {
  const record = value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
  let best: SchemaLike | undefined;
  let bestUnknown = Number.POSITIVE_INFINITY;
  for (const option of options) {
    const shape = objectShape(option);
    if (shape === undefined) continue;
    const literalsMatch = Object.entries(shape).every(([key, field]) => {
      const def = field._zod.def;
      return def.type !== "literal" || (def.values ?? []).includes(record[key]);
    });
    if (!literalsMatch) continue;
    const unknown = Object.keys(record).filter((key) => !(key in shape)).length;
    if (unknown < bestUnknown) {
      best = option;
      bestUnknown = unknown;
    }
  }
  return best ?? options[0];
}

function objectShape(schema: SchemaLike): Record<string, SchemaLike> | undefined {
  let current: SchemaLike | undefined = schema;
  while (current !== undefined && WRAPPERS.has(current._zod.def.type)) current = current._zod.def.innerType;
  return current?._zod.def.type === "object" ? current._zod.def.shape : undefined;
}
