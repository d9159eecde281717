import { z } from "zod";
import { GraphRecordSchema } from "./graph.ts";

/** Where the published JSON Schema of a graph record lives, relative to the repository root. */
export const GRAPH_SCHEMA_PATH = "schema/graph-record.schema.json";

/**
 * The JSON Schema (draft 2020-12) of one line of a `--format graph` shard, generated from the zod schema, as the exact
 * text of the committed file. It checks shapes and code ranges per value; the equal lengths of columns and the
 * vocabulary bounds are checked by `GraphRecordSchema` (and by the loading example in docs/graph-format.md).
 */
export function graphRecordJsonSchemaText(): string {
  const schema = z.toJSONSchema(GraphRecordSchema, { target: "draft-2020-12" });
  return `${JSON.stringify({ $id: "https://agentsynth.dev/schema/graph-record.schema.json", ...schema }, null, 2)}\n`;
}
