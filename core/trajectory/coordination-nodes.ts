import type { Randomizer } from "../random.ts";
import { round2, type TrajectoryBuilder } from "./builder.ts";
import { drawId } from "./ids.ts";
import type { NodeOf } from "./model.ts";
import { type AgentType, type MemoryOperation, OBSERVATION_SOURCES } from "./vocabulary.ts";

export function handoffNode(b: TrajectoryBuilder, source: AgentType, target: AgentType): NodeOf<"HANDOFF"> {
  const rng = b.rng;
  return {
    node_id: drawId(b.ids),
    node_type: "HANDOFF",
    agent_type: "COORDINATOR",
    description: `Handoff from ${source} to ${target}`,
    source_agent: source,
    target_agent: target,
    handoff_context: { context_size: rng.int(100, 1000), items_transferred: rng.int(1, 10) },
    handoff_success: true,
    status: "completed",
    error_code: null,
    error_message: null,
    retry_count: 0,
    start_time: "",
    end_time: "",
    duration: rng.int(500, 2000) / 1000,
    cpu_usage: round2(rng.float(10, 80)),
    memory_usage: round2(rng.float(50, 500)),
    network_calls: 0,
    performance_score: 0,
    is_anomalous: false,
    anomaly_type: null,
    anomaly_role: null,
  };
}

/** A memory access; `value` is what a store writes or a retrieve returns (null for delete). */
export function memoryAccessNode(
  b: TrajectoryBuilder,
  operation: MemoryOperation,
  key: string,
  value: { size_bytes: number; digest: string } | null,
): NodeOf<"MEMORY_ACCESS"> {
  const rng = b.rng;
  return {
    node_id: drawId(b.ids),
    node_type: "MEMORY_ACCESS",
    agent_type: "EXECUTOR",
    description: `Memory ${operation}: ${key}`,
    memory_operation: operation,
    memory_key: key,
    memory_value: value,
    memory_success: true,
    status: "completed",
    error_code: null,
    error_message: null,
    retry_count: 0,
    start_time: "",
    end_time: "",
    duration: rng.int(100, 1000) / 1000,
    cpu_usage: round2(rng.float(10, 80)),
    memory_usage: round2(rng.float(50, 500)),
    network_calls: 0,
    performance_score: 0,
    is_anomalous: false,
    anomaly_type: null,
    anomaly_role: null,
  };
}

/** A fresh memory value (size and content digest) drawn from the stream. */
export function memoryValue(rng: Randomizer): { size_bytes: number; digest: string } {
  return {
    size_bytes: rng.int(10, 1000),
    digest: (rng.int(0, 0xffffff) * 256 + rng.int(0, 255)).toString(16).padStart(8, "0"),
  };
}

export function observationNode(
  b: TrajectoryBuilder,
  source: (typeof OBSERVATION_SOURCES)[number] = b.rng.pick(OBSERVATION_SOURCES),
  minAnomalies = 0,
): NodeOf<"OBSERVATION"> {
  const rng = b.rng;
  return {
    node_id: drawId(b.ids),
    node_type: "OBSERVATION",
    agent_type: "COORDINATOR",
    description: `Observe ${source}`,
    observation_source: source,
    observation_data: {
      metrics_count: rng.int(5, 20),
      anomalies_detected: rng.int(minAnomalies, Math.max(3, minAnomalies)),
    },
    status: "completed",
    error_code: null,
    error_message: null,
    retry_count: 0,
    start_time: "",
    end_time: "",
    duration: rng.int(500, 3000) / 1000,
    cpu_usage: round2(rng.float(10, 80)),
    memory_usage: round2(rng.float(50, 500)),
    network_calls: 0,
    performance_score: 0,
    is_anomalous: false,
    anomaly_type: null,
    anomaly_role: null,
  };
}
