import type { Trajectory } from "../trajectory/model.ts";
import { serializeTrajectory } from "../trajectory/serialize.ts";
import { serializeGraphRecord } from "./graph.ts";
import { serializeOtlpTrace } from "./otlp.ts";

/** A shard format: one line per trajectory, and the suffix its shard files take (before `.jsonl`). */
export interface TrajectoryFormat {
  readonly serialize: (trajectory: Trajectory) => string;
  readonly description: string;
}

/**
 * The shard formats a dataset can be written in. `trajectory` is the wire format; `graph` and `otlp` are exports a
 * detector author can load without a parser of their own.
 * @example
 * renderTrajectoryShard({ ...input, format: "graph" });
 */
export const TRAJECTORY_FORMATS = {
  trajectory: {
    serialize: serializeTrajectory,
    description: "agentsynth trajectory JSON (schema/trajectory.schema.json)",
  },
  graph: {
    serialize: serializeGraphRecord,
    description: "graph records: integer node indices, edge_index, feature columns",
  },
  otlp: { serialize: serializeOtlpTrace, description: "OpenTelemetry OTLP/JSON traces, GenAI semantic conventions" },
} as const satisfies Record<string, TrajectoryFormat>;

export type TrajectoryFormatName = keyof typeof TRAJECTORY_FORMATS;
export const TRAJECTORY_FORMAT_NAMES = Object.keys(TRAJECTORY_FORMATS) as TrajectoryFormatName[];
