import type { Randomizer } from "../random.ts";
import type { AnomalyInjectionConfig, EffectRange } from "../trajectory/anomaly-config.ts";
import { effectCount, effectValue } from "../trajectory/anomaly-decision.ts";
import { TrajectoryBuilder } from "../trajectory/builder.ts";
import type { TrajectoryConfig } from "../trajectory/config.ts";
import { type TaskTopic, taskTopic } from "../trajectory/content/topic.ts";
import type {
  AnomalyLabel,
  AnomalyMetadata,
  AnomalyRole,
  Trajectory,
  TrajectoryEdge,
  TrajectoryNode,
} from "../trajectory/model.ts";
import { applyEdgeVariance, applyNodeVariance } from "../trajectory/variance.ts";
import { type AnomalyType, NODE_TYPES, type RelationshipType, type SeverityLevel } from "../trajectory/vocabulary.ts";

interface Adjacency {
  byId: Map<string, TrajectoryNode>;
  out: Map<string, TrajectoryEdge[]>;
  incoming: Map<string, TrajectoryEdge[]>;
}

/** Node types that are the agent's working steps (not the enquiry that starts a run or the action that ends it). */
export const STEP_TYPES: ReadonlySet<TrajectoryNode["node_type"]> = new Set(
  NODE_TYPES.filter((type) => type !== "USER_ENQUIRY" && type !== "ACTION"),
);

/**
 * Which anomaly of a trajectory labelled each node and edge first, shared by the contexts of one trajectory (it has
 * several when `max_per_trajectory` > 1). A node or edge keeps the labels (`anomaly_type`, `anomaly_role`,
 * `anomaly_metadata`) of the first anomaly that marked it; a later anomaly that marks it too lists it in its own
 * `metadata.anomalies` entry without relabelling it.
 */
export class LabelLedger {
  readonly nodes = new Map<string, InjectionContext>();
  readonly edges = new Map<string, InjectionContext>();
  /** Every context of the trajectory, in creation order. */
  readonly contexts: InjectionContext[] = [];
}

/**
 * What one injector works with: the finalized trajectory, a builder over its arrays (so new nodes and edges come from
 * the generator's own factories and distributions), the injection stream, and the labelling helpers. Every node or
 * edge an injector creates or changes goes through `markNode`/`markEdge`, which is what makes the labels exact.
 */
export class InjectionContext {
  readonly trajectory: Trajectory;
  readonly builder: TrajectoryBuilder;
  readonly rng: Randomizer;
  readonly type: AnomalyType;
  readonly severity: SeverityLevel;
  readonly config: AnomalyInjectionConfig;
  /** The plan's node-adding effect counts (see `planAnomaly`). */
  readonly counts: Readonly<Record<string, number>>;
  /** Edges created here, placed in creation order by `placeNewEdges`. */
  readonly #newEdges = new Set<TrajectoryEdge>();
  readonly #labelledNodes = new Set<TrajectoryNode>();
  readonly #labelledEdges = new Set<TrajectoryEdge>();
  #root: TrajectoryNode | null = null;
  #quiet = 0;
  readonly #ledger: LabelLedger;
  /** Lookup tables over the current graph; dropped by every structural change (see `invalidate`). */
  #adjacency: Adjacency | null = null;

  constructor(options: {
    trajectory: Trajectory;
    trajectoryConfig: TrajectoryConfig;
    ids: Randomizer;
    /** The task's topic; read from the trajectory's task description when absent. */
    topic?: TaskTopic;
    rng: Randomizer;
    type: AnomalyType;
    severity: SeverityLevel;
    counts: Readonly<Record<string, number>>;
    config: AnomalyInjectionConfig;
    /** Shared by the anomalies of one trajectory; a context of its own when absent. */
    ledger?: LabelLedger;
  }) {
    this.#ledger = options.ledger ?? new LabelLedger();
    this.#ledger.contexts.push(this);
    this.trajectory = options.trajectory;
    this.rng = options.rng;
    this.type = options.type;
    this.severity = options.severity;
    this.config = options.config;
    this.counts = options.counts;
    this.builder = new TrajectoryBuilder(
      options.trajectoryConfig,
      options.topic ?? taskTopic(options.trajectory.task_description),
      options.rng,
      options.ids,
      options.trajectory.nodes,
      options.trajectory.edges,
    );
  }

