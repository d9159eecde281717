import { indexGraph } from "./graph.ts";
import { recomputeMetadata, recomputeScores } from "./metrics.ts";
import type { Trajectory } from "./model.ts";
import { recomputeTiming } from "./timing.ts";

/**
 * The last generation step, and the one to rerun after changing a trajectory's graph or node fields: times along
 * the DAG, edge counters and scores, metrics and metadata. `startMs` defaults to the current start_time.
 * @example
 * insertNodeOnEdge(trajectory, edge.edge_id, node, outEdge);
 * finalizeTrajectory(trajectory);
 */
export function finalizeTrajectory(
  trajectory: Trajectory,
  startMs: number = Date.parse(trajectory.start_time),
): Trajectory {
  const index = indexGraph(trajectory);
  recomputeTiming(trajectory, startMs, index);
  recomputeScores(trajectory, index.indexById);
  recomputeMetadata(trajectory);
  return trajectory;
}
