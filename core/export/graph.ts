import { z } from "zod";
import type { RecordEdge, RecordNode, TrajectoryRecord } from "../trajectory/labels.ts";
import { nodeConfidence } from "../trajectory/metrics.ts";
import { ANOMALY_ROLES } from "../trajectory/model.ts";
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
  anomaly_role: ["none", ...ANOMALY_ROLES],
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

/**
 * What each node feature column holds, with its unit: with EDGE_COLUMN_DESCRIPTIONS, the field reference of the graph format. The JSON Schema
 * (schema/graph-record.schema.json) and the dataset card are generated from it.
 */
export const NODE_COLUMN_DESCRIPTIONS: Readonly<Record<string, string>> = {
  node_type: "step kind: index into vocabularies.node_type",
  agent_type: "agent that ran the step: index into vocabularies.agent_type",
  status: "how the step ended: index into vocabularies.status (0 completed)",
  tool_type: "tool of a TOOL_CALL: index into vocabularies.tool_type, 0 (<none>) on other nodes",
  llm_model: "model of an LLM_CALL: index into vocabularies.llm_model, 0 (<none>) on other nodes",
  llm_purpose: "purpose of an LLM_CALL: index into vocabularies.llm_purpose, 0 (<none>) on other nodes",
  memory_operation: "operation of a MEMORY_ACCESS: index into vocabularies.memory_operation, 0 (<none>) on other nodes",
  planning_type: "kind of PLANNING: index into vocabularies.planning_type, 0 (<none>) on other nodes",
  reasoning_type: "kind of REASONING: index into vocabularies.reasoning_type, 0 (<none>) on other nodes",
  observation_source: "source of an OBSERVATION: index into vocabularies.observation_source, 0 (<none>) on other nodes",
  start_offset: "seconds from the trajectory's start_time to the node's start (ms precision)",
  duration: "seconds the step took",
  cpu_usage: "percent, 0 to 100",
  memory_usage: "MB",
  network_calls: "count of network calls the step made",
  retry_count: "earlier attempts of the same call (0 for a first attempt)",
  performance_score: "0 to 1: 1 for a clean step, lowered by failure, timeout, retries and low confidence",
  confidence: "0 to 1: the planning, reasoning, LLM or validation confidence; 1 for other node types",
  tokens: "tokens an LLM_CALL generated; 0 on other nodes",
};

/** What each edge feature column holds, with its unit. */
export const EDGE_COLUMN_DESCRIPTIONS: Readonly<Record<string, string>> = {
  edge_type: "index into vocabularies.edge_type (execution_flow, handoff, data_dependency)",
  relationship_type: "index into vocabularies.relationship_type",
  data_type: "data a data_dependency edge carries: index into vocabularies.data_type, 0 (<none>) on other edges",
  latency: "seconds from the source's end to the earliest start of the target",
  probability: "0 to 1",
  confidence: "0 to 1",
  success_rate: "0 to 1",
  error_count: "count",
  timeout_count: "count",
  reliability_score: "0 to 1",
  data_size_bytes: "bytes passed along a handoff or data_dependency edge; 0 on execution_flow edges",
};

/** A strict object with one column (of the given schema) per feature name, each with its description. */
function columns<N extends string, S extends z.ZodType>(
  names: readonly N[],
  column: S,
  descriptions: Readonly<Record<string, string>>,
) {
  return z.strictObject(
    Object.fromEntries(names.map((name) => [name, column.describe(descriptions[name] as string)])) as Record<N, S>,
  );
}

/**
 * One trajectory as a graph in the layout PyTorch Geometric and DGL build from: nodes are 0..num_nodes-1 in
 * trajectory order, `edge_index` is [sources, targets] (2 × num_edges), and features are columns (one array per
 * feature, one entry per node or edge). Categorical columns hold indices into `GRAPH_VOCABULARIES`. Labels sit at
 * graph (`y`), node (`node_y`) and edge (`edge_y`) level, with the anomaly type as a class index too.
 */
