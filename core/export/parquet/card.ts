import type { FormatCard } from "../format-cards.ts";
import type { ParquetColumnType } from "./parquet-file.ts";
import { parquetColumns } from "./shard-writer.ts";
import { PARQUET_TABLES } from "./tables.ts";

/** How a column type reads in pandas (pyarrow), DuckDB and Athena. */
const TYPE_NAMES: Readonly<Record<ParquetColumnType, string>> = {
  string: "string",
  category: "string (dictionary-encoded)",
  // JSON text: an object for most columns, a list for `anomalies` (each column's description says which).
  json: "string (JSON)",
  int32: "int32",
  int64: "int64",
  double: "double",
  bool: "boolean",
  timestamp: "timestamp (ms, UTC)",
  string_list: "list of strings",
};

/** Hugging Face `data_files` of one table: its files of each split. */
function tableDataFiles(table: string): Array<{ split: string; path: string }> {
  return ["train", "validation", "test"].map((split) => ({ split, path: `${table}/${split}/*.parquet` }));
}

/**
 * The dataset card's account of the Parquet format: four tables, one folder per table and split, the columns of
 * each generated from the writer's own column list, and pandas code that joins them.
 */
export const PARQUET_CARD: FormatCard = {
  record:
    "four Parquet tables, `trajectories`, `nodes`, `node_details` and `edges` (one row per trajectory, node and edge; a node's features and labels are in `nodes`, its id, text and remaining fields in `node_details`, joined on `trajectory_id` and `node_index`), in `{table}/{split}/NNNNN.parquet`",
  fields: (options) =>
    PARQUET_TABLES.map((table) => ({
      title: `${table}/{split}/NNNNN.parquet`,
      // An evaluation set's files have the columns its writer gets (no label, seed or index columns).
      rows: parquetColumns(table, { evaluation: options?.evaluation === true }).map((column) => ({
        name: column.name,
        type: `${TYPE_NAMES[column.type]}${column.nullable ? ", nullable" : ""}`,
        description: `${column.label ? "**label**; " : ""}${column.description}`,
      })),
    })),
  labels: [
    "- Trajectory: `is_anomalous`, `anomaly_types`, `anomaly_severity` and `anomaly_metadata` (JSON) columns of",
    "  `trajectories`.",
    "- Node and edge: `is_anomalous`, `anomaly_type` and `anomaly_metadata` (JSON) columns of `nodes` and `edges`,",
    "  true on exactly the nodes and edges the anomaly added or changed.",
  ],
  // The default config is the trajectory table; every other table is a config of its own.
  dataFiles: () => tableDataFiles("trajectories"),
  configs: () => PARQUET_TABLES.map((table) => ({ name: table, dataFiles: tableDataFiles(table) })),
  shardFiles: {
    pattern: "{table}/{split}/NNNNN.parquet",
    description:
      "one Parquet file per table (`trajectories`, `nodes`, `node_details`, `edges`), split and shard, in index order within each split",
  },
  snippetIntro:
    "Run from this directory with Python 3, pandas and pyarrow (Debian packages no pyarrow, so the agentsynth tests run the DuckDB query below on a generated dataset instead):",
  sql: (layout) =>
    layout.evaluation
      ? `-- Nodes per node type, each type with the description of one of its nodes (an evaluation set has no labels)
SELECT n.node_type, count(*) AS nodes, min(d.description) AS example
FROM 'nodes/*/*.parquet' AS n
JOIN 'node_details/*/*.parquet' AS d USING (trajectory_id, node_index)
GROUP BY n.node_type
ORDER BY n.node_type;
`
      : `-- Node features and labels per node type, each type with the description of one of its nodes (from node_details)
SELECT n.node_type, count(*) AS nodes, sum(n.is_anomalous::INTEGER) AS anomalous_nodes, min(d.description) AS example
FROM 'nodes/*/*.parquet' AS n
JOIN 'node_details/*/*.parquet' AS d USING (trajectory_id, node_index)
GROUP BY n.node_type
ORDER BY n.node_type;
`,
  snippet: (layout) =>
    layout.evaluation
      ? `import pandas as pd  # with pyarrow

# An evaluation set's tables have no label columns (they are kept apart); the files stay in their split folders.
trajectories = pd.read_parquet("trajectories/train")
nodes = pd.read_parquet("nodes/train")
edges = pd.read_parquet("edges/train", columns=["trajectory_id", "source_node_index", "target_node_index"])
print(f"{len(trajectories)} train trajectories, no labels (an evaluation set); {len(nodes)} nodes, {len(edges)} edges")
`
      : `import pandas as pd  # with pyarrow

trajectories = pd.read_parquet("trajectories/train")
nodes = pd.read_parquet("nodes/train")  # features and labels
# Text and ids when needed, by the same key (read only the columns you use: the text is most of the bytes).
details = pd.read_parquet("node_details/train", columns=["trajectory_id", "node_index", "node_id", "description"])
nodes = nodes.merge(details, on=["trajectory_id", "node_index"], validate="one_to_one")
edges = pd.read_parquet("edges/train", columns=["trajectory_id", "source_node_index", "target_node_index"])
per_trajectory = nodes.groupby("trajectory_id").agg(nodes=("node_index", "size"), anomalous_nodes=("is_anomalous", "sum"))
print(f"{len(trajectories)} train trajectories, {int(trajectories.is_anomalous.sum())} anomalous; {len(nodes)} nodes, {len(edges)} edges")
`,
};
