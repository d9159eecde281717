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
/** Names the feature set below; change it with any change to the features, so reports of different sets never mix. */
export const FEATURE_SET = "agentsynth.trajectory-features/v1";

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
const at = (name: string) => INDEX.get(name) as number;
/** Feature index per vocabulary value, so the per-node work is a map lookup and an increment, no string building. */
const indexOf = <T extends string>(values: readonly T[], prefix: string) =>
  new Map<string, number>(values.map((value) => [value, at(`${prefix}${value}`)]));
const NODE_COUNT_AT = indexOf(NODE_TYPES, "nodes.");
const STATUS_AT = indexOf(NODE_STATUSES, "status.");
const TRAJECTORY_STATUS_AT = indexOf(TRAJECTORY_STATUSES, "trajectory_status.");
const ERROR_AT = indexOf(ERROR_CODE_FEATURES, "error.");
const EDGE_TYPE_AT = indexOf(EDGE_TYPES, "edges.");
const RELATIONSHIP_AT = indexOf(RELATIONSHIP_TYPES, "relationship.");
const NODE_TYPE_INDEX = new Map<string, number>(NODE_TYPES.map((type, i) => [type, i]));
const PAIR_BASE = at(`pair.${NODE_TYPES[0]}>${NODE_TYPES[0]}`);
const TOTAL_S = at("duration.total_s");
const MAX_NODE_S = at("duration.max_node_s");
const MEAN_NODE_S = at("duration.mean_node_s");
const MAX_TOOL_S = at("duration.max_tool_call_s");
const RETRIES_SUM = at("retries.sum");
const RETRIES_MAX = at("retries.max");
const RETRIES_NODES = at("retries.nodes");
const BACK_EDGES = at("back_edges");
const REPEATED_INPUTS = at("repeated_inputs");

/** Adds one to `values[index]` when the value had a feature (an unknown error code has none). */
function bump(values: Float64Array, index: number | undefined): void {
  if (index !== undefined) values[index] = (values[index] as number) + 1;
}

/**
 * The features of one trajectory, in `FEATURE_NAMES` order. Called once per generated trajectory (the dataset
 * statistics), so it stays cheap: index lookups, tool parameters serialised only when a tool type recurs, and
 * `into` (overwritten) to reuse one array across calls.
 */
export function trajectoryFeatures(
  trajectory: Trajectory,
  into: Float64Array = new Float64Array(FEATURE_NAMES.length),
): Float64Array {
  const values = into.fill(0);
  const byId = new Map<string, TrajectoryNode>();
  const inputs = new RepeatedInputs();
  let maxNode = 0;
  let sumNode = 0;
  let maxTool = 0;
  let retrySum = 0;
  let retryNodes = 0;
  let retryMax = 0;
  for (const node of trajectory.nodes) {
    byId.set(node.node_id, node);
    bump(values, NODE_COUNT_AT.get(node.node_type));
    bump(values, STATUS_AT.get(node.status));
    if (node.error_code !== null) bump(values, ERROR_AT.get(node.error_code));
    if (node.duration > maxNode) maxNode = node.duration;
    sumNode += node.duration;
    if (node.retry_count > 0) {
      retrySum += node.retry_count;
      retryNodes++;
      if (node.retry_count > retryMax) retryMax = node.retry_count;
    }
    switch (node.node_type) {
      case "TOOL_CALL":
        if (node.duration > maxTool) maxTool = node.duration;
        if (inputs.tool(node)) values[REPEATED_INPUTS] = (values[REPEATED_INPUTS] as number) + 1;
        break;
      case "LLM_CALL":
        if (inputs.seen(inputs.llm, node.llm_purpose, node.llm_prompt))
          values[REPEATED_INPUTS] = (values[REPEATED_INPUTS] as number) + 1;
        break;
      case "MEMORY_ACCESS":
        if (inputs.seen(inputs.memory, node.memory_operation, node.memory_key))
          values[REPEATED_INPUTS] = (values[REPEATED_INPUTS] as number) + 1;
        break;
      default:
        break;
    }
  }
  bump(values, TRAJECTORY_STATUS_AT.get(trajectory.status));
  values[TOTAL_S] = trajectory.total_duration;
  values[MAX_NODE_S] = maxNode;
  values[MEAN_NODE_S] = trajectory.nodes.length === 0 ? 0 : sumNode / trajectory.nodes.length;
  values[MAX_TOOL_S] = maxTool;
  values[RETRIES_SUM] = retrySum;
  values[RETRIES_MAX] = retryMax;
  values[RETRIES_NODES] = retryNodes;
  for (const edge of trajectory.edges) {
    bump(values, EDGE_TYPE_AT.get(edge.edge_type));
    bump(values, RELATIONSHIP_AT.get(edge.relationship_type));
    const source = byId.get(edge.source_node_id);
    const target = byId.get(edge.target_node_id);
    if (source === undefined || target === undefined) continue;
    bump(
      values,
      PAIR_BASE +
        (NODE_TYPE_INDEX.get(source.node_type) as number) * NODE_TYPES.length +
        (NODE_TYPE_INDEX.get(target.node_type) as number),
    );
    // ISO strings of one format compare in time order.
    if (target.start_time < source.end_time) values[BACK_EDGES] = (values[BACK_EDGES] as number) + 1;
  }
  return values;
}

type ToolNode = Extract<TrajectoryNode, { node_type: "TOOL_CALL" }>;

/**
 * What each step was asked to do, for spotting a repeat of an earlier step of the same type with the same inputs:
 * a TOOL_CALL's tool and parameters, an LLM_CALL's purpose and prompt, a MEMORY_ACCESS's operation and key. Tool
 * parameters are compared as their JSON, serialised only once a tool recurs in the trajectory.
 */
class RepeatedInputs {
  readonly llm = new Map<string, Set<string>>();
  readonly memory = new Map<string, Set<string>>();
  /** Per tool, its first call (not yet serialised) or the serialised parameters of every call so far. */
  readonly #tools = new Map<string, ToolNode | Set<string>>();

  /** Whether `kind` already saw `input`; records it. */
  seen(by: Map<string, Set<string>>, kind: string, input: string): boolean {
    const set = by.get(kind);
    if (set === undefined) {
      by.set(kind, new Set([input]));
      return false;
    }
    if (set.has(input)) return true;
    set.add(input);
    return false;
  }

  tool(node: ToolNode): boolean {
    const earlier = this.#tools.get(node.tool_type);
    if (earlier === undefined) {
      this.#tools.set(node.tool_type, node);
      return false;
    }
    let set: Set<string>;
    if (earlier instanceof Set) set = earlier;
    else {
      set = new Set([JSON.stringify(earlier.tool_parameters)]);
      this.#tools.set(node.tool_type, set);
    }
    const key = JSON.stringify(node.tool_parameters);
    if (set.has(key)) return true;
    set.add(key);
    return false;
  }
}
