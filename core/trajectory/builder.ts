import type { Randomizer } from "../random.ts";
import type { TrajectoryConfig } from "./config.ts";
import type { TaskTopic } from "./content/topic.ts";
import { drawId } from "./ids.ts";
import type { EdgeOf, TrajectoryEdge, TrajectoryNode } from "./model.ts";
import {
  type AgentType,
  type DATA_TYPES,
  LLM_MODELS,
  type RelationshipType,
  TOOL_TYPES,
  type ToolType,
} from "./vocabulary.ts";

type LlmModel = (typeof LLM_MODELS)[number];

type DataType = (typeof DATA_TYPES)[number];

const TOOL_INDEX = new Map<ToolType, number>(TOOL_TYPES.map((tool, i) => [tool, i]));

/**
 * Holds the streams and the growing node/edge lists while a trajectory is built. `rng` drives every content choice
 * and `ids` draws node and edge ids (generation passes the same stream for both); `topic` is what the task is about,
 * which every node's text is derived from. Anomaly injection can wrap an existing trajectory's arrays in a builder,
 * with its own streams and the topic read back from its task description (`taskTopic`), to create nodes and edges
 * from the same distributions.
 */
export class TrajectoryBuilder {
  readonly config: TrajectoryConfig;
  readonly topic: TaskTopic;
  readonly rng: Randomizer;
  readonly ids: Randomizer;
  readonly nodes: TrajectoryNode[];
  readonly edges: TrajectoryEdge[];

  constructor(
    config: TrajectoryConfig,
    topic: TaskTopic,
    rng: Randomizer,
    ids: Randomizer,
    nodes: TrajectoryNode[] = [],
    edges: TrajectoryEdge[] = [],
  ) {
    this.config = config;
    this.topic = topic;
    this.rng = rng;
    this.ids = ids;
    this.nodes = nodes;
    this.edges = edges;
  }

  /**
   * The model an agent runs on: one per agent and run, as a deployment configures it (a run mixes models only when
   * its agents do). Derived from the task and the agent, not drawn, so every builder of the run (the anomaly
   * layer's included) gives the same answer.
   */
  modelFor(agent: AgentType): LlmModel {
    let model = this.#models.get(agent);
    if (model === undefined) {
      model = LLM_MODELS[fnv1a(`${this.topic.text}\u0000${agent}`) % LLM_MODELS.length] as LlmModel;
      this.#models.set(agent, model);
    }
    return model;
  }

  readonly #models = new Map<AgentType, LlmModel>();

  add<N extends TrajectoryNode>(node: N): N {
    this.nodes.push(node);
    return node;
  }

  /** Draws the tool after `previous` from the Markov table; with no previous tool, from `initial` uniformly. */
  nextTool(previous: ToolType | null, initial: readonly ToolType[] = TOOL_TYPES): ToolType {
    if (previous === null) return this.rng.pick(initial);
    const row = this.config.transitionRows[TOOL_INDEX.get(previous) as number];
    if (row === undefined || row.targets.length === 0) return this.rng.pick(initial);
    return row.targets[this.rng.weightedIndex(row.weights)] as ToolType;
  }

  /** An `execution_flow` edge: control passes from source to target. */
  link(source: TrajectoryNode, target: TrajectoryNode, relationship: RelationshipType = "sequential"): TrajectoryEdge {
    const rng = this.rng;
    const edge: EdgeOf<"execution_flow"> = {
      edge_id: drawId(this.ids),
      source_node_id: source.node_id,
      target_node_id: target.node_id,
      edge_type: "execution_flow",
      relationship_type: relationship,
      creation_time: "",
      latency: rng.int(100, 2000) / 1000,
      probability: round3(rng.float(0.8, 1)),
      confidence: round3(rng.float(0.85, 0.98)),
      success_rate: 1,
      error_count: 0,
      timeout_count: 0,
      reliability_score: 0,
      is_anomalous: false,
      anomaly_type: null,
      anomaly_role: null,
    };
    this.edges.push(edge);
    return edge;
  }

  /** A `handoff` edge: control and context pass to another agent. */
  handoff(source: TrajectoryNode, target: TrajectoryNode): TrajectoryEdge {
    const rng = this.rng;
    const edge: EdgeOf<"handoff"> = {
      edge_id: drawId(this.ids),
      source_node_id: source.node_id,
      target_node_id: target.node_id,
      edge_type: "handoff",
      relationship_type: "handoff",
      data_size_bytes: rng.int(200, 8000),
      creation_time: "",
      latency: rng.int(500, 5000) / 1000,
      probability: round3(rng.float(0.9, 1)),
      confidence: round3(rng.float(0.8, 0.95)),
      success_rate: 1,
      error_count: 0,
      timeout_count: 0,
      reliability_score: 0,
      is_anomalous: false,
      anomaly_type: null,
      anomaly_role: null,
    };
    this.edges.push(edge);
    return edge;
  }

  /** A `data_dependency` edge: target consumes source's output (source must come earlier). */
  dependency(source: TrajectoryNode, target: TrajectoryNode, dataType: DataType = dataTypeOf(source)): TrajectoryEdge {
    const rng = this.rng;
    const edge: EdgeOf<"data_dependency"> = {
      edge_id: drawId(this.ids),
      source_node_id: source.node_id,
      target_node_id: target.node_id,
      edge_type: "data_dependency",
      relationship_type: "dependency",
      data_type: dataType,
      data_size_bytes: rng.int(100, 10_000),
      creation_time: "",
      latency: rng.int(100, 1000) / 1000,
      probability: round3(rng.float(0.9, 1)),
      confidence: round3(rng.float(0.9, 0.98)),
      success_rate: 1,
      error_count: 0,
      timeout_count: 0,
      reliability_score: 0,
      is_anomalous: false,
      anomaly_type: null,
      anomaly_role: null,
    };
    this.edges.push(edge);
    return edge;
  }
}

/** What kind of data a node produces, for `data_dependency` edges. */
export function dataTypeOf(node: TrajectoryNode): DataType {
  if (node.node_type === "TOOL_CALL") {
    switch (node.tool_type) {
      case "WEB_SEARCH":
      case "DEEP_RESEARCH":
        return "search_results";
      case "READ_DOCUMENT":
      case "PREPARE_DOCUMENT":
        return "document";
      case "ANALYZE_DATA":
        return "analysis";
      case "WRITE_CODE":
        return "code";
      case "MEMORY_STORE_RETRIEVE":
        return "dataset";
      case "EXTERNAL_API":
        return "api_response";
    }
  }
  if (node.node_type === "MEMORY_ACCESS") return "dataset";
  return "analysis";
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** 32-bit FNV-1a of a string's UTF-16 code units: a stable, platform-independent hash. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
