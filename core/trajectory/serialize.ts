import type { TrajectoryRecord } from "./labels.ts";

/**
 * One JSON line, no trailing newline. Byte-stable: the factories create every object with the zod schema's key
 * order and every number is already rounded to its wire precision. Kept native on purpose: a schema-driven string
 * builder was slower, and a byte writer compiled from the zod schema (no string, no encoding pass) was only 2-4%
 * faster than this plus encoding, not worth its code (see README, Benchmarks).
 * @example
 * const line = serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, 0)); // core/dataset/generate-trajectory.ts
 */
export function serializeTrajectory(trajectory: TrajectoryRecord): string {
  return JSON.stringify(trajectory);
}
