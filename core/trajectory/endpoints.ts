import type { Trajectory, TrajectoryEdge, TrajectoryNode } from "./model.ts";

/**
 * Edge endpoints as node positions, computed once per finalize. Plain arrays: a typed array of more than 64 bytes is
 * allocated outside the V8 heap, several times the cost of a small array.
 */
export interface EdgeEndpoints {
  readonly source: readonly number[];
  readonly target: readonly number[];
  /** True when every edge runs from an earlier to a later node in list order (how builders emit nodes). */
  readonly forward: boolean;
}

/** Resolves every edge's endpoints to node positions. Throws if an edge names a node that does not exist. */
export function edgeEndpoints(trajectory: Trajectory): EdgeEndpoints {
  const { nodes, edges } = trajectory;
  const position = new Map<string, number>();
  for (let i = 0; i < nodes.length; i++) position.set((nodes[i] as TrajectoryNode).node_id, i);
  const source = new Array<number>(edges.length).fill(0);
  const target = new Array<number>(edges.length).fill(0);
  let forward = true;
  for (let e = 0; e < edges.length; e++) {
    const edge = edges[e] as TrajectoryEdge;
    const from = position.get(edge.source_node_id);
    const to = position.get(edge.target_node_id);
    if (from === undefined || to === undefined) {
      throw new RangeError(
        `edge ${edge.edge_id} points at a missing node (${edge.source_node_id} -> ${edge.target_node_id})`,
      );
    }
    source[e] = from;
    target[e] = to;
    if (from >= to) forward = false;
  }
  return { source, target, forward };
}
