import { z } from "zod";
import { COMPRESSION_SUFFIXES, type ShardCompression } from "../storage/keys.ts";
import { METADATA_LABEL_KEYS, PART_LABEL_KEYS, TRAJECTORY_LABEL_KEYS } from "../trajectory/labels.ts";
import { TrajectorySchema } from "../trajectory/model.ts";
import { type FieldSection, objectFields, unionFields } from "./field-docs.ts";
import { GraphRecordSchema } from "./graph.ts";
import { OTLP_FIELD_SECTIONS } from "./otlp-fields.ts";

/**
 * What the dataset card says about a format: what a record is, its field dictionary (generated from its schema),
 * where its labels are, its Hugging Face data files, and Python that loads it (CI runs it on a real dataset).
 * Nothing here knows of manifests: the card fills in the numbers.
 */
export interface FormatCard {
  /** What one shard holds, e.g. "one trajectory per line". */
  readonly record: string;
  /** The schema a record follows, relative to the repository root, when there is one. */
  readonly schema?: string;
  /** The field dictionary; an evaluation set's records lack the label fields, so its dictionary does too. */
  readonly fields: (options?: { evaluation?: boolean }) => readonly FieldSection[];
  /** Markdown bullet lines: where the trajectory, node and edge labels are. */
  readonly labels: readonly string[];
  /** Hugging Face `data_files` of the one config, by split (of the default config when there are `configs`). */
  readonly dataFiles: (layout: ShardLayout) => ReadonlyArray<{ split: string; path: string }>;
  /** Hugging Face configs when the format has several tables (Parquet: one per table, each with its splits). */
  readonly configs?: () => ReadonlyArray<{ name: string; dataFiles: ReadonlyArray<{ split: string; path: string }> }>;
  /** The shard files, when they are not `shards/NNNNN.jsonl`: a key pattern and what the files are. */
  readonly shardFiles?: { pattern: string; description: string };
  /** Python 3 (pandas/numpy) run from the dataset directory; prints one summary line. */
  readonly snippet: (layout: ShardLayout) => string;
  /** The sentence before the Python code, when not the default (which says the tests run it). */
  readonly snippetIntro?: string;
  /** A DuckDB query run from the dataset directory, for formats DuckDB reads as tables (the tests run it too). */
  readonly sql?: (layout: ShardLayout) => string;
}

export interface ShardLayout {
  /** How the JSONL shards are compressed: their names end in `.jsonl`, `.jsonl.gz` or `.jsonl.zst`. */
  compression: ShardCompression;
  /**
   * An evaluation set: records carry no labels, seed, index or split (they are in the private `labels/`), so the
   * loading code must not look for them.
   */
  evaluation?: boolean;
}

/**
 * A field dictionary without the fields an evaluation set's records lack: a row naming several fields
 * (`a, b`) keeps the others, a row left with none goes.
 */
export function withoutFields(sections: readonly FieldSection[], drop: ReadonlySet<string>): FieldSection[] {
  return sections.map((section) => ({
    title: section.title,
    rows: section.rows.flatMap((row) => {
      const kept = row.name.split(", ").filter((name) => !drop.has(name));
      return kept.length === 0 ? [] : [{ ...row, name: kept.join(", ") }];
    }),
  }));
}

const shardGlob = (layout: ShardLayout) => `shards/*.jsonl${COMPRESSION_SUFFIXES[layout.compression]}`;

/** JSONL shards hold every split, each line saying its own, so the files form one Hugging Face split, `full`. */
const allShards = (layout: ShardLayout) => [{ split: "full", path: shardGlob(layout) }];

/**
 * Reads the records of every shard, plain, gzip or zstd, in index order. zstd needs the `zstandard` package (Python
 * before 3.14 has no zstd of its own); it is imported only when a shard is `.zst`.
 */
const READ_RECORDS = `import glob, gzip, json

def open_shard(path):
    if path.endswith(".zst"):
        import zstandard  # pip install zstandard (Debian: python3-zstandard)
        return zstandard.open(path, "rt")
    return gzip.open(path, "rt") if path.endswith(".gz") else open(path)

def records(pattern="shards/*.jsonl*"):
    for path in sorted(glob.glob(pattern)):
        with open_shard(path) as lines:
            for line in lines:
                yield json.loads(line)
`;

