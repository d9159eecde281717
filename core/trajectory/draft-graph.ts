import { NodePositions } from "./endpoints.ts";
import type { TrajectoryEdge, TrajectoryNode } from "./model.ts";

/**
 * The control edges (execution_flow and handoff) of a graph with their endpoints as node positions (-1 for an id
 * that names no node), and every node's number of control exits and entries.
 */
interface ControlEdges {
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly positions: NodePositions;
  readonly source: readonly number[];
  readonly target: readonly number[];
  readonly exits: readonly number[];
  readonly entries: readonly number[];
}

/**
 * Small graph edits on a trajectory being built, shared by the benign-noise step. Node-list order is execution order
 * (a node comes after everything it depends on), so every insertion says where in the list the node goes.
 *
 * The queries that look at the whole graph (single exits, reachability, predecessors, lookups by id) share one
 * resolution of the control edges to node positions, made when first needed and kept until the graph changes: a
 * benign event asks several of them before it edits anything. The graph changes through this class (insertions,
 * removals, moved edge ends) or by edges pushed onto `edges` (the builder's `link`), which the edge count shows.
 */
export class DraftGraph {
  readonly nodes: TrajectoryNode[];
  readonly edges: TrajectoryEdge[];
  #control: ControlEdges | undefined;

  constructor(nodes: TrajectoryNode[], edges: TrajectoryEdge[]) {
    this.nodes = nodes;
    this.edges = edges;
  }

  /** Control edges (execution_flow and handoff) leaving `node`. */
  controlOut(node: TrajectoryNode): TrajectoryEdge[] {
    return this.edges.filter((edge) => edge.source_node_id === node.node_id && edge.edge_type !== "data_dependency");
  }

  controlIn(node: TrajectoryNode): TrajectoryEdge[] {
    return this.edges.filter((edge) => edge.target_node_id === node.node_id && edge.edge_type !== "data_dependency");
  }

  /** Whether a control edge enters `node`. */
  entered(node: TrajectoryNode): boolean {
    const control = this.#controlEdges();
    return (control.entries[control.positions.get(node.node_id) as number] as number) > 0;
  }

  /**
   * The nodes of `candidates` (default: all, in list order) with exactly one control edge out and that `include`
   * accepts.
   */
  singleExits(
    include: (node: TrajectoryNode) => boolean,
    candidates: readonly TrajectoryNode[] = this.nodes,
  ): TrajectoryNode[] {
    const { positions, exits } = this.#controlEdges();
    return candidates.filter((node) => include(node) && exits[positions.get(node.node_id) as number] === 1);
  }

  /** The position of `previous(node)` for every node, by list position (-1 at a start or a join). */
  previousPositions(): number[] {
    const { source, target, entries } = this.#controlEdges();
    const from = new Array<number>(this.nodes.length).fill(-1);
    for (let e = 0; e < target.length; e++) {
      const at = target[e] as number;
      if (at !== -1 && entries[at] === 1) from[at] = source[e] as number;
    }
    return from;
  }

  /** The node with id `id`: from the resolved positions when they are current, else by a scan (cheaper than them). */
  byId(id: string): TrajectoryNode | undefined {
    const control = this.#current();
    if (control === undefined) return this.nodes.find((node) => node.node_id === id);
    const at = control.positions.get(id);
    return at === undefined ? undefined : this.nodes[at];
  }

  /** The single control predecessor of `node`, or undefined at a start or a join. */
  previous(node: TrajectoryNode): TrajectoryNode | undefined {
    const edges = this.controlIn(node);
    return edges.length === 1 ? this.byId((edges[0] as TrajectoryEdge).source_node_id) : undefined;
  }

  insertAfter(anchor: TrajectoryNode, node: TrajectoryNode): void {
    this.nodes.splice(this.nodes.indexOf(anchor) + 1, 0, node);
    this.#control = undefined;
  }

  insertBefore(anchor: TrajectoryNode, node: TrajectoryNode): void {
    this.nodes.splice(this.nodes.indexOf(anchor), 0, node);
    this.#control = undefined;
  }

