import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GRAPH_SCHEMA_PATH, graphRecordJsonSchemaText } from "../../../core/export/graph-json-schema.ts";

interface Schema {
  properties: Record<string, { description?: string; properties?: Record<string, { description?: string }> }>;
}

describe("graph record JSON Schema", () => {
  it("equals a fresh generation from the zod schema (run `npx node scripts/export-schema.ts` if not)", () => {
    const committed = readFileSync(new URL(`../../../${GRAPH_SCHEMA_PATH}`, import.meta.url), "utf8");
    expect(committed).toBe(graphRecordJsonSchemaText());
  });

  it("describes every field and every feature column, with units for the numeric ones", () => {
    const schema = JSON.parse(graphRecordJsonSchemaText()) as Schema;
    for (const [name, property] of Object.entries(schema.properties)) {
      expect(property.description, name).toMatch(/\w/);
      for (const [column, entry] of Object.entries(property.properties ?? {})) {
        expect(entry.description, `${name}.${column}`).toMatch(/\w/);
      }
    }
    const numeric = schema.properties.node_numeric?.properties ?? {};
    expect(numeric.start_offset?.description).toContain("seconds from the trajectory's start_time");
    expect(numeric.memory_usage?.description).toBe("MB");
    expect(schema.properties.edge_numeric?.properties?.latency?.description).toMatch(/^seconds/);
  });
});