export const GraphRecordSchema = z
  .strictObject({
    format: z.literal(GRAPH_EXPORT_FORMAT).describe("record format and version"),
    trajectory_id: z.uuid().describe("trajectory_id of the trajectory this graph is"),
    index: z.int().nonnegative().optional().describe("position of the trajectory in its dataset"),
    pattern: z.int().nonnegative().describe("workflow pattern: index into vocabularies.pattern"),
    split: z
      .int()
      .nonnegative()
      .describe("dataset split: index into vocabularies.split (1 train, 2 validation, 3 test; 0 <none>)"),
    num_nodes: z.int().positive().describe("number of nodes; nodes are 0..num_nodes-1 in trajectory order"),
    num_edges: z.int().nonnegative().describe("number of edges"),
    node_ids: z.array(z.uuid()).describe("node_id of node i in the trajectory JSON"),
    edge_ids: z.array(z.uuid()).describe("edge_id of edge j in the trajectory JSON"),
    edge_index: z
      .tuple([Codes, Codes])
      .describe("[sources, targets], 2 x num_edges: edge j goes from node edge_index[0][j] to edge_index[1][j]"),
    node_categorical: columns(NODE_CATEGORICAL, Codes, NODE_COLUMN_DESCRIPTIONS).describe(
      "categorical node features, one entry per node",
    ),
    node_numeric: columns(NODE_NUMERIC, Numbers, NODE_COLUMN_DESCRIPTIONS).describe(
      "numeric node features, one entry per node",
    ),
    edge_categorical: columns(EDGE_CATEGORICAL, Codes, EDGE_COLUMN_DESCRIPTIONS).describe(
      "categorical edge features, one entry per edge",
    ),
    edge_numeric: columns(EDGE_NUMERIC, Numbers, EDGE_COLUMN_DESCRIPTIONS).describe(
      "numeric edge features, one entry per edge",
    ),
    // Labels: absent when the trajectory was published without them (an evaluation set keeps them apart).
    y: z
      .union([z.literal(0), z.literal(1)])
      .optional()
      .describe("graph label: 1 if the trajectory is anomalous"),
    y_type: z
      .int()
      .nonnegative()
      .optional()
      .describe("anomaly type of the trajectory: index into vocabularies.anomaly_type (0 normal)"),
    y_severity: z
      .int()
      .nonnegative()
      .optional()
      .describe("anomaly severity: index into vocabularies.severity (0 none)"),
    node_y: z
      .array(z.union([z.literal(0), z.literal(1)]))
      .optional()
      .describe("node labels: 1 on the nodes the anomaly added or changed"),
    node_y_type: Codes.optional().describe(
      "anomaly type of each node: index into vocabularies.anomaly_type (0 normal)",
    ),
    node_y_role: Codes.optional().describe(
      "part of each node in its anomaly: index into vocabularies.anomaly_role (0 none, 1 root_cause, 2 symptom)",
    ),
    edge_y: z
      .array(z.union([z.literal(0), z.literal(1)]))
      .optional()
      .describe("edge labels: 1 on the edges the anomaly added or changed"),
    edge_y_type: Codes.optional().describe(
      "anomaly type of each edge: index into vocabularies.anomaly_type (0 normal)",
    ),
    edge_y_role: Codes.optional().describe(
      "part of each edge in its anomaly: index into vocabularies.anomaly_role (0 none, 2 symptom)",
    ),
    vocabularies: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .describe("the vocabularies, only when asked for per record; otherwise in graph-vocabularies.json"),
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
    record.node_y_role = nodes.map((node) => code("anomaly_role", node.anomaly_role));
    record.edge_y = edges.map((edge: RecordEdge) => (edge.is_anomalous ? 1 : 0));
    record.edge_y_type = edges.map((edge) => code("anomaly_type", edge.anomaly_type));
    record.edge_y_role = edges.map((edge) => code("anomaly_role", edge.anomaly_role));
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
