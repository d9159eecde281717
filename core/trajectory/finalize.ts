import { type EdgeEndpoints, edgeEndpoints } from "./endpoints.ts";
import { recomputeMetadata, recomputeScores } from "./metrics.ts";
import type { Trajectory } from "./model.ts";
import { recomputeTiming } from "./timing.ts";

/**
 * The last generation step, and the one to rerun after changing a trajectory's graph or node fields: times along
 * the DAG, edge counters and scores, metrics and metadata. `startMs` defaults to the current start_time, `endpoints`
 * to the edges' endpoints resolved from their ids (pass a draft's own while its graph is as drafted).
 * @example
 * insertNodeOnEdge(trajectory, edge.edge_id, node, outEdge);
 * finalizeTrajectory(trajectory);
 */
export function finalizeTrajectory(
  trajectory: Trajectory,
  startMs: number = Date.parse(trajectory.start_time),
  endpoints: EdgeEndpoints = edgeEndpoints(trajectory),
): Trajectory {
  if (Number.isNaN(startMs)) {
    throw new RangeError("finalizeTrajectory: a draft has no start_time yet; pass the draft's startMs");
  }
  recomputeTiming(trajectory, startMs, endpoints);
  recomputeScores(trajectory, endpoints);
  recomputeMetadata(trajectory);
  return trajectory;
}
