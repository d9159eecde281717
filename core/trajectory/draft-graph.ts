import type { TrajectoryBuilder } from "./builder.ts";
import { type EdgeEndpoints, resolveEndpoints, runsForward } from "./endpoints.ts";
import type { TrajectoryEdge, TrajectoryNode } from "./model.ts";
import type { DATA_TYPES, RelationshipType } from "./vocabulary.ts";

/**
 * Small graph edits on a trajectory being built, shared by the benign-noise step. Node-list order is execution order
 * (a node comes after everything it depends on), so every insertion says where in the list the node goes.
 *
 * The graph keeps every edge's endpoints as node positions, resolved from the ids once and then moved along with each
 * edit, so its queries compare positions and node objects instead of hashing or comparing 36-character ids, and
 * finalize can use the endpoints as the noise left them. Every edit of the structure therefore goes through this
 * class: nodes inserted or removed, edge ends moved, and edges added (it adds them through the builder).
 */
export class DraftGraph {
  readonly nodes: TrajectoryNode[];
  readonly edges: TrajectoryEdge[];
  readonly #builder: TrajectoryBuilder;
  /** Per edge, in `edges` order: the positions of its source and target nodes. */
  readonly #source: number[];
  readonly #target: number[];

  constructor(builder: TrajectoryBuilder) {
    this.#builder = builder;
    this.nodes = builder.nodes;
    this.edges = builder.edges;
    const { source, target } = resolveEndpoints(this.nodes, this.edges);
    this.#source = source;
    this.#target = target;
  }

