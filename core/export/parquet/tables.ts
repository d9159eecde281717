import {
  type Trajectory,
  type TrajectoryEdge,
  type TrajectoryNode,
  TrajectoryNodeSchema,
} from "../../trajectory/model.ts";
import type { ParquetColumn, ParquetColumnType } from "./parquet-file.ts";

/**
 * The tables of the Parquet format: one row per trajectory, per node (`nodes`: features and labels;
 * `node_details`: ids, text and the rest of its fields) and per edge.
 */
export const PARQUET_TABLES = ["trajectories", "nodes", "node_details", "edges"] as const;
export type ParquetTableName = (typeof PARQUET_TABLES)[number];

/** A node with its trajectory and its position in the trajectory's `nodes`. */
export interface NodeRow {
  trajectory: Trajectory;
  node: TrajectoryNode;
  index: number;
}

/** An edge with its trajectory, its position in `edges`, and the positions of its source and target nodes. */
export interface EdgeRow {
  trajectory: Trajectory;
  edge: TrajectoryEdge;
  index: number;
  source: number;
  target: number;
}

function column<R>(
  name: string,
  type: ParquetColumnType,
  nullable: boolean,
  description: string,
  path: string,
  options: { label?: boolean; provenance?: boolean } = {},
): ParquetColumn<R> {
  return { name, type, nullable, description, path, ...options };
}

/**
 * The anomaly labels of a node or an edge (same names in both tables). One list, so a label added to the model
 * (such as a role in the anomaly) is one more line here.
 */
function elementLabels<R>(element: "node" | "edge"): ParquetColumn<R>[] {
  return [
    column("is_anomalous", "bool", false, "the anomaly added or changed it", `${element}.is_anomalous`, {
      label: true,
    }),
    column("anomaly_type", "category", true, "the anomaly that added or changed it", `${element}.anomaly_type`, {
      label: true,
    }),
    column(
      "anomaly_metadata",
      "json",
      true,
      "JSON: its role in the anomaly and the parameters",
      `${element}.anomaly_metadata`,
      { label: true },
    ),
    column(
      "anomaly_role",
      "category",
      true,
      "root_cause (the decisive step), symptom or null",
      `${element}.anomaly_role`,
      {
        label: true,
      },
    ),
  ];
}

/** The join key of both node tables: the trajectory and the node's position in it (edges refer to the position). */
function nodeKey(): ParquetColumn<NodeRow>[] {
  return [
    column("trajectory_id", "category", false, "the trajectory the node belongs to", "trajectory.trajectory_id"),
    column("node_index", "int32", false, "position in the trajectory's nodes (edges refer to it)", "index"),
  ];
}

/** The top-level fields of each node type, from the model. */
const NODE_FIELDS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  TrajectoryNodeSchema.options.map((option) => [option.shape.node_type.value, new Set(Object.keys(option.shape))]),
);
const ANY_NODE_FIELD = new Set([...NODE_FIELDS.values()].flatMap((fields) => [...fields]));

/** The model field a column is read from: its name, or the nested object its flattened name starts with. */
function sourceField(name: string, fields: ReadonlySet<string>): string | undefined {
  if (fields.has(name)) return name;
  for (const field of fields) if (name.startsWith(`${field}_`)) return field;
  return undefined;
}

/**
 * Which columns a node of each type has (1) or lacks (0, always null). Reading a field an object does not have is a
 * slow megamorphic miss, so the writer skips those columns instead of reading them. Columns that are not model
 * fields (`trajectory_id`, `node_index`) apply to every type.
 */
export function nodeColumnMasks(columns: readonly ParquetColumn<NodeRow>[]): Map<string, Uint8Array> {
  const masks = new Map<string, Uint8Array>();
  for (const [type, fields] of NODE_FIELDS) {
    masks.set(
      type,
      Uint8Array.from(columns, (column) =>
        sourceField(column.name, ANY_NODE_FIELD) === undefined || sourceField(column.name, fields) !== undefined
          ? 1
          : 0,
      ),
    );
  }
  return masks;
}

/**
 * The node feature table, one row per node: what every node has (type, agent, status, error code, timing,
 * resources), each type's kind, model, confidence and outcome (the features the graph export gives, under the
 * model's names), and the labels. It leaves text, ids and the rest of each type's fields to `node_details`: a reader
 * pays about 16 bytes per row for every text column, even a null one, so a node table with every field needs over
 * 1.5 GB in DuckDB for 100,000 trajectories, and this one under 1 GB. Fields of other node types are null.
 */