/**
 * What the trajectory schema's types do not say about a field (its meaning, or that it is a label), by field name
 * (node and edge fields without their `nodes[].` / `edges[].` prefix).
 */
const TRAJECTORY_NOTES: Readonly<Record<string, string>> = {
  trajectory_id: "drawn from (seed, index)",
  seed: "the dataset seed",
  pattern: "workflow pattern the graph was built from",
  task_category: "category of the task",
  task_description: "the task, from the config's task_templates",
  status: "completed when the final ACTION completed, failed when it did not, incomplete when the run has none",
  "metadata.is_anomalous": "label: the trajectory has an injected anomaly",
  "metadata.anomaly_types": "label: the injected anomaly types, empty when normal",
  "metadata.anomaly_severity":
    "label: severity of the anomaly (the highest when a trajectory has several), null when normal",
  "metadata.anomaly_metadata": "the anomaly's injection parameters; absent when normal",
  "metadata.success": "completed, with more than 80% of nodes completed and under 20% failed",
  "metadata.total_nodes": "count",
  "metadata.total_edges": "count",
  "metadata.total_tool_calls": "count",
  "metadata.total_handoffs": "count",
  node_id: "drawn from (seed, index)",
  node_type: "step kind; decides which of the fields marked 'only' the node has",
  agent_type: "agent that ran the step",
  description: "one-line summary of the step",
  error_code: "error class when the step failed, else null",
  error_message: "error text when the step failed, else null",
  retry_count: "earlier attempts of the same call",
  network_calls: "count",
  performance_score: "1 for a clean step, lowered by failure, timeout, retries and low confidence",
  is_anomalous: "label: the anomaly added or changed this node or edge",
  anomaly_type: "label: the anomaly type of this node or edge, null when normal",
  anomaly_metadata: "its role in the anomaly and the injection parameters; absent when normal",
  anomaly_role: "label: root_cause (the decisive step) or symptom, null when normal",
  llm_tokens_used: "tokens the call generated; its latency grows with them",
  edge_id: "drawn from (seed, index)",
  source_node_id: "node_id of the source",
  target_node_id: "node_id of the target",
  edge_type: "execution_flow, handoff or data_dependency; decides which of the fields marked 'only' the edge has",
  error_count: "count",
  timeout_count: "count",
  data_size_bytes: "bytes",
};

/** Node fields read under the same name as a trajectory field, but meaning something else. */
const NODE_NOTES: Readonly<Record<string, string>> = {
  ...TRAJECTORY_NOTES,
  status: "how the step ended; every status but completed comes with an error_code and error_message",
};

/** The trajectory fields an evaluation set moves to `labels/` (`separateLabels`), as the dictionary names them. */
const TRAJECTORY_LABEL_FIELDS: ReadonlySet<string> = new Set([
  ...TRAJECTORY_LABEL_KEYS,
  ...METADATA_LABEL_KEYS.map((key) => `metadata.${key}`),
  ...PART_LABEL_KEYS.flatMap((key) => [`nodes[].${key}`, `edges[].${key}`]),
]);

