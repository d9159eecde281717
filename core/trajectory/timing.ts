import { type EdgeEndpoints, edgeEndpoints } from "./endpoints.ts";
import { topologicalOrder } from "./graph.ts";
import { formatIsoMs, toMs } from "./iso-time.ts";
import type { Trajectory, TrajectoryEdge, TrajectoryNode } from "./model.ts";

/**
 * Recomputes every time from durations and latencies, in topological order: a node starts at
 * `max(source end + edge latency)` over its incoming edges (nodes without incoming edges start at `startMs`), and
 * ends at start + duration. Edges fire (`creation_time`) when their source ends. Back edges of a cycle do not
 * delay their target. Sets the trajectory's start_time, end_time and total_duration.
 */
export function recomputeTiming(
  trajectory: Trajectory,
  startMs: number,
  endpoints: EdgeEndpoints = edgeEndpoints(trajectory),
): void {
  const { nodes, edges } = trajectory;
  const count = nodes.length;
  const { source, target } = endpoints;
  // Back edges exist only when some edge runs backwards in list order.
  let order: readonly number[] | null = null;
  let back: Uint8Array | null = null;
  if (!endpoints.forward) {
    const sorted = topologicalOrder(trajectory);
    order = sorted.order;
    back = new Uint8Array(edges.length);
    for (const e of sorted.backEdges) back[e] = 1;
  }
  // Incoming edges per node in compressed form (offsets into one array). Plain arrays, not typed ones: a typed array
  // of more than 64 bytes is allocated outside the V8 heap, which cost more than this whole pass.
  const offsets = new Array<number>(count + 1).fill(0);
  for (let e = 0; e < edges.length; e++) {
    if (back?.[e] === 1) continue;
    const slot = (target[e] as number) + 1;
    offsets[slot] = (offsets[slot] as number) + 1;
  }
  for (let i = 0; i < count; i++) offsets[i + 1] = (offsets[i + 1] as number) + (offsets[i] as number);
  const fill = offsets.slice(0, count);
  const incoming = new Array<number>(offsets[count] as number).fill(0);
  for (let e = 0; e < edges.length; e++) {
    if (back?.[e] === 1) continue;
    const to = target[e] as number;
    incoming[fill[to] as number] = e;
    fill[to] = (fill[to] as number) + 1;
  }
  const endMs = new Array<number>(count).fill(0);
  let lastEnd = startMs;
  for (let k = 0; k < count; k++) {
    const position = order === null ? k : (order[k] as number);
    const node = nodes[position] as TrajectoryNode;
    let start = startMs;
    for (let j = offsets[position] as number; j < (offsets[position + 1] as number); j++) {
      const e = incoming[j] as number;
      const ready = (endMs[source[e] as number] as number) + toMs((edges[e] as TrajectoryEdge).latency);
      if (ready > start) start = ready;
    }
    const end = start + toMs(node.duration);
    endMs[position] = end;
    if (end > lastEnd) lastEnd = end;
    node.start_time = formatIsoMs(start);
    node.end_time = formatIsoMs(end);
  }
  for (let e = 0; e < edges.length; e++) {
    (edges[e] as TrajectoryEdge).creation_time = (nodes[source[e] as number] as TrajectoryNode).end_time;
  }
  trajectory.start_time = formatIsoMs(startMs);
  trajectory.end_time = formatIsoMs(lastEnd);
  trajectory.total_duration = (lastEnd - startMs) / 1000;
}
