import { NodePositions } from "../trajectory/endpoints.ts";
import type { NodeOf, Trajectory, TrajectoryNode } from "../trajectory/model.ts";
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
const STATUS_AT = indexOf(NODE_STATUSES, "status.");
const TRAJECTORY_STATUS_AT = indexOf(TRAJECTORY_STATUSES, "trajectory_status.");
const ERROR_AT = indexOf(ERROR_CODE_FEATURES, "error.");
const EDGE_TYPE_AT = indexOf(EDGE_TYPES, "edges.");
const RELATIONSHIP_AT = indexOf(RELATIONSHIP_TYPES, "relationship.");
const NODE_TYPE_INDEX = new Map<string, number>(NODE_TYPES.map((type, i) => [type, i]));
/** `nodes.<TYPE>` features follow NODE_TYPES order from here. */
const NODE_COUNT_BASE = at(`nodes.${NODE_TYPES[0]}`);
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
 * statistics), so it stays cheap: index lookups, edge endpoints through `NodePositions` (no hashing of ids), repeated
 * inputs found without building strings, and `into` (overwritten) to reuse one array across calls.
 */
export function trajectoryFeatures(
  trajectory: Trajectory,
  into: Float64Array = new Float64Array(FEATURE_NAMES.length),
): Float64Array {
  const values = into.fill(0);
  const { nodes, edges } = trajectory;
  // Node type index per position, -1 for a type outside the vocabulary (no pair feature).
  const typeAt = new Array<number>(nodes.length).fill(-1);
  const inputs = new RepeatedInputs();
  let maxNode = 0;
  let sumNode = 0;
  let maxTool = 0;
  let retrySum = 0;
  let retryNodes = 0;
  let retryMax = 0;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as TrajectoryNode;
    const type = NODE_TYPE_INDEX.get(node.node_type);
    if (type !== undefined) {
      typeAt[i] = type;
      values[NODE_COUNT_BASE + type] = (values[NODE_COUNT_BASE + type] as number) + 1;
    }
    bump(values, STATUS_AT.get(node.status));
    if (node.error_code !== null) bump(values, ERROR_AT.get(node.error_code));
    if (node.duration > maxNode) maxNode = node.duration;
    sumNode += node.duration;
    if (node.retry_count > 0) {
      retrySum += node.retry_count;
      retryNodes++;
      if (node.retry_count > retryMax) retryMax = node.retry_count;
    }
    if (node.node_type === "TOOL_CALL" && node.duration > maxTool) maxTool = node.duration;
    if (inputs.repeats(node)) values[REPEATED_INPUTS] = (values[REPEATED_INPUTS] as number) + 1;
  }
  bump(values, TRAJECTORY_STATUS_AT.get(trajectory.status));
  values[TOTAL_S] = trajectory.total_duration;
  values[MAX_NODE_S] = maxNode;
  values[MEAN_NODE_S] = nodes.length === 0 ? 0 : sumNode / nodes.length;
  values[MAX_TOOL_S] = maxTool;
  values[RETRIES_SUM] = retrySum;
  values[RETRIES_MAX] = retryMax;
  values[RETRIES_NODES] = retryNodes;
  const positions = new NodePositions(nodes);
  for (const edge of edges) {
    bump(values, EDGE_TYPE_AT.get(edge.edge_type));
    bump(values, RELATIONSHIP_AT.get(edge.relationship_type));
    const from = positions.get(edge.source_node_id);
    const to = positions.get(edge.target_node_id);
    if (from === undefined || to === undefined) continue;
    const sourceType = typeAt[from] as number;
    const targetType = typeAt[to] as number;
    if (sourceType >= 0 && targetType >= 0) bump(values, PAIR_BASE + sourceType * NODE_TYPES.length + targetType);
    // ISO strings of one format compare in time order.
    if ((nodes[to] as TrajectoryNode).start_time < (nodes[from] as TrajectoryNode).end_time)
      values[BACK_EDGES] = (values[BACK_EDGES] as number) + 1;
  }
  return values;
}

type ToolParameters = NodeOf<"TOOL_CALL">["tool_parameters"];

/**
 * What each step was asked to do, for spotting a repeat of an earlier step of the same type with the same inputs:
 * a TOOL_CALL's tool and parameters, an LLM_CALL's purpose and prompt, a MEMORY_ACCESS's operation and key. Each
 * type keeps its distinct (kind, input) pairs in a list scanned with `===`: a trajectory has a handful per type, and
 * a Set would hash every prompt and serialise every tool's parameters first.
 */
class RepeatedInputs {
  readonly #tools = new DistinctInputs<ToolParameters>();
  readonly #llm = new DistinctInputs<string>();
  readonly #memory = new DistinctInputs<string>();

  /** Whether `node` repeats an earlier step's inputs; records them otherwise. */
  repeats(node: TrajectoryNode): boolean {
    switch (node.node_type) {
      case "TOOL_CALL":
        return this.#tools.repeats(node.tool_type, node.tool_parameters, sameParameters);
      case "LLM_CALL":
        return this.#llm.repeats(node.llm_purpose, node.llm_prompt, sameString);
      case "MEMORY_ACCESS":
        return this.#memory.repeats(node.memory_operation, node.memory_key, sameString);
      default:
        return false;
    }
  }
}

/** Distinct (kind, input) pairs seen so far, in parallel lists. */
class DistinctInputs<T> {
  readonly #kinds: string[] = [];
  readonly #inputs: T[] = [];

  repeats(kind: string, input: T, same: (a: T, b: T) => boolean): boolean {
    for (let i = 0; i < this.#kinds.length; i++)
      if (this.#kinds[i] === kind && same(this.#inputs[i] as T, input)) return true;
    this.#kinds.push(kind);
    this.#inputs.push(input);
    return false;
  }
}

function sameString(a: string, b: string): boolean {
  return a === b;
}

/**
 * Whether two tool parameter records have the same JSON: they are flat records of strings, finite numbers and
 * booleans (the schema), so that is the same keys in the same order with `===` values.
 */
function sameParameters(a: ToolParameters, b: ToolParameters): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  const other = Object.keys(b);
  if (keys.length !== other.length) return false;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    if (key !== other[k] || a[key] !== b[key]) return false;
  }
  return true;
}
