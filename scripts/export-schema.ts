// Writes the JSON Schemas of a trajectory and of an evaluation set's label line, generated from the zod schemas, to
// schema/. Run after changing core/trajectory/model.ts or labels.ts: `npx node scripts/export-schema.ts`.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  LABELS_SCHEMA_PATH,
  labelsJsonSchemaText,
  TRAJECTORY_SCHEMA_PATH,
  trajectoryJsonSchemaText,
} from "../core/trajectory/json-schema.ts";

const schemas: Array<[string, string]> = [
  [TRAJECTORY_SCHEMA_PATH, trajectoryJsonSchemaText()],
  [LABELS_SCHEMA_PATH, labelsJsonSchemaText()],
];
for (const [path, text] of schemas) {
  writeFileSync(fileURLToPath(new URL(`../${path}`, import.meta.url)), text);
  console.log(`wrote ${path}`);
}
