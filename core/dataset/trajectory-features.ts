import type { Trajectory, TrajectoryNode } from "../trajectory/model.ts";
import {
  EDGE_TYPES,
  NODE_STATUSES,
  NODE_TYPES,
  RELATIONSHIP_TYPES,
  TOOL_ERROR_CODES,
  TRAJECTORY_STATUSES,
} from "../trajectory/vocabulary.ts";

/**
 * The fixed feature set the separability statistics rank each anomaly type on (docs/anomalies.md, "How hard is a
 * dataset"). Every feature is a number a one-line rule could threshold, read from the published record alone:
 * - node-type counts (`nodes.<TYPE>`), node statuses (`status.<status>`), the trajectory status
 *   (`trajectory_status.<status>`, 0 or 1), error codes (`error.<CODE>`, including `UPSTREAM_FAILED`);
 * - durations in seconds: the trajectory's total, the longest node, the mean node and the longest TOOL_CALL;
 * - retries: the sum and maximum of `retry_count` and how many nodes have one;
 * - edges: counts per edge type, per relationship type, and per (source node type → target node type) pair;
 * - back-references: edges into a node that had already finished when the edge fired (`back_edges`), and nodes
 *   repeating an earlier node of the same type with the same inputs (`repeated_inputs`).
 * Errors codes, statuses and types come from the vocabularies, so the list does not depend on the data.
 */
export const ERROR_CODE_FEATURES = [...TOOL_ERROR_CODES, "UPSTREAM_FAILED"] as const;

export const FEATURE_NAMES: readonly string[] = [
  ...NODE_TYPES.map((type) => `nodes.${type}`),
  ...NODE_STATUSES.map((status) => `status.${status}`),
  ...TRAJECTORY_STATUSES.map((status) => `trajectory_status.${status}`),
  ...ERROR_CODE_FEATURES.map((code) => `error.${code}`),
  "duration.total_s",
  "duration.max_node_s",
  "duration.mean_node_s",
  "duration.max_tool_call_s",
  "retries.sum",
  "retries.max",
  "retries.nodes",
  ...EDGE_TYPES.map((type) => `edges.${type}`),
  ...RELATIONSHIP_TYPES.map((type) => `relationship.${type}`),
  ...NODE_TYPES.flatMap((from) => NODE_TYPES.map((to) => `pair.${from}>${to}`)),
  "back_edges",
  "repeated_inputs",
];

/** Which features are durations (quantised on a log scale); the others are counts. */
export const DURATION_FEATURES: ReadonlySet<string> = new Set(
  FEATURE_NAMES.filter((name) => name.startsWith("duration.")),
);

const INDEX = new Map(FEATURE_NAMES.map((name, i) => [name, i]));
const NODE_TYPE_INDEX = new Map<string, number>(NODE_TYPES.map((type, i) => [type, i]));
const at = (name: string) => INDEX.get(name) as number;
const PAIR_BASE = at(`pair.${NODE_TYPES[0]}>${NODE_TYPES[0]}`);

/** The features of one trajectory, in `FEATURE_NAMES` order. */
export function trajectoryFeatures(trajectory: Trajectory): Float64Array {
  const values = new Float64Array(FEATURE_NAMES.length);
  const bump = (name: string, by = 1) => {
    const i = INDEX.get(name);
    if (i !== undefined) values[i] = (values[i] as number) + by;
  };
  const byId = new Map<string, TrajectoryNode>();
  const seenInputs = new Set<string>();
  let maxNode = 0;
  let sumNode = 0;
  let maxTool = 0;
  let retryMax = 0;
  for (const node of trajectory.nodes) {
    byId.set(node.node_id, node);
    bump(`nodes.${node.node_type}`);
    bump(`status.${node.status}`);
    if (node.error_code !== null) bump(`error.${node.error_code}`);
    maxNode = Math.max(maxNode, node.duration);
    sumNode += node.duration;
    if (node.node_type === "TOOL_CALL") maxTool = Math.max(maxTool, node.duration);
    if (node.retry_count > 0) {
      bump("retries.sum", node.retry_count);
      bump("retries.nodes");
      retryMax = Math.max(retryMax, node.retry_count);
    }
    const inputs = inputsOf(node);
    if (inputs !== null) {
      if (seenInputs.has(inputs)) bump("repeated_inputs");
      else seenInputs.add(inputs);
    }
  }
  bump(`trajectory_status.${trajectory.status}`);
  values[at("duration.total_s")] = trajectory.total_duration;
  values[at("duration.max_node_s")] = maxNode;
  values[at("duration.mean_node_s")] = trajectory.nodes.length === 0 ? 0 : sumNode / trajectory.nodes.length;
  values[at("duration.max_tool_call_s")] = maxTool;
  values[at("retries.max")] = retryMax;
  for (const edge of trajectory.edges) {
    bump(`edges.${edge.edge_type}`);
    bump(`relationship.${edge.relationship_type}`);
    const source = byId.get(edge.source_node_id);
    const target = byId.get(edge.target_node_id);
    if (source === undefined || target === undefined) continue;
    const pair =
      PAIR_BASE +
      (NODE_TYPE_INDEX.get(source.node_type) as number) * NODE_TYPES.length +
      (NODE_TYPE_INDEX.get(target.node_type) as number);
    values[pair] = (values[pair] as number) + 1;
    // ISO strings of one format compare in time order.
    if (target.start_time < source.end_time) bump("back_edges");
  }
  return values;
}

/** What a step was asked to do, for spotting a repeat: its type and inputs (null for steps without inputs). */
function inputsOf(node: TrajectoryNode): string | null {
  switch (node.node_type) {
    case "TOOL_CALL":
      return `T${node.tool_type}${JSON.stringify(node.tool_parameters)}`;
    case "LLM_CALL":
      return `L${node.llm_purpose}${node.llm_prompt}`;
    case "MEMORY_ACCESS":
      return `M${node.memory_operation}${node.memory_key}`;
    default:
      return null;
  }
}