export function nodeColumns(): ParquetColumn<NodeRow>[] {
  return [
    ...nodeKey(),
    column("node_type", "category", false, "USER_ENQUIRY, PLANNING, TOOL_CALL, ...", "node.node_type"),
    column("agent_type", "category", false, "PLANNER, EXECUTOR, VALIDATOR or COORDINATOR", "node.agent_type"),
    column("status", "category", false, "completed, failed, timeout or interrupted", "node.status"),
    column("error_code", "category", true, "error code of a failed step", "node.error_code"),
    column("retry_count", "int32", false, "retries before this attempt", "node.retry_count"),
    column("start_time", "timestamp", false, "UTC, millisecond precision", "node.start_time"),
    column("end_time", "timestamp", false, "UTC; end_time - start_time = duration", "node.end_time"),
    column("duration", "double", false, "seconds", "node.duration"),
    column("cpu_usage", "double", false, "percent", "node.cpu_usage"),
    column("memory_usage", "double", false, "MB", "node.memory_usage"),
    column("network_calls", "int32", false, "network calls made by the step", "node.network_calls"),
    column("performance_score", "double", false, "0 to 1", "node.performance_score"),
    column("planning_type", "category", true, "PLANNING", "node.planning_type"),
    column("planning_confidence", "double", true, "PLANNING, 0 to 1", "node.planning_confidence"),
    column("reasoning_type", "category", true, "REASONING", "node.reasoning_type"),
    column("reasoning_confidence", "double", true, "REASONING, 0 to 1", "node.reasoning_confidence"),
    column("tool_type", "category", true, "TOOL_CALL", "node.tool_type"),
    column("tool_success", "bool", true, "TOOL_CALL", "node.tool_success"),
    column("llm_model", "category", true, "LLM_CALL", "node.llm_model"),
    column("llm_purpose", "category", true, "LLM_CALL", "node.llm_purpose"),
    column("llm_tokens_used", "int32", true, "LLM_CALL", "node.llm_tokens_used"),
    column("llm_confidence", "double", true, "LLM_CALL, 0 to 1", "node.llm_confidence"),
    column("validation_result", "bool", true, "VALIDATION: the verdict", "node.validation_result"),
    column("validation_score", "double", true, "VALIDATION, 0 to 1", "node.validation_score"),
    column("source_agent", "category", true, "HANDOFF", "node.source_agent"),
    column("target_agent", "category", true, "HANDOFF", "node.target_agent"),
    column("handoff_success", "bool", true, "HANDOFF", "node.handoff_success"),
    column("memory_operation", "category", true, "MEMORY_ACCESS", "node.memory_operation"),
    column("memory_success", "bool", true, "MEMORY_ACCESS", "node.memory_success"),
    column("observation_source", "category", true, "OBSERVATION", "node.observation_source"),
    ...elementLabels<NodeRow>("node"),
  ];
}

/**
 * The rest of each node, one row per node with the same key as `nodes`: its id, its text (description, request,
 * conclusion, tool parameters and result, prompt and response, final output, error message) and its type's
 * remaining fields (user context, plan, reasoning input, handoff context, memory key and value, observation data).
 * Nested objects are flattened with `_`; fields of other node types are null.
 */
export function nodeDetailColumns(): ParquetColumn<NodeRow>[] {
  return [
    ...nodeKey(),
    column("node_id", "string", false, "UUID (the JSONL's node_id)", "node.node_id"),
    column("description", "string", false, "what the step does", "node.description"),
    column("error_message", "string", true, "error message of a failed step", "node.error_message"),
    column("user_input", "string", true, "USER_ENQUIRY: the request", "node.user_input"),
    column("user_intent", "category", true, "USER_ENQUIRY", "node.user_intent"),
    column("user_context_user_id", "category", true, "USER_ENQUIRY", "node.user_context.user_id"),
    column("user_context_session_id", "category", true, "USER_ENQUIRY", "node.user_context.session_id"),
    column("user_context_priority", "category", true, "USER_ENQUIRY", "node.user_context.priority"),
    column("planning_output_strategy", "category", true, "PLANNING", "node.planning_output.strategy"),
    column("planning_output_planned_steps", "int32", true, "PLANNING", "node.planning_output.planned_steps"),
    column(
      "planning_output_estimated_duration",
      "int32",
      true,
      "PLANNING, seconds",
      "node.planning_output.estimated_duration",
    ),
    column("planning_output_resources_needed", "int32", true, "PLANNING", "node.planning_output.resources_needed"),
    column("reasoning_input_data_points", "int32", true, "REASONING", "node.reasoning_input.data_points"),
    column("reasoning_output_conclusion", "string", true, "REASONING", "node.reasoning_output.conclusion"),
    column("tool_parameters", "json", true, "TOOL_CALL, JSON object", "node.tool_parameters"),
    column("tool_result", "json", true, "TOOL_CALL, JSON object", "node.tool_result"),
    column("llm_prompt", "string", true, "LLM_CALL", "node.llm_prompt"),
    column("llm_response", "string", true, "LLM_CALL", "node.llm_response"),
    column("validation_criteria", "string_list", true, "VALIDATION", "node.validation_criteria"),
    column("handoff_context_context_size", "int64", true, "HANDOFF, bytes", "node.handoff_context.context_size"),
    column("handoff_context_items_transferred", "int32", true, "HANDOFF", "node.handoff_context.items_transferred"),
    column("memory_key", "string", true, "MEMORY_ACCESS", "node.memory_key"),
    column("memory_value_size_bytes", "int64", true, "MEMORY_ACCESS, null for delete", "node.memory_value.size_bytes"),
    column("memory_value_digest", "string", true, "MEMORY_ACCESS, null for delete", "node.memory_value.digest"),
    column("observation_data_metrics_count", "int32", true, "OBSERVATION", "node.observation_data.metrics_count"),
    column(
      "observation_data_anomalies_detected",
      "int32",
      true,
      "OBSERVATION",
      "node.observation_data.anomalies_detected",
    ),
    column("final_output", "string", true, "ACTION", "node.final_output"),
  ];
}

