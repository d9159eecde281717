// Writes the JSON Schema of a trajectory, generated from the zod schemas, to schema/trajectory.schema.json.
// Run after changing core/trajectory/model.ts: `npx node scripts/export-schema.ts`.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TRAJECTORY_SCHEMA_PATH, trajectoryJsonSchemaText } from "../core/trajectory/json-schema.ts";

const target = fileURLToPath(new URL(`../${TRAJECTORY_SCHEMA_PATH}`, import.meta.url));
writeFileSync(target, trajectoryJsonSchemaText());
console.log(`wrote ${TRAJECTORY_SCHEMA_PATH}`);