export const TRAJECTORY_CARD: FormatCard = {
  record: "one trajectory per line: the whole graph (nodes, edges) with its metadata and labels",
  schema: "schema/trajectory.schema.json",
  fields: (options) => {
    const root = z.toJSONSchema(TrajectorySchema, { target: "draft-2020-12" }) as Parameters<typeof objectFields>[0];
    const properties = root.properties ?? {};
    const { nodes, edges, ...top } = properties;
    const sections = [
      { title: "Trajectory", rows: objectFields(root, { properties: top }, "", TRAJECTORY_NOTES) },
      {
        title: "Nodes (`nodes[]`)",
        rows: unionFields(root, (nodes?.items ?? {}) as object, "node_type", "nodes[].", NODE_NOTES),
      },
      {
        title: "Edges (`edges[]`)",
        rows: unionFields(root, (edges?.items ?? {}) as object, "edge_type", "edges[].", TRAJECTORY_NOTES),
      },
    ];
    return options?.evaluation ? withoutFields(sections, TRAJECTORY_LABEL_FIELDS) : sections;
  },
  labels: [
    "- Trajectory: `metadata.is_anomalous`, `metadata.anomaly_types`, `metadata.anomaly_severity` and",
    "  `metadata.anomaly_metadata` (the injection parameters).",
    "- Node and edge: `is_anomalous`, `anomaly_type` and `anomaly_metadata` (its role in the anomaly) on exactly the",
    "  nodes and edges the anomaly added or changed, so detectors can be scored per trajectory, node and edge.",
  ],
  dataFiles: allShards,
  snippet: (layout) =>
    layout.evaluation
      ? `${READ_RECORDS}
import pandas as pd

# One row per trajectory. An evaluation set's records have no labels, split, seed or index: they are kept apart.
trajectories = pd.DataFrame(
    {
        "trajectory_id": t["trajectory_id"],
        "pattern": t["pattern"],
        "status": t["status"],
        "num_nodes": len(t["nodes"]),
    }
    for t in records()
)
print(f"{len(trajectories)} trajectories, {int(trajectories.num_nodes.sum())} nodes, no labels (an evaluation set)")
`
      : `${READ_RECORDS}
import pandas as pd

# One row per trajectory (its nodes and edges stay in the records).
trajectories = pd.DataFrame(
    {
        "trajectory_id": t["trajectory_id"],
        "split": t["split"],
        "pattern": t["pattern"],
        "num_nodes": len(t["nodes"]),
        "is_anomalous": t["metadata"]["is_anomalous"],
        "anomaly_types": t["metadata"]["anomaly_types"],
    }
    for t in records()
)
train = trajectories[trajectories.split == "train"]
print(f"{len(trajectories)} trajectories, {len(train)} train, {int(train.is_anomalous.sum())} anomalous train")
`,
};

/** Graph record fields an evaluation set's records lack (their `split` is 0, `<none>`). */
const GRAPH_LABEL_FIELDS: ReadonlySet<string> = new Set([
  "index",
  "y",
  "y_type",
  "y_severity",
  "node_y",
  "node_y_type",
  "node_y_role",
  "edge_y",
  "edge_y_type",
  "edge_y_role",
]);

export const GRAPH_CARD: FormatCard = {
  record:
    "one graph record per line: nodes as indices 0..num_nodes-1, `edge_index`, feature columns and labels; categorical columns hold indices into `graph-vocabularies.json`",
  schema: "schema/graph-record.schema.json",
  fields: (options) => {
    const root = z.toJSONSchema(GraphRecordSchema, { target: "draft-2020-12" }) as Parameters<typeof objectFields>[0];
    const all = objectFields(root, root);
    const rows = options?.evaluation ? all.filter((row) => !GRAPH_LABEL_FIELDS.has(row.name)) : all;
    const columns = (prefix: string) => rows.filter((row) => row.name.startsWith(prefix));
    return [
      {
        title: "Record",
        rows: rows.filter((row) => !/^(node|edge)_(categorical|numeric)\./.test(row.name)),
      },
      {
        title: "Node columns (one entry per node)",
        rows: [...columns("node_categorical."), ...columns("node_numeric.")],
      },
      {
        title: "Edge columns (one entry per edge)",
        rows: [...columns("edge_categorical."), ...columns("edge_numeric.")],
      },
    ];
  },
  labels: [
    "- Graph: `y` (1 anomalous), `y_type` and `y_severity` (indices into the `anomaly_type` and `severity` vocabularies).",
    "- Node and edge: `node_y`, `node_y_type`, `edge_y`, `edge_y_type`: 1 and the type's index on exactly the nodes and",
    "  edges the anomaly added or changed, 0 elsewhere.",
  ],
  dataFiles: allShards,
  snippet: (layout) =>
    layout.evaluation
      ? `${READ_RECORDS}
import numpy as np

vocab = json.load(open("graph-vocabularies.json"))

# An evaluation set's graphs have no labels (y, node_y, edge_y) and no split: they are kept apart.
graphs = list(records())
g = graphs[0]
edge_index = np.array(g["edge_index"], dtype=np.int64)  # 2 x num_edges
x = np.column_stack([g["node_numeric"][name] for name in sorted(g["node_numeric"])])  # num_nodes x features
node_types = [vocab["node_type"][code] for code in g["node_categorical"]["node_type"]]
assert edge_index.shape == (2, g["num_edges"]) and x.shape[0] == g["num_nodes"] == len(node_types)
print(f"{len(graphs)} graphs, no labels (an evaluation set); first graph x {x.shape}, edge_index {edge_index.shape}")
`
      : `${READ_RECORDS}
import numpy as np
import pandas as pd

vocab = json.load(open("graph-vocabularies.json"))
TRAIN = vocab["split"].index("train")

graphs = [g for g in records() if g["split"] == TRAIN]
g = graphs[0]
edge_index = np.array(g["edge_index"], dtype=np.int64)  # 2 x num_edges
x = np.column_stack([g["node_numeric"][name] for name in sorted(g["node_numeric"])])  # num_nodes x features
node_types = [vocab["node_type"][code] for code in g["node_categorical"]["node_type"]]
labels = pd.Series([g["y"] for g in graphs])
assert edge_index.shape == (2, g["num_edges"]) and x.shape[0] == g["num_nodes"] == len(node_types)
print(f"{len(graphs)} train graphs, {int(labels.sum())} anomalous; first graph x {x.shape}, edge_index {edge_index.shape}")
`,
};

