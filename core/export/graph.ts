import { z } from "zod";
import type { RecordEdge, RecordNode, TrajectoryRecord } from "../trajectory/labels.ts";
import { nodeConfidence } from "../trajectory/metrics.ts";
import {
  AGENT_TYPES,
  ANOMALY_TYPES,
  DATA_TYPES,
  EDGE_TYPES,
  LLM_MODELS,
  LLM_PURPOSES,
  MEMORY_OPERATIONS,
  NODE_STATUSES,
  NODE_TYPES,
  OBSERVATION_SOURCES,
  PATTERN_NAMES,
  PLANNING_TYPES,
  REASONING_TYPES,
  RELATIONSHIP_TYPES,
  SEVERITY_LEVELS,
  TOOL_TYPES,
} from "../trajectory/vocabulary.ts";

export const GRAPH_EXPORT_FORMAT = "agentsynth.graph/v1";

/** Code 0 of an optional column: the node has no such field (e.g. the tool of a PLANNING node). */
export const NONE = "<none>";

/**
 * The vocabulary of every categorical column: a column holds indices into its list. Optional columns start with
 * `NONE`; label columns start with "normal" / "none" so 0 always means "not anomalous". Write this once beside the
 * shards (`graphExportVocabularies()`), or read it from any record's `vocabularies` when `includeVocabularies` is set.
 */
export const GRAPH_VOCABULARIES = {
  node_type: NODE_TYPES,
  agent_type: AGENT_TYPES,
  status: NODE_STATUSES,
  tool_type: [NONE, ...TOOL_TYPES],
  llm_model: [NONE, ...LLM_MODELS],
  llm_purpose: [NONE, ...LLM_PURPOSES],
  memory_operation: [NONE, ...MEMORY_OPERATIONS],
  planning_type: [NONE, ...PLANNING_TYPES],
  reasoning_type: [NONE, ...REASONING_TYPES],
  observation_source: [NONE, ...OBSERVATION_SOURCES],
  edge_type: EDGE_TYPES,
  relationship_type: RELATIONSHIP_TYPES,
  data_type: [NONE, ...DATA_TYPES],
  anomaly_type: ["normal", ...ANOMALY_TYPES],
  severity: ["none", ...SEVERITY_LEVELS],
  pattern: PATTERN_NAMES,
  split: [NONE, "train", "validation", "test"],
} as const;

export type GraphVocabularies = typeof GRAPH_VOCABULARIES;

const NODE_CATEGORICAL = [
  "node_type",
  "agent_type",
  "status",
  "tool_type",
  "llm_model",
  "llm_purpose",
  "memory_operation",
  "planning_type",
  "reasoning_type",
  "observation_source",
] as const;
const NODE_NUMERIC = [
  "start_offset",
  "duration",
  "cpu_usage",
  "memory_usage",
  "network_calls",
  "retry_count",
  "performance_score",
  "confidence",
  "tokens",
] as const;
const EDGE_CATEGORICAL = ["edge_type", "relationship_type", "data_type"] as const;
const EDGE_NUMERIC = [
  "latency",
  "probability",
  "confidence",
  "success_rate",
  "error_count",
  "timeout_count",
  "reliability_score",
  "data_size_bytes",
] as const;

const Codes = z.array(z.int().nonnegative());
const Numbers = z.array(z.number());

/** A strict object with one column (of the given schema) per feature name. */
function columns<N extends string, S extends z.ZodType>(names: readonly N[], column: S) {
  return z.strictObject(Object.fromEntries(names.map((name) => [name, column])) as Record<N, S>);
}

/**
 * One trajectory as a graph in the layout PyTorch Geometric and DGL build from: nodes are 0..num_nodes-1 in
 * trajectory order, `edge_index` is [sources, targets] (2 × num_edges), and features are columns (one array per
 * feature, one entry per node or edge). Categorical columns hold indices into `GRAPH_VOCABULARIES`. Labels sit at
 * graph (`y`), node (`node_y`) and edge (`edge_y`) level, with the anomaly type as a class index too.
 */
