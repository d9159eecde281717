import type { Trajectory, TrajectoryEdge, TrajectoryNode } from "./model.ts";

/**
 * Graph helpers over a trajectory's node and edge arrays. They mutate in place and leave times, scores and
 * metadata stale: call `finalizeTrajectory` after the last change. Anomaly injection builds on these.
 */
export interface GraphIndex {
  /** node_id → position in `trajectory.nodes`. */
  readonly indexById: Map<string, number>;
  /** Per node position: positions in `trajectory.edges` of its outgoing / incoming edges, in edge order. */
  readonly outgoing: number[][];
  readonly incoming: number[][];
}

/** Builds adjacency by position. Throws if an edge names a node that does not exist. */
export function indexGraph(trajectory: Trajectory): GraphIndex {
  const { nodes, edges } = trajectory;
  const indexById = new Map<string, number>();
  const outgoing: number[][] = new Array(nodes.length);
  const incoming: number[][] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    indexById.set((nodes[i] as TrajectoryNode).node_id, i);
    outgoing[i] = [];
    incoming[i] = [];
  }
  for (let e = 0; e < edges.length; e++) {
    const edge = edges[e] as TrajectoryEdge;
    const source = indexById.get(edge.source_node_id);
    const target = indexById.get(edge.target_node_id);
    if (source === undefined || target === undefined) {
      throw new RangeError(
        `edge ${edge.edge_id} points at a missing node (${edge.source_node_id} -> ${edge.target_node_id})`,
      );
    }
    (outgoing[source] as number[]).push(e);
    (incoming[target] as number[]).push(e);
  }
  return { indexById, outgoing, incoming };
}

export interface TopologicalOrder {
  /** Node positions, every node exactly once; sources before targets for every edge not in `backEdges`. */
  readonly order: number[];
  /** Edge positions that close a cycle (empty for an acyclic graph). */
  readonly backEdges: number[];
}

/**
 * Kahn's algorithm with ties broken by node position, so the order is deterministic. On a cycle it releases the
 * lowest-positioned waiting node and reports its still-unresolved incoming edges as back edges; this keeps
 * timing well defined for anomalies that add loops.
 */
export function topologicalOrder(trajectory: Trajectory, index: GraphIndex = indexGraph(trajectory)): TopologicalOrder {
  const { nodes, edges } = trajectory;
  const count = nodes.length;
  const pending = new Int32Array(count);
  for (let i = 0; i < count; i++) pending[i] = (index.incoming[i] as number[]).length;
  const done = new Uint8Array(count);
  const order: number[] = [];
  const backEdges: number[] = [];
  // A sorted ready list; graphs are small, so insertion into a plain array beats a heap.
  const ready: number[] = [];
  for (let i = 0; i < count; i++) if (pending[i] === 0) ready.push(i);
  while (order.length < count) {
    let next: number;
    if (ready.length > 0) {
      next = ready.shift() as number;
    } else {
      next = 0;
      while (done[next] === 1) next++;
      for (const e of index.incoming[next] as number[]) {
        const source = index.indexById.get((edges[e] as TrajectoryEdge).source_node_id) as number;
        if (done[source] === 0) backEdges.push(e);
      }
      pending[next] = 0;
    }
    if (done[next] === 1) continue;
    done[next] = 1;
    order.push(next);
    for (const e of index.outgoing[next] as number[]) {
      const target = index.indexById.get((edges[e] as TrajectoryEdge).target_node_id) as number;
      if (done[target] === 1) continue;
      pending[target] = (pending[target] as number) - 1;
      if (pending[target] === 0) insertSorted(ready, target);
    }
  }
  backEdges.sort((a, b) => a - b);
  return { order, backEdges };
}

function insertSorted(list: number[], value: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] as number) > value) i--;
  list.splice(i, 0, value);
}

export function isAcyclic(trajectory: Trajectory): boolean {
  return topologicalOrder(trajectory).backEdges.length === 0;
}

