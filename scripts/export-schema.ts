// Writes the JSON Schemas generated from the zod schemas: schema/trajectory.schema.json,
// schema/graph-record.schema.json and schema/trajectory-labels.schema.json (an evaluation set's label line). Run
// after changing core/trajectory/model.ts, core/trajectory/labels.ts or core/export/graph.ts:
// `npx node scripts/export-schema.ts`.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { GRAPH_SCHEMA_PATH, graphRecordJsonSchemaText } from "../core/export/graph-json-schema.ts";
import {
  LABELS_SCHEMA_PATH,
  labelsJsonSchemaText,
  TRAJECTORY_SCHEMA_PATH,
  trajectoryJsonSchemaText,
} from "../core/trajectory/json-schema.ts";

for (const [path, text] of [
  [TRAJECTORY_SCHEMA_PATH, trajectoryJsonSchemaText()],
  [GRAPH_SCHEMA_PATH, graphRecordJsonSchemaText()],
  [LABELS_SCHEMA_PATH, labelsJsonSchemaText()],
] as const) {
  writeFileSync(fileURLToPath(new URL(`../${path}`, import.meta.url)), text);
  console.log(`wrote ${path}`);
}
