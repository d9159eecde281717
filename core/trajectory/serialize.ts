import type { Trajectory } from "./model.ts";

/**
 * One JSON line, no trailing newline. Byte-stable: the factories create every object with the zod schema's key
 * order and every number is already rounded to its wire precision. (A schema-driven string builder was measured
 * and was slower than V8's native JSON.stringify, so this stays the native call.)
 * @example
 * const line = serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, 0));
 */
export function serializeTrajectory(trajectory: Trajectory): string {
  return JSON.stringify(trajectory);
}
