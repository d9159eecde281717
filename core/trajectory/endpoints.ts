import type { Trajectory, TrajectoryEdge, TrajectoryNode } from "./model.ts";

/** Edge endpoints as node positions, computed once per finalize. */
export interface EdgeEndpoints {
  readonly source: Int32Array;
  readonly target: Int32Array;
  /** True when every edge runs from an earlier to a later node in list order (how builders emit nodes). */
  readonly forward: boolean;
}

/** Resolves every edge's endpoints to node positions. Throws if an edge names a node that does not exist. */
export function edgeEndpoints(trajectory: Trajectory): EdgeEndpoints {
  const { nodes, edges } = trajectory;
  const position = new Map<string, number>();
  for (let i = 0; i < nodes.length; i++) position.set((nodes[i] as TrajectoryNode).node_id, i);
  const source = new Int32Array(edges.length);
  const target = new Int32Array(edges.length);
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