/** OTLP attributes an evaluation set's traces lack. */
const OTLP_LABEL_FIELDS: ReadonlySet<string> = new Set([
  "agentsynth.index",
  "agentsynth.split",
  "agentsynth.is_anomalous",
  "agentsynth.anomaly_types",
  "agentsynth.anomaly_severity",
  "agentsynth.anomaly_type",
  "agentsynth.anomaly_role",
  "agentsynth.anomaly.<parameter>",
]);

export const OTLP_CARD: FormatCard = {
  record:
    "one OTLP/JSON trace per line (an `ExportTraceServiceRequest`): a root `invoke_agent` span for the run and one span per node, edges as span links",
  fields: (options) =>
    options?.evaluation ? withoutFields(OTLP_FIELD_SECTIONS, OTLP_LABEL_FIELDS) : OTLP_FIELD_SECTIONS,
  labels: [
    "- Trace: `agentsynth.is_anomalous`, `agentsynth.anomaly_types`, `agentsynth.anomaly_severity` and",
    "  `agentsynth.anomaly.*` on the root span.",
    "- Node and edge: `agentsynth.is_anomalous`, `agentsynth.anomaly_type`, `agentsynth.anomaly_role` (root_cause or",
    "  symptom) and `agentsynth.anomaly.*` on the node's span",
    "  and on the link for the edge, true on exactly the nodes and edges the anomaly added or changed.",
  ],
  dataFiles: allShards,
  snippet: (layout) => `${READ_RECORDS}
import pandas as pd

def value(attribute):
    (kind, v), = attribute["value"].items()
    return int(v) if kind == "intValue" else v

rows = []
for request in records():
    for resource in request["resourceSpans"]:
        for scope in resource["scopeSpans"]:
            for span in scope["spans"]:
                attributes = {a["key"]: value(a) for a in span["attributes"]}
                rows.append({
                    "trace_id": span["traceId"],
                    "root": "parentSpanId" not in span,
                    "name": span["name"],
                    "start": pd.to_datetime(int(span["startTimeUnixNano"]), unit="ns"),
                    "seconds": (int(span["endTimeUnixNano"]) - int(span["startTimeUnixNano"])) / 1e9,
                    "operation": attributes.get("gen_ai.operation.name"),
                    "split": attributes.get("agentsynth.split"),
                    "is_anomalous": attributes.get("agentsynth.is_anomalous"),
                })
spans = pd.DataFrame(rows)
traces = spans[spans.root]
${
  layout.evaluation
    ? `# An evaluation set's traces have no labels and no split (agentsynth.split): they are kept apart.
print(f"{len(traces)} traces, no labels (an evaluation set); {len(spans)} spans")`
    : `train = traces[traces.split == "train"]
print(f"{len(traces)} traces, {len(train)} train, {int(train.is_anomalous.sum())} anomalous train; {len(spans)} spans")`
}
`,
};