/**
 * One row per edge. Its ends are `source_node_index` and `target_node_index`, the `node_index` of the nodes in the
 * same trajectory; their UUIDs (the JSONL's `source_node_id`, `target_node_id`) are `node_details.node_id` at those
 * positions, not repeated here, where they were most of the table's bytes.
 */
export function edgeColumns(): ParquetColumn<EdgeRow>[] {
  return [
    column("trajectory_id", "category", false, "the trajectory the edge belongs to", "trajectory.trajectory_id"),
    column("edge_index", "int32", false, "position in the trajectory's edges", "index"),
    column("edge_id", "string", false, "UUID", "edge.edge_id"),
    column("source_node_index", "int32", false, "node_index of the source", "source"),
    column("target_node_index", "int32", false, "node_index of the target", "target"),
    column("edge_type", "category", false, "execution_flow, handoff or data_dependency", "edge.edge_type"),
    column("relationship_type", "category", false, "sequential, branch, merge, ...", "edge.relationship_type"),
    column("data_type", "category", true, "data_dependency edges", "edge.data_type"),
    column("data_size_bytes", "int64", true, "handoff and data_dependency edges, bytes", "edge.data_size_bytes"),
    column("creation_time", "timestamp", false, "when the source finished and the edge fired", "edge.creation_time"),
    column("latency", "double", false, "seconds from the source's end to the target's earliest start", "edge.latency"),
    column("probability", "double", false, "0 to 1", "edge.probability"),
    column("confidence", "double", false, "0 to 1", "edge.confidence"),
    column("success_rate", "double", false, "0 to 1", "edge.success_rate"),
    column("error_count", "int32", false, "", "edge.error_count"),
    column("timeout_count", "int32", false, "", "edge.timeout_count"),
    column("reliability_score", "double", false, "0 to 1", "edge.reliability_score"),
    ...elementLabels<EdgeRow>("edge"),
  ];
}

/** One row per trajectory: its fields and its metadata (without the `metadata_` prefix). */
export function trajectoryColumns(): ParquetColumn<Trajectory>[] {
  return [
    column("trajectory_id", "string", false, "UUID; nodes and edges refer to it", "trajectory_id"),
    column("seed", "int64", false, "dataset seed", "seed", { provenance: true }),
    column("index", "int64", false, "position in the dataset", "index", { provenance: true }),
    // An evaluation set keeps the split with its labels (as its JSONL does); its files still sit in split folders.
    column("split", "category", false, "train, validation or test", "split", { provenance: true }),
    column("pattern", "category", false, "workflow pattern", "pattern"),
    column("task_category", "category", false, "research, analysis, development or planning", "task_category"),
    column("task_description", "string", false, "the task", "task_description"),
    column("status", "category", false, "completed, failed or incomplete", "status"),
    column("start_time", "timestamp", false, "UTC, millisecond precision", "start_time"),
    column("end_time", "timestamp", false, "UTC", "end_time"),
    column("total_duration", "double", false, "seconds", "total_duration"),
    column("agent_types", "string_list", false, "agents involved", "metadata.agent_types"),
    column("tool_usage", "string_list", false, "tools used", "metadata.tool_usage"),
    column("is_anomalous", "bool", false, "the trajectory has an injected anomaly", "metadata.is_anomalous", {
      label: true,
    }),
    column("anomaly_types", "string_list", false, "the injected anomalies", "metadata.anomaly_types", {
      label: true,
    }),
    column(
      "anomaly_severity",
      "category",
      true,
      "low, medium, high or critical (the highest of its anomalies)",
      "metadata.anomaly_severity",
      {
        label: true,
      },
    ),
    column("completion_rate", "double", false, "share of nodes completed", "metadata.completion_rate"),
    column("success", "bool", false, "", "metadata.success"),
    column("total_nodes", "int32", false, "", "metadata.total_nodes"),
    column("total_edges", "int32", false, "", "metadata.total_edges"),
    column("total_tool_calls", "int32", false, "", "metadata.total_tool_calls"),
    column("total_handoffs", "int32", false, "", "metadata.total_handoffs"),
    column("total_errors", "int32", false, "nodes whose status is not completed", "metadata.total_errors"),
    column("average_node_duration", "double", false, "seconds", "metadata.average_node_duration"),
    column("tags", "string_list", false, "", "metadata.tags"),
    column("anomaly_metadata", "json", true, "JSON: the injection parameters", "metadata.anomaly_metadata", {
      label: true,
    }),
    column(
      "anomalies",
      "json",
      false,
      "JSON list, one entry per injected anomaly: anomaly_type, severity, root_cause_node_id, responsible_agent, node_ids, edge_ids",
      "metadata.anomalies",
      { label: true },
    ),
  ];
}
