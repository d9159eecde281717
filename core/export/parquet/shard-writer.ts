import { formatShardIndex } from "../../storage/keys.ts";
import type { Trajectory } from "../../trajectory/model.ts";
import { type ParquetColumn, ParquetFileWriter } from "./parquet-file.ts";
import {
  type EdgeRow,
  edgeColumns,
  type NodeRow,
  nodeColumnMasks,
  nodeColumns,
  nodeDetailColumns,
  PARQUET_TABLES,
  type ParquetTableName,
  trajectoryColumns,
} from "./tables.ts";
import { GENERATOR_NAME_AND_VERSION, PARQUET_SCHEMA_VERSION } from "./version.ts";

type SplitName = Trajectory["split"];
/** Every split gets its file in every shard, empty or not, so each split's folder is complete for any shard size. */
export const PARQUET_SPLITS: readonly SplitName[] = ["train", "validation", "test"];

/**
 * Rows per row group. A group's columns are held in memory until it is written, so this bounds a writer's memory
 * (a group of nodes is about 10 MB before compression); groups of this size keep readers' per-group overhead small.
 */
export const ROW_GROUP_ROWS = 32_768;
/** zstd level of the pages: level 1 measured twice as fast as level 3 (zstd's default) for 5% more bytes. */
export const PARQUET_ZSTD_LEVEL = 1;

/** One Parquet file of a shard: `{table}/{split}/NNNNN.parquet`, relative to the dataset root. */
export interface ParquetShardFile {
  key: string;
  table: ParquetTableName;
  split: SplitName;
  rows: number;
  chunks: Buffer[];
}

export interface ParquetTableOptions {
  /** Write the anomaly label columns (default true). */
  labels?: boolean;
  /** An evaluation set: no label columns and no seed or index (records arrive without them). */
  evaluation?: boolean;
}

/** The columns of `table`: without the label columns when `labels` is false, nor seed and index for an evaluation set. */
export function parquetColumns(table: "trajectories", options?: ParquetTableOptions): ParquetColumn<Trajectory>[];
export function parquetColumns(
  table: "nodes" | "node_details",
  options?: ParquetTableOptions,
): ParquetColumn<NodeRow>[];
export function parquetColumns(table: "edges", options?: ParquetTableOptions): ParquetColumn<EdgeRow>[];
export function parquetColumns(table: ParquetTableName, options?: ParquetTableOptions): ParquetColumn<never>[];
export function parquetColumns(table: ParquetTableName, options: ParquetTableOptions = {}): ParquetColumn<never>[] {
  const variants = COLUMNS[table] as Record<"labelled" | "unlabelled" | "evaluation", ParquetColumn<never>[]>;
  return variants[options.evaluation ? "evaluation" : options.labels === false ? "unlabelled" : "labelled"];
}

/** Built once: writers of every shard share the column lists, and so their compiled appenders. */
const COLUMNS = Object.fromEntries(
  PARQUET_TABLES.map((table) => {
    const all: ParquetColumn<never>[] = {
      trajectories: trajectoryColumns,
      nodes: nodeColumns,
      node_details: nodeDetailColumns,
      edges: edgeColumns,
    }[table]();
    return [
      table,
      {
        labelled: all,
        unlabelled: all.filter((column) => !column.label),
        evaluation: all.filter((column) => !column.label && !column.provenance),
      },
    ];
  }),
);

export function parquetFileKey(table: ParquetTableName, split: SplitName, shard: number): string {
  return `${table}/${split}/${formatShardIndex(shard)}.parquet`;
}

interface SplitWriters {
  trajectories: ParquetFileWriter<Trajectory>;
  nodes: ParquetFileWriter<NodeRow>;
  node_details: ParquetFileWriter<NodeRow>;
  edges: ParquetFileWriter<EdgeRow>;
}

/** A node's rows in both node tables, by the compiled appenders of its type. */
interface NodeAppenders {
  nodes: (row: NodeRow) => void;
  details: (row: NodeRow) => void;
}

/**
 * Turns the trajectories of one shard, in index order, into its Parquet files (every table by every split).
 * Rows go straight from the trajectory objects into column buffers: no JSON is built. Row groups are cut every
 * `ROW_GROUP_ROWS` rows of a file, so the bytes depend only on the trajectories, never on timing or workers.
 * @example
 * const shard = new ParquetShardWriter(3);
 * for (let i = start; i < start + count; i++) shard.add(generateTrajectory(config, seed, i));
 * for (const file of shard.finish()) await store.put(file.key, Buffer.concat(file.chunks));
 */
