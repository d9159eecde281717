import type { Trajectory } from "./model.ts";

/**
 * One JSON line, no trailing newline. Byte-stable: the factories create every object with a fixed key order and
 * every number is already rounded to its wire precision.
 * @example
 * const line = serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, 0));
 */
export function serializeTrajectory(trajectory: Trajectory): string {
  return JSON.stringify(trajectory);
}