/** Ids of the nodes reachable from `startId` along edges (including the start). */
export function reachableFrom(
  trajectory: Trajectory,
  startId: string,
  index: GraphIndex = indexGraph(trajectory),
): Set<string> {
  const seen = new Set<string>();
  const start = index.indexById.get(startId);
  if (start === undefined) return seen;
  const stack = [start];
  seen.add(startId);
  while (stack.length > 0) {
    const current = stack.pop() as number;
    for (const e of index.outgoing[current] as number[]) {
      const targetId = (trajectory.edges[e] as TrajectoryEdge).target_node_id;
      if (!seen.has(targetId)) {
        seen.add(targetId);
        stack.push(index.indexById.get(targetId) as number);
      }
    }
  }
  return seen;
}

/** The USER_ENQUIRY start node, or undefined when there is none. */
export function findStartNode(trajectory: Trajectory): TrajectoryNode | undefined {
  return trajectory.nodes.find((node) => node.node_type === "USER_ENQUIRY");
}

export function findNode(trajectory: Trajectory, nodeId: string): TrajectoryNode | undefined {
  return trajectory.nodes.find((node) => node.node_id === nodeId);
}

export function edgesFrom(trajectory: Trajectory, nodeId: string): TrajectoryEdge[] {
  return trajectory.edges.filter((edge) => edge.source_node_id === nodeId);
}

export function edgesTo(trajectory: Trajectory, nodeId: string): TrajectoryEdge[] {
  return trajectory.edges.filter((edge) => edge.target_node_id === nodeId);
}

/** Appends an edge after checking both endpoints exist. */
export function addEdge(trajectory: Trajectory, edge: TrajectoryEdge): TrajectoryEdge {
  const ids = new Set(trajectory.nodes.map((node) => node.node_id));
  if (!ids.has(edge.source_node_id) || !ids.has(edge.target_node_id)) {
    throw new RangeError(
      `addEdge: ${edge.source_node_id} -> ${edge.target_node_id} names a node not in the trajectory`,
    );
  }
  trajectory.edges.push(edge);
  return edge;
}

/** Removes an edge by id; returns it, or undefined when absent. */
export function removeEdge(trajectory: Trajectory, edgeId: string): TrajectoryEdge | undefined {
  const position = trajectory.edges.findIndex((edge) => edge.edge_id === edgeId);
  if (position < 0) return undefined;
  return trajectory.edges.splice(position, 1)[0];
}

/**
 * Splits `source -> target` around a new node: the existing edge is retargeted to `node` (keeping its id and
 * attributes) and `outEdge` (which must run `node -> target`) is added. The node is placed in the node list just
 * before the old target, so list order stays close to execution order.
 */
export function insertNodeOnEdge(
  trajectory: Trajectory,
  edgeId: string,
  node: TrajectoryNode,
  outEdge: TrajectoryEdge,
): void {
  const edge = trajectory.edges.find((candidate) => candidate.edge_id === edgeId);
  if (edge === undefined) throw new RangeError(`insertNodeOnEdge: no edge ${edgeId}`);
  if (outEdge.source_node_id !== node.node_id || outEdge.target_node_id !== edge.target_node_id) {
    throw new RangeError("insertNodeOnEdge: outEdge must run from the new node to the split edge's target");
  }
  const targetPosition = trajectory.nodes.findIndex((candidate) => candidate.node_id === edge.target_node_id);
  trajectory.nodes.splice(targetPosition < 0 ? trajectory.nodes.length : targetPosition, 0, node);
  edge.target_node_id = node.node_id;
  trajectory.edges.push(outEdge);
}

/** Removes a node and every edge touching it, in place (a builder holding the arrays stays valid). */
export function removeNode(trajectory: Trajectory, nodeId: string): TrajectoryNode | undefined {
  const position = trajectory.nodes.findIndex((node) => node.node_id === nodeId);
  if (position < 0) return undefined;
  const { edges } = trajectory;
  let kept = 0;
  for (const edge of edges) {
    if (edge.source_node_id !== nodeId && edge.target_node_id !== nodeId) edges[kept++] = edge;
  }
  edges.length = kept;
  return trajectory.nodes.splice(position, 1)[0];
}
