import { z } from "zod";
import { TrajectoryLabelsSchema } from "./labels.ts";
import { TrajectorySchema } from "./model.ts";

/** Where the published JSON Schema of a trajectory lives, relative to the repository root. */
export const TRAJECTORY_SCHEMA_PATH = "schema/trajectory.schema.json";

/**
 * The JSON Schema (draft 2020-12) of one trajectory line, generated from the zod schemas, as the exact text of
 * the committed file.
 */
export function trajectoryJsonSchemaText(): string {
  const schema = z.toJSONSchema(TrajectorySchema, { target: "draft-2020-12" });
  return `${JSON.stringify({ $id: "https://agentsynth.dev/schema/trajectory.schema.json", ...schema }, null, 2)}\n`;
}

/** Where the published JSON Schema of an evaluation set's label line lives, relative to the repository root. */
export const LABELS_SCHEMA_PATH = "schema/trajectory-labels.schema.json";

/** The JSON Schema of one line of `labels/NNNNN.jsonl` (see `TrajectoryLabelsSchema`), as the committed file's text. */
export function labelsJsonSchemaText(): string {
  const schema = z.toJSONSchema(TrajectoryLabelsSchema, { target: "draft-2020-12" });
  return `${JSON.stringify({ $id: "https://agentsynth.dev/schema/trajectory-labels.schema.json", ...schema }, null, 2)}\n`;
}
