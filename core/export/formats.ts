import type { TrajectoryRecord } from "../trajectory/labels.ts";
import { serializeTrajectory } from "../trajectory/serialize.ts";
import { type FormatCard, GRAPH_CARD, OTLP_CARD, TRAJECTORY_CARD } from "./format-cards.ts";
import { graphExportVocabularies, serializeGraphRecord } from "./graph.ts";
import { serializeOtlpTrace } from "./otlp.ts";

/** A file a format writes once beside its shards, keyed relative to the dataset root. */
export interface FormatFile {
  key: string;
  body: string;
  contentType: string;
  /** What the file holds, for the dataset card. */
  description?: string;
}

/**
 * A shard format: what one trajectory becomes in a shard. Formats know the trajectory and nothing of datasets or
 * manifests; `core/dataset` looks them up here by name, so imports run one way (dataset -> export).
 */
export interface TrajectoryFormat {
  /**
   * One JSONL line per trajectory. A record without labels (an evaluation set's, see `separateLabels`) renders
   * without label fields or columns.
   */
  readonly serialize: (trajectory: TrajectoryRecord) => string;
  readonly description: string;
  /** Files written once per dataset beside the shards (the graph format's vocabularies), in a fixed order. */
  readonly datasetFiles?: () => readonly FormatFile[];
  /** What the dataset card says about the format: record, field dictionary, labels, data files, loading code. */
  readonly card: FormatCard;
}

/**
 * The format registry: the shard formats a dataset can be written in. `trajectory` is the wire format; `graph` and
 * `otlp` are exports a detector author can load without a parser of their own.
 * @example
 * renderTrajectoryShard({ ...input, format: "graph" });
 */
export const TRAJECTORY_FORMATS = {
  trajectory: {
    serialize: serializeTrajectory,
    description: "agentsynth trajectory JSON (schema/trajectory.schema.json)",
    card: TRAJECTORY_CARD,
  },
  graph: {
    serialize: serializeGraphRecord,
    description: "graph records: integer node indices, edge_index, feature columns",
    card: GRAPH_CARD,
    datasetFiles: () => [
      {
        key: "graph-vocabularies.json",
        body: `${JSON.stringify(graphExportVocabularies(), null, 2)}\n`,
        contentType: "application/json",
        description:
          "the categories behind every integer column of the graph records: column name to list, code i is the list's entry i",
      },
    ],
  },
  otlp: {
    serialize: serializeOtlpTrace,
    description: "OpenTelemetry OTLP/JSON traces, GenAI semantic conventions",
    card: OTLP_CARD,
  },
} as const satisfies Record<string, TrajectoryFormat>;

export type TrajectoryFormatName = keyof typeof TRAJECTORY_FORMATS;
export const TRAJECTORY_FORMAT_NAMES = Object.keys(TRAJECTORY_FORMATS) as TrajectoryFormatName[];

/** The registry entry of a format name (names are checked by the dataset spec before they get here). */
export function trajectoryFormat(name: TrajectoryFormatName): TrajectoryFormat {
  return TRAJECTORY_FORMATS[name];
}
