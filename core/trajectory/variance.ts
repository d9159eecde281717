import type { Randomizer } from "../random.ts";
import { toMs } from "./iso-time.ts";
import type { Trajectory, TrajectoryEdge, TrajectoryNode } from "./model.ts";
import { TRAJECTORY_TAGS } from "./vocabulary.ts";

/** Share of healthy tool calls that hit a transient error and succeed on an internal retry. */
export const TRANSIENT_RETRY_PROBABILITY = 0.05;

/**
 * The seed's variance step: durations and latencies jitter by ±20%, a few tool calls need an internal retry
 * (longer, one more network call, retry_count 1), and the trajectory gets 1–3 tags. Only durations and latencies
 * change, so finalize moves every time consistently.
 */
export function applyVariance(trajectory: Trajectory, rng: Randomizer): void {
  for (const node of trajectory.nodes) applyNodeVariance(node, rng);
  for (const edge of trajectory.edges) applyEdgeVariance(edge, rng);
  const tags = rng.sample(TRAJECTORY_TAGS, rng.int(1, 3));
  trajectory.metadata.tags = TRAJECTORY_TAGS.filter((tag) => tags.includes(tag));
}

export function applyNodeVariance(node: TrajectoryNode, rng: Randomizer): void {
  let durationMs = Math.max(1, Math.round(toMs(node.duration) * rng.float(0.8, 1.2)));
  if (
    node.node_type === "TOOL_CALL" &&
    node.status === "completed" &&
    node.retry_count === 0 &&
    rng.chance(TRANSIENT_RETRY_PROBABILITY)
  ) {
    node.retry_count = 1;
    node.network_calls += 1;
    durationMs += rng.int(500, 3000);
  }
  // A call that timed out waited exactly its own `timeout` (the draw above still runs: the stream stays aligned).
  const limit = node.node_type === "TOOL_CALL" && node.status === "timeout" ? node.tool_parameters.timeout : undefined;
  node.duration = typeof limit === "number" ? limit : durationMs / 1000;
}

export function applyEdgeVariance(edge: TrajectoryEdge, rng: Randomizer): void {
  edge.latency = Math.max(1, Math.round(toMs(edge.latency) * rng.float(0.8, 1.2))) / 1000;
}