export const GraphRecordSchema = z
  .strictObject({
    format: z.literal(GRAPH_EXPORT_FORMAT),
    trajectory_id: z.uuid(),
    index: z.int().nonnegative().optional().describe("absent in an evaluation set"),
    pattern: z.int().nonnegative(),
    split: z.int().nonnegative(),
    num_nodes: z.int().positive(),
    num_edges: z.int().nonnegative(),
    node_ids: z.array(z.uuid()),
    edge_ids: z.array(z.uuid()),
    edge_index: z.tuple([Codes, Codes]),
    node_categorical: columns(NODE_CATEGORICAL, Codes),
    node_numeric: columns(NODE_NUMERIC, Numbers),
    edge_categorical: columns(EDGE_CATEGORICAL, Codes),
    edge_numeric: columns(EDGE_NUMERIC, Numbers),
    // Labels: absent when the trajectory was published without them (an evaluation set keeps them apart).
    y: z.union([z.literal(0), z.literal(1)]).optional(),
    y_type: z.int().nonnegative().optional(),
    y_severity: z.int().nonnegative().optional(),
    node_y: z.array(z.union([z.literal(0), z.literal(1)])).optional(),
    node_y_type: Codes.optional(),
    edge_y: z.array(z.union([z.literal(0), z.literal(1)])).optional(),
    edge_y_type: Codes.optional(),
    vocabularies: z.record(z.string(), z.array(z.string())).optional(),
  })
  .superRefine((record, ctx) => {
    const check = (name: string, length: number, expected: number) => {
      if (length !== expected)
        ctx.addIssue({ code: "custom", message: `${name} has ${length} entries, expected ${expected}` });
    };
    check("node_ids", record.node_ids.length, record.num_nodes);
    check("edge_ids", record.edge_ids.length, record.num_edges);
    check("edge_index[0]", record.edge_index[0].length, record.num_edges);
    check("edge_index[1]", record.edge_index[1].length, record.num_edges);
    for (const [name, column] of [...Object.entries(record.node_categorical), ...Object.entries(record.node_numeric)]) {
      check(`node column ${name}`, column.length, record.num_nodes);
    }
    for (const [name, column] of [...Object.entries(record.edge_categorical), ...Object.entries(record.edge_numeric)]) {
      check(`edge column ${name}`, column.length, record.num_edges);
    }
    if (record.node_y !== undefined) check("node_y", record.node_y.length, record.num_nodes);
    if (record.edge_y !== undefined) check("edge_y", record.edge_y.length, record.num_edges);
    for (const endpoint of [...record.edge_index[0], ...record.edge_index[1]]) {
      if (endpoint >= record.num_nodes)
        ctx.addIssue({ code: "custom", message: `edge_index names node ${endpoint} of ${record.num_nodes}` });
    }
    for (const [name, column] of [
      ...Object.entries(record.node_categorical),
      ...Object.entries(record.edge_categorical),
    ]) {
      const size = GRAPH_VOCABULARIES[name as keyof GraphVocabularies].length;
      if (column.some((code) => code >= size))
        ctx.addIssue({ code: "custom", message: `${name} has a code outside its vocabulary of ${size}` });
    }
  });

export type GraphRecord = z.infer<typeof GraphRecordSchema>;

const CODE_MAPS = Object.fromEntries(
  Object.entries(GRAPH_VOCABULARIES).map(([name, values]) => [
    name,
    new Map<string, number>(values.map((value, i) => [value, i])),
  ]),
) as Record<keyof GraphVocabularies, Map<string, number>>;

function code(column: keyof GraphVocabularies, value: string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const found = CODE_MAPS[column].get(value);
  if (found === undefined) throw new RangeError(`graph export: ${column} value ${value} is not in its vocabulary`);
  return found;
}

function nodeField(node: RecordNode, name: (typeof NODE_CATEGORICAL)[number]): string | null {
  const value = (node as Record<string, unknown>)[name];
  return typeof value === "string" ? value : null;
}

/**
 * Converts a trajectory to its graph record.
 * @example
 * const line = JSON.stringify(toGraphRecord(trajectory)); // or use serializeGraphRecord as a shard format
 */