  /** An integer effect (a count) for this anomaly's severity. */
  count(range: EffectRange): number {
    return effectCount(range, this.severity, this.rng);
  }

  /** A node-adding effect count the plan drew before the trajectory was built (its size left room for it). */
  planned(name: string): number {
    const value = this.counts[name];
    if (value === undefined) throw new RangeError(`the ${this.type} plan has no count ${name}`);
    return value;
  }

  /** A real-valued effect for this anomaly's severity. */
  value(range: EffectRange): number {
    return effectValue(range, this.severity, this.rng);
  }

  /**
   * Labels `node` as part of this anomaly: the root cause (the single decisive step; the first one marked wins) or a
   * symptom. Legitimate work the anomaly builds on is never marked; inside `unlabelled` marking does nothing. A node
   * an earlier anomaly of the trajectory labelled keeps its labels (see `LabelLedger`) and joins this anomaly's entry.
   */
  markNode(node: TrajectoryNode, metadata: AnomalyMetadata, role: AnomalyRole = "symptom"): void {
    if (this.#quiet > 0) return;
    const owner = this.#ledger.nodes.get(node.node_id);
    if (owner !== undefined && owner !== this) {
      if (role === "root_cause" && this.#root === null) this.#root = node;
      this.#labelledNodes.add(node);
      return;
    }
    this.#ledger.nodes.set(node.node_id, this);
    node.is_anomalous = true;
    node.anomaly_type = this.type;
    if (role === "root_cause" && this.#root === null) this.#root = node;
    node.anomaly_role = node === this.#root ? "root_cause" : "symptom";
    node.anomaly_metadata = { severity: this.severity, ...(node.anomaly_metadata ?? {}), ...metadata };
    this.#labelledNodes.add(node);
  }

  markEdge(edge: TrajectoryEdge, metadata: AnomalyMetadata): void {
    if (this.#quiet > 0) return;
    const owner = this.#ledger.edges.get(edge.edge_id);
    if (owner !== undefined && owner !== this) {
      this.#labelledEdges.add(edge);
      return;
    }
    this.#ledger.edges.set(edge.edge_id, this);
    edge.is_anomalous = true;
    edge.anomaly_type = this.type;
    edge.anomaly_role = "symptom";
    edge.anomaly_metadata = { severity: this.severity, ...(edge.anomaly_metadata ?? {}), ...metadata };
    this.#labelledEdges.add(edge);
  }

  /** Whether an earlier anomaly of the trajectory labelled `node` (see `LabelLedger`). */
  isClaimed(node: TrajectoryNode): boolean {
    const owner = this.#ledger.nodes.get(node.node_id);
    return owner !== undefined && owner !== this;
  }

  /** Runs `change` without labelling what it touches: setup the anomaly needs that is not itself wrong. */
  unlabelled<T>(change: () => T): T {
    this.#quiet++;
    try {
      return change();
    } finally {
      this.#quiet--;
    }
  }

  /**
   * The `metadata.anomalies` entry of this anomaly, from what was marked and is still in the trajectory. Without an
   * explicit root cause, the first marked node in execution order is it. Roles are set on the nodes this anomaly
   * labelled first; a node an earlier anomaly labelled keeps its role (see `LabelLedger`).
   */
  label(): AnomalyLabel {
    const nodes = this.trajectory.nodes.filter((node) => this.#labelledNodes.has(node));
    const edges = this.trajectory.edges.filter((edge) => this.#labelledEdges.has(edge));
    let root = this.#root !== null && nodes.includes(this.#root) ? this.#root : nodes[0];
    if (root === undefined) throw new RangeError(`the ${this.type} injection labelled no node`);
    for (const node of nodes)
      if (this.#ledger.nodes.get(node.node_id) === this) node.anomaly_role = node === root ? "root_cause" : "symptom";
    root = root as TrajectoryNode;
    return {
      anomaly_type: this.type,
      severity: this.severity,
      root_cause_node_id: root.node_id,
      responsible_agent: root.agent_type,
      node_ids: nodes.map((node) => node.node_id),
      edge_ids: edges.map((edge) => edge.edge_id),
    };
  }

  /** Whether a node this anomaly marked is still in the trajectory (a later cut can remove all of them). */
  hasLabelledNodes(): boolean {
    return this.trajectory.nodes.some((node) => this.#labelledNodes.has(node));
  }

  /**
   * Removes this anomaly from the trajectory's labels, for one whose every node a later anomaly cut away: the edges
   * it labelled first that are still there are labelled as in a normal run, and leave every entry.
   */
  withdraw(): void {
    for (const edge of this.trajectory.edges) {
      if (!this.#labelledEdges.has(edge) || this.#ledger.edges.get(edge.edge_id) !== this) continue;
      edge.is_anomalous = false;
      edge.anomaly_type = null;
      edge.anomaly_role = null;
      delete edge.anomaly_metadata;
      this.#ledger.edges.delete(edge.edge_id);
      for (const other of this.#ledger.contexts) other.#labelledEdges.delete(edge);
    }
    this.#labelledNodes.clear();
    this.#labelledEdges.clear();
  }

  /** A factory-made node gets the same variance step as every generated node. */
  fresh<N extends TrajectoryNode>(node: N): N {
    applyNodeVariance(node, this.rng);
    return node;
  }

  /** A new execution_flow edge from the generator's distributions, with variance, labelled. */
  link(
    source: TrajectoryNode,
    target: TrajectoryNode,
    relationship: RelationshipType,
    metadata: AnomalyMetadata,
  ): TrajectoryEdge {
    return this.#adopt(this.builder.link(source, target, relationship), metadata);
  }

  handoffEdge(source: TrajectoryNode, target: TrajectoryNode, metadata: AnomalyMetadata): TrajectoryEdge {
    return this.#adopt(this.builder.handoff(source, target), metadata);
  }

  dependency(source: TrajectoryNode, target: TrajectoryNode, metadata: AnomalyMetadata): TrajectoryEdge {
    return this.#adopt(this.builder.dependency(source, target), metadata);
  }

  #adopt(edge: TrajectoryEdge, metadata: AnomalyMetadata): TrajectoryEdge {
    this.invalidate();
    applyEdgeVariance(edge, this.rng);
    this.markEdge(edge, metadata);
    this.#newEdges.add(edge);
    return edge;
  }

  /** Places `node` in the node list right after `anchor` (list order follows execution order). */
  insertAfter(anchor: TrajectoryNode, node: TrajectoryNode): void {
    const nodes = this.trajectory.nodes;
    const position = nodes.indexOf(anchor);
    nodes.splice(position < 0 ? nodes.length : position + 1, 0, node);
    this.invalidate();
  }

  /**
   * Puts `node` where `old` was (same list position); edges follow the node id. When an earlier anomaly of the
   * trajectory labelled `old`, the new node carries its labels and takes its place in that anomaly's entry.
   */
  replaceNode(old: TrajectoryNode, node: TrajectoryNode): void {
    this.trajectory.nodes[this.trajectory.nodes.indexOf(old)] = node;
    const owner = this.#ledger.nodes.get(old.node_id);
    if (owner !== undefined && owner !== this) {
      node.is_anomalous = old.is_anomalous;
      node.anomaly_type = old.anomaly_type;
      node.anomaly_role = old.anomaly_role;
      if (old.anomaly_metadata === undefined) delete node.anomaly_metadata;
      else node.anomaly_metadata = { ...old.anomaly_metadata };
      for (const context of this.#ledger.contexts) {
        if (!context.#labelledNodes.delete(old)) continue;
        context.#labelledNodes.add(node);
        if (context.#root === old) context.#root = node;
      }
    }
    this.invalidate();
  }

  /** Call after changing nodes or edges other than through this context. */
  invalidate(): void {
    this.#adjacency = null;
  }

  #graph(): Adjacency {
    if (this.#adjacency !== null) return this.#adjacency;
    const byId = new Map<string, TrajectoryNode>();
    const out = new Map<string, TrajectoryEdge[]>();
    const incoming = new Map<string, TrajectoryEdge[]>();
    for (const node of this.trajectory.nodes) {
      byId.set(node.node_id, node);
      out.set(node.node_id, []);
      incoming.set(node.node_id, []);
    }
    for (const edge of this.trajectory.edges) {
      out.get(edge.source_node_id)?.push(edge);
      incoming.get(edge.target_node_id)?.push(edge);
    }
    this.#adjacency = { byId, out, incoming };
    return this.#adjacency;
  }

  /** Re-points an edge's source (the edge changes, so it is labelled). */
  moveSource(edge: TrajectoryEdge, source: TrajectoryNode, metadata: AnomalyMetadata): void {
    edge.source_node_id = source.node_id;
    this.invalidate();
    this.markEdge(edge, metadata);
  }

  /** Re-points an edge's target (the edge changes, so it is labelled). */
  moveTarget(edge: TrajectoryEdge, target: TrajectoryNode, metadata: AnomalyMetadata): void {
    edge.target_node_id = target.node_id;
    this.invalidate();
    this.markEdge(edge, metadata);
  }

  node(id: string): TrajectoryNode {
    const found = this.#graph().byId.get(id);
    if (found === undefined) throw new RangeError(`no node ${id}`);
    return found;
  }

  /** Edges leaving `node`, in edge-list order (a copy: safe to change the graph while iterating). */
  outEdges(node: TrajectoryNode): TrajectoryEdge[] {
    return [...(this.#graph().out.get(node.node_id) ?? [])];
  }

  inEdges(node: TrajectoryNode): TrajectoryEdge[] {
    return [...(this.#graph().incoming.get(node.node_id) ?? [])];
  }

  /** Control-flow successors (execution_flow and handoff edges, not data_dependency). */
  controlSuccessors(node: TrajectoryNode): TrajectoryNode[] {
    return this.outEdges(node)
      .filter((edge) => edge.edge_type !== "data_dependency")
      .map((edge) => this.node(edge.target_node_id));
  }

  controlPredecessors(node: TrajectoryNode): TrajectoryNode[] {
    return this.inEdges(node)
      .filter((edge) => edge.edge_type !== "data_dependency")
      .map((edge) => this.node(edge.source_node_id));
  }

  /**
   * Nodes reachable from `start` along any edge, in execution order, without `start` itself. Node-list order is
   * execution order: patterns add a node after everything it depends on, and injection inserts a node right after
   * its predecessor.
   */
  descendants(start: TrajectoryNode): TrajectoryNode[] {
    const { out } = this.#graph();
    const reached = new Set<string>();
    const stack = [start.node_id];
    while (stack.length > 0) {
      for (const edge of out.get(stack.pop() as string) ?? []) {
        if (reached.has(edge.target_node_id)) continue;
        reached.add(edge.target_node_id);
        stack.push(edge.target_node_id);
      }
    }
    return this.trajectory.nodes.filter((node) => node !== start && reached.has(node.node_id));
  }

  /** Working steps (see STEP_TYPES) matching `filter`, in node-list order. */
  steps(filter: (node: TrajectoryNode) => boolean = () => true): TrajectoryNode[] {
    return this.trajectory.nodes.filter((node) => STEP_TYPES.has(node.node_type) && filter(node));
  }

  /**
   * Moves the edges created here to where the generator would have created them: just after the last edge whose
   * later endpoint comes no later in the node list. Edge order then carries no trace of the injection.
   */
  placeNewEdges(): void {
    if (this.#newEdges.size === 0) return;
    const position = new Map<string, number>();
    for (const [i, node] of this.trajectory.nodes.entries()) position.set(node.node_id, i);
    const key = (edge: TrajectoryEdge) =>
      Math.max(position.get(edge.source_node_id) ?? 0, position.get(edge.target_node_id) ?? 0);
    const kept = this.trajectory.edges.filter((edge) => !this.#newEdges.has(edge));
    const keys = kept.map(key);
    for (const edge of this.#newEdges) {
      if (!position.has(edge.source_node_id) || !position.has(edge.target_node_id)) continue;
      const edgeKey = key(edge);
      let at = kept.length;
      while (at > 0 && (keys[at - 1] as number) > edgeKey) at--;
      kept.splice(at, 0, edge);
      keys.splice(at, 0, edgeKey);
    }
    this.trajectory.edges.length = 0;
    this.trajectory.edges.push(...kept);
    this.invalidate();
  }
}