  /** The endpoints of every edge as the graph is now, for `finalizeTrajectory`. */
  endpoints(): EdgeEndpoints {
    this.#check();
    return { source: this.#source, target: this.#target, forward: runsForward(this.#source, this.#target) };
  }

  /** Control edges (execution_flow and handoff) leaving `node`. */
  controlOut(node: TrajectoryNode): TrajectoryEdge[] {
    return this.#controlAt(this.#source, this.#positionOf(node));
  }

  controlIn(node: TrajectoryNode): TrajectoryEdge[] {
    return this.#controlAt(this.#target, this.#positionOf(node));
  }

  sourceOf(edge: TrajectoryEdge): TrajectoryNode {
    return this.nodes[this.#source[this.#edgeAt(edge)] as number] as TrajectoryNode;
  }

  targetOf(edge: TrajectoryEdge): TrajectoryNode {
    return this.nodes[this.#target[this.#edgeAt(edge)] as number] as TrajectoryNode;
  }

  /**
   * The nodes of `candidates` (default: all, in list order) with exactly one control edge out and that `include`
   * accepts. One pass over the edges counts every node's exits; asking `controlOut` per node walks them all each time.
   */
  singleExits(
    include: (node: TrajectoryNode) => boolean,
    candidates: readonly TrajectoryNode[] = this.nodes,
  ): TrajectoryNode[] {
    const exits = this.#controlCounts(this.#source);
    return candidates.filter((node) => include(node) && exits[this.nodes.indexOf(node)] === 1);
  }

  /** The position of `previous(node)` for every node, by list position (-1 at a start or a join). */
  previousPositions(): number[] {
    const entries = this.#controlCounts(this.#target);
    const from = new Array<number>(this.nodes.length).fill(-1);
    for (let e = 0; e < this.edges.length; e++) {
      const at = this.#target[e] as number;
      if (entries[at] === 1 && this.#isControl(e)) from[at] = this.#source[e] as number;
    }
    return from;
  }

  /** The single control predecessor of `node`, or undefined at a start or a join. */
  previous(node: TrajectoryNode): TrajectoryNode | undefined {
    const edges = this.controlIn(node);
    return edges.length === 1 ? this.sourceOf(edges[0] as TrajectoryEdge) : undefined;
  }

  insertAfter(anchor: TrajectoryNode, node: TrajectoryNode): void {
    this.#insertAt(this.#positionOf(anchor) + 1, node);
  }

  insertBefore(anchor: TrajectoryNode, node: TrajectoryNode): void {
    this.#insertAt(this.#positionOf(anchor), node);
  }

  /** Makes `edges` leave `node` (already in the graph) instead. */
  moveSources(edges: readonly TrajectoryEdge[], node: TrajectoryNode): void {
    const at = this.#positionOf(node);
    for (const edge of edges) {
      edge.source_node_id = node.node_id;
      this.#source[this.#edgeAt(edge)] = at;
    }
  }

  /** Makes `edges` enter `node` (already in the graph) instead. */
  moveTargets(edges: readonly TrajectoryEdge[], node: TrajectoryNode): void {
    const at = this.#positionOf(node);
    for (const edge of edges) {
      edge.target_node_id = node.node_id;
      this.#target[this.#edgeAt(edge)] = at;
    }
  }

  /** The builder's `link`, `handoff` and `dependency`, for nodes already in the graph. */
  link(source: TrajectoryNode, target: TrajectoryNode, relationship?: RelationshipType): TrajectoryEdge {
    return this.#added(this.#builder.link(source, target, relationship), source, target);
  }

  handoff(source: TrajectoryNode, target: TrajectoryNode): TrajectoryEdge {
    return this.#added(this.#builder.handoff(source, target), source, target);
  }

  dependency(source: TrajectoryNode, target: TrajectoryNode, dataType?: (typeof DATA_TYPES)[number]): TrajectoryEdge {
    return this.#added(this.#builder.dependency(source, target, dataType), source, target);
  }

  /** Nodes after `node` in the list that it reaches along control edges. */
  later(node: TrajectoryNode): TrajectoryNode[] {
    const from = this.#positionOf(node);
    const reached = new Array<boolean>(this.nodes.length).fill(false);
    reached[from] = true;
    for (let at = from + 1; at < this.nodes.length; at++) {
      for (let e = 0; e < this.edges.length && !reached[at]; e++) {
        reached[at] = this.#target[e] === at && reached[this.#source[e] as number] === true && this.#isControl(e);
      }
    }
    return this.nodes.filter((_, at) => at > from && reached[at]);
  }

  /** Nodes before `node` in the list that reach it along control edges. */
  earlier(node: TrajectoryNode): TrajectoryNode[] {
    const to = this.#positionOf(node);
    const reaching = new Array<boolean>(this.nodes.length).fill(false);
    reaching[to] = true;
    for (let at = to - 1; at >= 0; at--) {
      for (let e = 0; e < this.edges.length && !reaching[at]; e++) {
        reaching[at] = this.#source[e] === at && reaching[this.#target[e] as number] === true && this.#isControl(e);
      }
    }
    return this.nodes.filter((_, at) => at < to && reaching[at]);
  }

  /** Removes `node` and every edge at it. */
  removeNode(node: TrajectoryNode): void {
    const removed = this.#positionOf(node);
    this.nodes.splice(removed, 1);
    let kept = 0;
    for (let e = 0; e < this.edges.length; e++) {
      const from = this.#source[e] as number;
      const to = this.#target[e] as number;
      if (from === removed || to === removed) continue;
      this.edges[kept] = this.edges[e] as TrajectoryEdge;
      this.#source[kept] = from > removed ? from - 1 : from;
      this.#target[kept] = to > removed ? to - 1 : to;
      kept++;
    }
    this.edges.length = kept;
    this.#source.length = kept;
    this.#target.length = kept;
  }

  #insertAt(at: number, node: TrajectoryNode): void {
    this.#check();
    this.nodes.splice(at, 0, node);
    for (let e = 0; e < this.edges.length; e++) {
      if ((this.#source[e] as number) >= at) this.#source[e] = (this.#source[e] as number) + 1;
      if ((this.#target[e] as number) >= at) this.#target[e] = (this.#target[e] as number) + 1;
    }
  }

  #added(edge: TrajectoryEdge, source: TrajectoryNode, target: TrajectoryNode): TrajectoryEdge {
    this.#source.push(this.#positionOf(source));
    this.#target.push(this.#positionOf(target));
    this.#check();
    return edge;
  }

  /** The control edges whose end in `ends` (the sources or the targets) is position `at`, in edge order. */
  #controlAt(ends: readonly number[], at: number): TrajectoryEdge[] {
    this.#check();
    const result: TrajectoryEdge[] = [];
    for (let e = 0; e < ends.length; e++)
      if (ends[e] === at && this.#isControl(e)) result.push(this.edges[e] as TrajectoryEdge);
    return result;
  }

  /** How many control edges have each node as their end in `ends` (the sources or the targets). */
  #controlCounts(ends: readonly number[]): number[] {
    this.#check();
    const counts = new Array<number>(this.nodes.length).fill(0);
    for (let e = 0; e < ends.length; e++) {
      const at = ends[e] as number;
      if (this.#isControl(e)) counts[at] = (counts[at] as number) + 1;
    }
    return counts;
  }

  #isControl(e: number): boolean {
    return (this.edges[e] as TrajectoryEdge).edge_type !== "data_dependency";
  }

  #positionOf(node: TrajectoryNode): number {
    const at = this.nodes.indexOf(node);
    if (at === -1) throw new RangeError(`node ${node.node_id} is not in the graph`);
    return at;
  }

  #edgeAt(edge: TrajectoryEdge): number {
    const at = this.edges.indexOf(edge);
    if (at === -1) throw new RangeError(`edge ${edge.edge_id} is not in the graph`);
    return at;
  }

  /** Edges added or removed behind the graph's back would leave the endpoints stale. */
  #check(): void {
    if (this.#source.length !== this.edges.length) throw new Error("DraftGraph: the edges changed outside the graph");
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