export function toGraphRecord(
  trajectory: TrajectoryRecord,
  options: { includeVocabularies?: boolean } = {},
): GraphRecord {
  const { nodes, edges } = trajectory;
  const position = new Map<string, number>();
  for (const [i, node] of nodes.entries()) position.set(node.node_id, i);
  const startMs = Date.parse(trajectory.start_time);
  const nodeCategorical = Object.fromEntries(
    NODE_CATEGORICAL.map((name) => [name, nodes.map((node) => code(name, nodeField(node, name)))]),
  ) as GraphRecord["node_categorical"];
  const nodeNumeric: GraphRecord["node_numeric"] = {
    start_offset: nodes.map((node) => (Date.parse(node.start_time) - startMs) / 1000),
    duration: nodes.map((node) => node.duration),
    cpu_usage: nodes.map((node) => node.cpu_usage),
    memory_usage: nodes.map((node) => node.memory_usage),
    network_calls: nodes.map((node) => node.network_calls),
    retry_count: nodes.map((node) => node.retry_count),
    performance_score: nodes.map((node) => node.performance_score),
    confidence: nodes.map((node) => nodeConfidence(node)),
    tokens: nodes.map((node) => (node.node_type === "LLM_CALL" ? node.llm_tokens_used : 0)),
  };
  const edgeCategorical: GraphRecord["edge_categorical"] = {
    edge_type: edges.map((edge) => code("edge_type", edge.edge_type)),
    relationship_type: edges.map((edge) => code("relationship_type", edge.relationship_type)),
    data_type: edges.map((edge) => code("data_type", edge.edge_type === "data_dependency" ? edge.data_type : null)),
  };
  const edgeNumeric: GraphRecord["edge_numeric"] = {
    latency: edges.map((edge) => edge.latency),
    probability: edges.map((edge) => edge.probability),
    confidence: edges.map((edge) => edge.confidence),
    success_rate: edges.map((edge) => edge.success_rate),
    error_count: edges.map((edge) => edge.error_count),
    timeout_count: edges.map((edge) => edge.timeout_count),
    reliability_score: edges.map((edge) => edge.reliability_score),
    data_size_bytes: edges.map((edge) => (edge.edge_type === "execution_flow" ? 0 : edge.data_size_bytes)),
  };
  const endpoint = (id: string) => position.get(id) as number;
  const split = (trajectory as { split?: string }).split;
  const record: GraphRecord = {
    format: GRAPH_EXPORT_FORMAT,
    trajectory_id: trajectory.trajectory_id,
    ...(trajectory.index === undefined ? {} : { index: trajectory.index }),
    pattern: code("pattern", trajectory.pattern),
    split: code("split", split),
    num_nodes: nodes.length,
    num_edges: edges.length,
    node_ids: nodes.map((node) => node.node_id),
    edge_ids: edges.map((edge) => edge.edge_id),
    edge_index: [
      edges.map((edge) => endpoint(edge.source_node_id)),
      edges.map((edge) => endpoint(edge.target_node_id)),
    ],
    node_categorical: nodeCategorical,
    node_numeric: nodeNumeric,
    edge_categorical: edgeCategorical,
    edge_numeric: edgeNumeric,
  };
  const { metadata } = trajectory;
  if (metadata.is_anomalous !== undefined) {
    record.y = metadata.is_anomalous ? 1 : 0;
    record.y_type = code("anomaly_type", metadata.anomaly_types?.[0]);
    record.y_severity = code("severity", metadata.anomaly_severity);
    record.node_y = nodes.map((node) => (node.is_anomalous ? 1 : 0));
    record.node_y_type = nodes.map((node) => code("anomaly_type", node.anomaly_type));
    record.edge_y = edges.map((edge: RecordEdge) => (edge.is_anomalous ? 1 : 0));
    record.edge_y_type = edges.map((edge) => code("anomaly_type", edge.anomaly_type));
  }
  if (options.includeVocabularies) record.vocabularies = graphExportVocabularies();
  return record;
}

/** One JSONL line of the graph export (a shard format: pass as `serialize` to the shard renderer). */
export function serializeGraphRecord(trajectory: TrajectoryRecord): string {
  return JSON.stringify(toGraphRecord(trajectory));
}

/** The vocabularies as plain lists, to write once beside graph shards (e.g. `graph-vocabularies.json`). */
export function graphExportVocabularies(): Record<string, string[]> {
  return Object.fromEntries(Object.entries(GRAPH_VOCABULARIES).map(([name, values]) => [name, [...values]]));
}

/** Decodes a categorical column back to its values (for tests and for users without the vocabulary file). */
export function decodeColumn(column: keyof GraphVocabularies, codes: readonly number[]): string[] {
  const values = GRAPH_VOCABULARIES[column] as readonly string[];
  return codes.map((value) => values[value] as string);
}