export class ParquetShardWriter {
  private readonly writers = new Map<SplitName, SplitWriters>();
  private readonly rowsBySplit = new Map<SplitName, Record<ParquetTableName, number>>();
  // One mutable row per table: append copies every value out, so no object is allocated per node or edge.
  private readonly nodeRow: NodeRow = {
    trajectory: undefined as unknown as Trajectory,
    node: undefined as never,
    index: 0,
  };
  private readonly edgeRow: EdgeRow = {
    trajectory: undefined as unknown as Trajectory,
    edge: undefined as never,
    index: 0,
    source: 0,
    target: 0,
  };
  private readonly nodeIndex = new Map<string, number>();
  /** Per split, compiled node appenders per node type (see ParquetFileWriter.appender). */
  private readonly nodeAppenders = new Map<SplitName, Map<string, NodeAppenders>>();

  private readonly shard: number;

  constructor(shard: number, options: ParquetTableOptions = {}) {
    this.shard = shard;
    const fileOptions = {
      zstdLevel: PARQUET_ZSTD_LEVEL,
      createdBy: GENERATOR_NAME_AND_VERSION,
      metadata: [{ key: "agentsynth.parquet_schema", value: PARQUET_SCHEMA_VERSION }],
    };
    const nodeMasks = nodeColumnMasks(parquetColumns("nodes", options));
    const detailMasks = nodeColumnMasks(parquetColumns("node_details", options));
    for (const split of PARQUET_SPLITS) {
      const writers: SplitWriters = {
        trajectories: new ParquetFileWriter(parquetColumns("trajectories", options), fileOptions),
        nodes: new ParquetFileWriter(parquetColumns("nodes", options), fileOptions),
        node_details: new ParquetFileWriter(parquetColumns("node_details", options), fileOptions),
        edges: new ParquetFileWriter(parquetColumns("edges", options), fileOptions),
      };
      this.writers.set(split, writers);
      this.rowsBySplit.set(split, { trajectories: 0, nodes: 0, node_details: 0, edges: 0 });
      this.nodeAppenders.set(
        split,
        new Map(
          [...nodeMasks].map(([type, mask]) => [
            type,
            {
              nodes: writers.nodes.appender(mask),
              details: writers.node_details.appender(detailMasks.get(type) as Uint8Array),
            },
          ]),
        ),
      );
    }
  }

  add(trajectory: Trajectory): void {
    const writers = this.writers.get(trajectory.split);
    const rows = this.rowsBySplit.get(trajectory.split);
    if (writers === undefined || rows === undefined) throw new TypeError(`unknown split ${String(trajectory.split)}`);
    writers.trajectories.append(trajectory);
    cutIfFull(writers.trajectories);
    const { nodeRow, edgeRow, nodeIndex } = this;
    nodeRow.trajectory = trajectory;
    edgeRow.trajectory = trajectory;
    nodeIndex.clear();
    const { nodes, edges } = trajectory;
    const appenders = this.nodeAppenders.get(trajectory.split) as Map<string, NodeAppenders>;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as Trajectory["nodes"][number];
      nodeIndex.set(node.node_id, i);
      nodeRow.node = node;
      nodeRow.index = i;
      const append = appenders.get(node.node_type);
      if (append === undefined) throw new TypeError(`unknown node type ${node.node_type}`);
      append.nodes(nodeRow);
      append.details(nodeRow);
      cutIfFull(writers.nodes);
      cutIfFull(writers.node_details);
    }
    for (let i = 0; i < edges.length; i++) {
      const edge = edges[i] as Trajectory["edges"][number];
      edgeRow.edge = edge;
      edgeRow.index = i;
      edgeRow.source = endpoint(nodeIndex, edge.source_node_id);
      edgeRow.target = endpoint(nodeIndex, edge.target_node_id);
      writers.edges.append(edgeRow);
      cutIfFull(writers.edges);
    }
    rows.trajectories++;
    rows.nodes += nodes.length;
    rows.node_details += nodes.length;
    rows.edges += edges.length;
  }

  /** The files, in table then split order. */
  finish(): ParquetShardFile[] {
    const files: ParquetShardFile[] = [];
    for (const table of PARQUET_TABLES) {
      for (const split of PARQUET_SPLITS) {
        const writer = (this.writers.get(split) as SplitWriters)[table];
        files.push({
          key: parquetFileKey(table, split, this.shard),
          table,
          split,
          rows: (this.rowsBySplit.get(split) as Record<ParquetTableName, number>)[table],
          chunks: writer.finish(),
        });
      }
    }
    return files;
  }
}

function cutIfFull(writer: { pendingRows: number; flushRowGroup(): void }): void {
  if (writer.pendingRows >= ROW_GROUP_ROWS) writer.flushRowGroup();
}

function endpoint(nodeIndex: Map<string, number>, nodeId: string): number {
  const index = nodeIndex.get(nodeId);
  if (index === undefined) throw new TypeError(`edge refers to node ${nodeId}, which is not in its trajectory`);
  return index;
}