  /** Makes `edges` (control edges leaving some node) leave `node` instead. */
  moveSources(edges: readonly TrajectoryEdge[], node: TrajectoryNode): void {
    for (const edge of edges) edge.source_node_id = node.node_id;
    this.#control = undefined;
  }

  /** Makes `edges` (control edges entering some node) enter `node` instead. */
  moveTargets(edges: readonly TrajectoryEdge[], node: TrajectoryNode): void {
    for (const edge of edges) edge.target_node_id = node.node_id;
    this.#control = undefined;
  }

  /** Nodes after `node` in the list that it reaches along control edges. */
  later(node: TrajectoryNode): TrajectoryNode[] {
    const { source, target } = this.#controlEdges();
    const from = this.nodes.indexOf(node);
    const reached = new Array<boolean>(this.nodes.length).fill(false);
    reached[from] = true;
    for (let at = from + 1; at < this.nodes.length; at++) {
      for (let e = 0; e < target.length && !reached[at]; e++) {
        const before = source[e] as number;
        reached[at] = target[e] === at && before !== -1 && (reached[before] as boolean);
      }
    }
    return this.nodes.filter((_, at) => at > from && reached[at]);
  }

  /** Nodes before `node` in the list that reach it along control edges. */
  earlier(node: TrajectoryNode): TrajectoryNode[] {
    const { source, target } = this.#controlEdges();
    const to = this.nodes.indexOf(node);
    const reaching = new Array<boolean>(this.nodes.length).fill(false);
    reaching[to] = true;
    for (let at = to - 1; at >= 0; at--) {
      for (let e = 0; e < source.length && !reaching[at]; e++) {
        const after = target[e] as number;
        reaching[at] = source[e] === at && after !== -1 && (reaching[after] as boolean);
      }
    }
    return this.nodes.filter((_, at) => at < to && reaching[at]);
  }

  removeNode(node: TrajectoryNode): void {
    this.nodes.splice(this.nodes.indexOf(node), 1);
    keep(this.edges, (edge) => edge.source_node_id !== node.node_id && edge.target_node_id !== node.node_id);
    this.#control = undefined;
  }

  /** The resolved control edges if the graph has not changed since they were resolved. */
  #current(): ControlEdges | undefined {
    const control = this.#control;
    return control !== undefined && control.nodeCount === this.nodes.length && control.edgeCount === this.edges.length
      ? control
      : undefined;
  }

  #controlEdges(): ControlEdges {
    const current = this.#current();
    if (current !== undefined) return current;
    const positions = new NodePositions(this.nodes);
    const source: number[] = [];
    const target: number[] = [];
    const exits = new Array<number>(this.nodes.length).fill(0);
    const entries = new Array<number>(this.nodes.length).fill(0);
    for (const edge of this.edges) {
      if (edge.edge_type === "data_dependency") continue;
      const from = positions.get(edge.source_node_id) ?? -1;
      const to = positions.get(edge.target_node_id) ?? -1;
      source.push(from);
      target.push(to);
      if (from !== -1) exits[from] = (exits[from] as number) + 1;
      if (to !== -1) entries[to] = (entries[to] as number) + 1;
    }
    this.#control = {
      nodeCount: this.nodes.length,
      edgeCount: this.edges.length,
      positions,
      source,
      target,
      exits,
      entries,
    };
    return this.#control;
  }
}

/** Filters an array in place (the builder holds references to the trajectory's arrays). */
export function keep<T>(items: T[], predicate: (item: T) => boolean): void {
  let at = 0;
  for (const item of items) if (predicate(item)) items[at++] = item;
  items.length = at;
}

/**
 * A deep copy of a node: its nested values (parameters, results, contexts, criteria) are one level of scalars. The
 * spread copies the node in one step, keeping its shape and key order; only the nested values are copied after it.
 */
export function cloneNode<N extends TrajectoryNode>(node: N): N {
  const copy: Record<string, unknown> = { ...node };
  for (const key in copy) {
    const value = copy[key];
    if (value !== null && typeof value === "object") copy[key] = Array.isArray(value) ? [...value] : { ...value };
  }
  return copy as N;
}
