import { NodePositions } from "./endpoints.ts";
import type { TrajectoryEdge, TrajectoryNode } from "./model.ts";

/**
 * Small graph edits on a trajectory being built, shared by the benign-noise step. Node-list order is execution order
 * (a node comes after everything it depends on), so every insertion says where in the list the node goes.
 */
export class DraftGraph {
  readonly nodes: TrajectoryNode[];
  readonly edges: TrajectoryEdge[];

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

  /**
   * The nodes of `candidates` (default: all, in list order) with exactly one control edge out and that `include`
   * accepts. One pass over the edges counts every node's exits; asking `controlOut` per node walks them all each time.
   */
  singleExits(
    include: (node: TrajectoryNode) => boolean,
    candidates: readonly TrajectoryNode[] = this.nodes,
  ): TrajectoryNode[] {
    const positions = new NodePositions(this.nodes);
    const exits = new Array<number>(this.nodes.length).fill(0);
    for (const edge of this.edges) {
      const at = edge.edge_type === "data_dependency" ? undefined : positions.get(edge.source_node_id);
      if (at !== undefined) exits[at] = (exits[at] as number) + 1;
    }
    return candidates.filter((node) => include(node) && exits[positions.get(node.node_id) as number] === 1);
  }

  /**
   * The position of `previous(node)` for every node, by list position (-1 at a start or a join), from one pass over
   * the edges: asking `previous` node by node walks every edge each time.
   */
  previousPositions(): number[] {
    const positions = new NodePositions(this.nodes);
    const entries = new Array<number>(this.nodes.length).fill(0);
    const from = new Array<number>(this.nodes.length).fill(-1);
    for (const edge of this.edges) {
      const at = edge.edge_type === "data_dependency" ? undefined : positions.get(edge.target_node_id);
      if (at === undefined) continue;
      entries[at] = (entries[at] as number) + 1;
      from[at] = positions.get(edge.source_node_id) ?? -1;
    }
    return from.map((source, at) => (entries[at] === 1 ? source : -1));
  }

  byId(id: string): TrajectoryNode | undefined {
    return this.nodes.find((node) => node.node_id === id);
  }

  /** The single control predecessor of `node`, or undefined at a start or a join. */
  previous(node: TrajectoryNode): TrajectoryNode | undefined {
    const edges = this.controlIn(node);
    return edges.length === 1 ? this.byId((edges[0] as TrajectoryEdge).source_node_id) : undefined;
  }

  insertAfter(anchor: TrajectoryNode, node: TrajectoryNode): void {
    this.nodes.splice(this.nodes.indexOf(anchor) + 1, 0, node);
  }

  insertBefore(anchor: TrajectoryNode, node: TrajectoryNode): void {
    this.nodes.splice(this.nodes.indexOf(anchor), 0, node);
  }

  /** Nodes after `node` in the list that it reaches along control edges. */
  later(node: TrajectoryNode): TrajectoryNode[] {
    const reached = new Set<string>([node.node_id]);
    const result: TrajectoryNode[] = [];
    for (const candidate of this.nodes.slice(this.nodes.indexOf(node) + 1)) {
      if (this.controlIn(candidate).some((edge) => reached.has(edge.source_node_id))) {
        reached.add(candidate.node_id);
        result.push(candidate);
      }
    }
    return result;
  }

  /** Nodes before `node` in the list that reach it along control edges. */
  earlier(node: TrajectoryNode): TrajectoryNode[] {
    const reaching = new Set<string>([node.node_id]);
    const result: TrajectoryNode[] = [];
    for (const candidate of this.nodes.slice(0, this.nodes.indexOf(node)).reverse()) {
      if (this.controlOut(candidate).some((edge) => reaching.has(edge.target_node_id))) {
        reaching.add(candidate.node_id);
        result.unshift(candidate);
      }
    }
    return result;
  }

  removeNode(node: TrajectoryNode): void {
    this.nodes.splice(this.nodes.indexOf(node), 1);
    keep(this.edges, (edge) => edge.source_node_id !== node.node_id && edge.target_node_id !== node.node_id);
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
