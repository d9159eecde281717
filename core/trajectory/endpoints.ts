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
export function edgeEndpoints(trajectory: Pick<Trajectory, "nodes" | "edges">): EdgeEndpoints {
  const { source, target } = resolveEndpoints(trajectory.nodes, trajectory.edges);
  return { source, target, forward: runsForward(source, target) };
}

/** Every edge's source and target position, as arrays the caller may go on editing. */
export function resolveEndpoints(
  nodes: readonly TrajectoryNode[],
  edges: readonly TrajectoryEdge[],
): { source: number[]; target: number[] } {
  const position = new NodePositions(nodes);
  const source = new Array<number>(edges.length).fill(0);
  const target = new Array<number>(edges.length).fill(0);
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
  }
  return { source, target };
}

/** Whether every edge runs from an earlier to a later node in list order. */
export function runsForward(source: readonly number[], target: readonly number[]): boolean {
  for (let e = 0; e < source.length; e++) if ((source[e] as number) >= (target[e] as number)) return false;
  return true;
}

/**
 * Node positions by id (the last node of an id, as a Map filled in list order would give). An open-addressing table
 * keyed on three characters of each id: ids are random hex, so those spread them well, and any id still resolves
 * (`===` settles collisions). A Map hashes every character of every 36-character id first, which cost more than the
 * rest of the edge pass.
 */
export class NodePositions {
  readonly #ids: string[] = [];
  readonly #slots: number[];
  readonly #mask: number;

  constructor(nodes: readonly TrajectoryNode[]) {
    let size = 32;
    while (size < 2 * nodes.length) size *= 2;
    this.#mask = size - 1;
    this.#slots = new Array<number>(size).fill(-1);
    for (let i = 0; i < nodes.length; i++) {
      const id = (nodes[i] as TrajectoryNode).node_id;
      this.#ids.push(id);
      let slot = this.#slotOf(id);
      while (this.#slots[slot] !== -1 && this.#ids[this.#slots[slot] as number] !== id) slot = (slot + 1) & this.#mask;
      this.#slots[slot] = i;
    }
  }

  get(id: string): number | undefined {
    for (let slot = this.#slotOf(id); ; slot = (slot + 1) & this.#mask) {
      const at = this.#slots[slot] as number;
      if (at === -1) return undefined;
      if (this.#ids[at] === id) return at;
    }
  }

  #slotOf(id: string): number {
    const last = id.length - 1;
    return ((id.charCodeAt(0) * 961 + id.charCodeAt(last >> 1) * 31 + id.charCodeAt(last)) | 0) & this.#mask;
  }
}
