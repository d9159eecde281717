import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  LABELS_SCHEMA_PATH,
  labelsJsonSchemaText,
  TRAJECTORY_SCHEMA_PATH,
  trajectoryJsonSchemaText,
} from "../../../core/trajectory/json-schema.ts";

describe("trajectory JSON Schema", () => {
  it("equals a fresh generation from the zod schemas (run `npx node scripts/export-schema.ts` if not)", () => {
    const committed = readFileSync(new URL(`../../../${TRAJECTORY_SCHEMA_PATH}`, import.meta.url), "utf8");
    expect(committed).toBe(trajectoryJsonSchemaText());
  });

  it("publishes the label schema of evaluation sets as generated (run `npx node scripts/export-schema.ts` if not)", () => {
    const committed = readFileSync(new URL(`../../../${LABELS_SCHEMA_PATH}`, import.meta.url), "utf8");
    expect(committed).toBe(labelsJsonSchemaText());
  });

  it("describes every node type as its own definition", () => {
    const schema = JSON.parse(trajectoryJsonSchemaText()) as { $defs: Record<string, unknown> };
    expect(Object.keys(schema.$defs).filter((name) => name.endsWith("Node"))).toHaveLength(10);
    expect(Object.keys(schema.$defs).filter((name) => name.endsWith("Edge"))).toHaveLength(3);
  });
});
