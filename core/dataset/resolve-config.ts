import { parseTrajectoryConfig, type TrajectoryConfig } from "../trajectory/index.ts";
import type { TrajectoryDatasetSpec } from "./spec.ts";

/** The generator config a dataset spec describes: its `config` with `anomaly_ratio` applied, defaults filled in. */
export function resolveDatasetConfig(spec: TrajectoryDatasetSpec): TrajectoryConfig {
  const input: Record<string, unknown> = { ...(spec.config ?? {}) };
  if (spec.anomaly_ratio !== undefined) {
    const current = input.anomaly_injection;
    const section = current !== null && typeof current === "object" && !Array.isArray(current) ? current : {};
    input.anomaly_injection = { ...section, ratio: spec.anomaly_ratio };
  }
  return parseTrajectoryConfig(input);
}
