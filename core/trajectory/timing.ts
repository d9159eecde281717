import { type GraphIndex, indexGraph, topologicalOrder } from "./graph.ts";
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
  index: GraphIndex = indexGraph(trajectory),
): void {
  const { nodes, edges } = trajectory;
  const { order, backEdges } = topologicalOrder(trajectory, index);
  const isBackEdge = new Uint8Array(edges.length);
  for (const e of backEdges) isBackEdge[e] = 1;
  const endMs = new Float64Array(nodes.length);
  let lastEnd = startMs;
  for (const position of order) {
    const node = nodes[position] as TrajectoryNode;
    let start = startMs;
    for (const e of index.incoming[position] as number[]) {
      if (isBackEdge[e] === 1) continue;
      const edge = edges[e] as TrajectoryEdge;
      const ready = (endMs[index.indexById.get(edge.source_node_id) as number] as number) + toMs(edge.latency);
      if (ready > start) start = ready;
    }
    const end = start + toMs(node.duration);
    endMs[position] = end;
    if (end > lastEnd) lastEnd = end;
    node.start_time = formatIsoMs(start);
    node.end_time = formatIsoMs(end);
  }
  for (let e = 0; e < edges.length; e++) {
    const edge = edges[e] as TrajectoryEdge;
    edge.creation_time = (nodes[index.indexById.get(edge.source_node_id) as number] as TrajectoryNode).end_time;
  }
  trajectory.start_time = formatIsoMs(startMs);
  trajectory.end_time = formatIsoMs(lastEnd);
  trajectory.total_duration = (lastEnd - startMs) / 1000;
}
