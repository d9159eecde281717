import type { TrajectoryRecord } from "../trajectory/labels.ts";
import type { Trajectory } from "../trajectory/model.ts";
import { serializeTrajectory } from "../trajectory/serialize.ts";
import { type FormatCard, GRAPH_CARD, OTLP_CARD, TRAJECTORY_CARD } from "./format-cards.ts";
import { graphExportVocabularies, serializeGraphRecord } from "./graph.ts";
import { serializeOtlpTrace } from "./otlp.ts";
import { PARQUET_CARD } from "./parquet/card.ts";
import { PARQUET_TABLES, type ParquetShardFile, ParquetShardWriter } from "./parquet/index.ts";

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
export type TrajectoryFormat = LineFormat | TableFormat;

interface FormatBase {
  readonly description: string;
  /** Files written once per dataset beside the shards (the graph format's vocabularies), in a fixed order. */
  readonly datasetFiles?: () => readonly FormatFile[];
  /** What the dataset card says about the format: record, field dictionary, labels, data files, loading code. */
  readonly card: FormatCard;
}

/** A format whose shard is one JSONL file, one line per trajectory. */
export interface LineFormat extends FormatBase {
  readonly layout: "lines";
  /**
   * One JSONL line per trajectory. A record without labels (an evaluation set's, see `separateLabels`) renders
   * without label fields or columns.
   */
  readonly serialize: (trajectory: TrajectoryRecord) => string;
}

/**
 * A format whose shard is several files, one per table and split (`{table}/{split}/NNNNN.parquet`), written by a
 * writer that takes the shard's trajectories in index order.
 */
export interface TableFormat extends FormatBase {
  readonly layout: "tables";
  readonly tables: readonly string[];
  readonly contentType: string;
  /** `evaluation`: an evaluation set's shard (no label, seed or index columns). */
  readonly createShardWriter: (shard: number, options?: { labels?: boolean; evaluation?: boolean }) => TableShardWriter;
}

export interface TableShardWriter {
  add(trajectory: Trajectory): void;
  /** The shard's files, in a fixed order. */
  finish(): TableShardFile[];
}

export type TableShardFile = ParquetShardFile;

/**
 * The format registry: the shard formats a dataset can be written in. `trajectory` is the wire format; `graph` and
 * `otlp` are exports a detector author can load without a parser of their own.
 * @example
 * renderTrajectoryShard({ ...input, format: "graph" });
 */
export const TRAJECTORY_FORMATS = {
  trajectory: {
    layout: "lines",
    serialize: serializeTrajectory,
    description: "agentsynth trajectory JSON (schema/trajectory.schema.json)",
    card: TRAJECTORY_CARD,
  },
  graph: {
    layout: "lines",
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
    layout: "lines",
    serialize: serializeOtlpTrace,
    description: "OpenTelemetry OTLP/JSON traces, GenAI semantic conventions",
    card: OTLP_CARD,
  },
  parquet: {
    layout: "tables",
    tables: PARQUET_TABLES,
    contentType: "application/vnd.apache.parquet",
    createShardWriter: (shard, options) => new ParquetShardWriter(shard, options),
    description: "Parquet tables trajectories, nodes and edges, one file per table, split and shard",
    card: PARQUET_CARD,
  },
} as const satisfies Record<string, TrajectoryFormat>;

export type TrajectoryFormatName = keyof typeof TRAJECTORY_FORMATS;
export const TRAJECTORY_FORMAT_NAMES = Object.keys(TRAJECTORY_FORMATS) as TrajectoryFormatName[];

/** The registry entry of a format name (names are checked by the dataset spec before they get here). */
export function trajectoryFormat(name: TrajectoryFormatName): TrajectoryFormat {
  return TRAJECTORY_FORMATS[name];
}

/** The formats whose shard is one JSONL file (the ones a single response can stream). */
export const LINE_FORMAT_NAMES = TRAJECTORY_FORMAT_NAMES.filter((name) => TRAJECTORY_FORMATS[name].layout === "lines");

/** The registry entry of a line format; a table format here is a caller's mistake, reported with the alternatives. */
export function lineFormat(name: TrajectoryFormatName): LineFormat {
  const format = trajectoryFormat(name);
  if (format.layout !== "lines") {
    throw new TypeError(
      `format ${name} writes several files per shard; line formats are ${LINE_FORMAT_NAMES.join(", ")}`,
    );
  }
  return format;
}
