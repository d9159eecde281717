import { type EdgeEndpoints, edgeEndpoints } from "./endpoints.ts";
import type { RecordNode } from "./labels.ts";
import type { Trajectory, TrajectoryEdge, TrajectoryNode } from "./model.ts";
import { AGENT_TYPES, type AgentType, TOOL_TYPES, type ToolType, type TrajectoryStatus } from "./vocabulary.ts";

/** A node is failed exactly when its status is not `completed` (SPEC §6.11: one rule, no soft failures). */
export function isNodeFailed(node: TrajectoryNode): boolean {
  return node.status !== "completed";
}

/** The node's own confidence: planning, reasoning, LLM confidence or validation score; 1 for other types. */
export function nodeConfidence(node: TrajectoryNode | RecordNode): number {
  switch (node.node_type) {
    case "PLANNING":
      return node.planning_confidence;
    case "REASONING":
      return node.reasoning_confidence;
    case "LLM_CALL":
      return node.llm_confidence;
    case "VALIDATION":
      return node.validation_score;
    default:
      return 1;
  }
}

/**
 * SPEC §1.3 with consistent semantics: ×0.2 for a timeout, ×0.1 for any other failure, ×(1 − min(0.5, 0.1·retries))
 * for retries, times the node's confidence (LLM confidence included). Rounded to 4 decimals.
 */
export function nodePerformanceScore(node: TrajectoryNode): number {
  let score = 1;
  if (node.status === "timeout") score *= 0.2;
  else if (node.status !== "completed") score *= 0.1;
  if (node.retry_count > 0) score *= 1 - Math.min(0.5, 0.1 * node.retry_count);
  score *= nodeConfidence(node);
  return round4(Math.min(1, Math.max(0, score)));
}

/**
 * SPEC §1.4: success_rate × (1 − min(0.5, 0.1·errors)) × (1 − min(0.3, 0.05·timeouts)) × confidence.
 */
export function edgeReliabilityScore(edge: TrajectoryEdge): number {
  let score = edge.success_rate;
  if (edge.error_count > 0) score *= 1 - Math.min(0.5, 0.1 * edge.error_count);
  if (edge.timeout_count > 0) score *= 1 - Math.min(0.3, 0.05 * edge.timeout_count);
  score *= edge.confidence;
  return round4(Math.min(1, Math.max(0, score)));
}

/**
 * Derives each edge's delivery counters from its source node (attempts = retries + 1; a failed source delivers
 * nothing), then every node's performance_score and edge's reliability_score.
 */
export function recomputeScores(trajectory: Trajectory, endpoints: EdgeEndpoints = edgeEndpoints(trajectory)): void {
  const { nodes, edges } = trajectory;
  for (const node of nodes) node.performance_score = nodePerformanceScore(node);
  for (let e = 0; e < edges.length; e++) {
    const edge = edges[e] as TrajectoryEdge;
    const source = nodes[endpoints.source[e] as number] as TrajectoryNode;
    const failed = isNodeFailed(source);
    const attempts = source.retry_count + 1;
    edge.error_count = source.retry_count + (failed ? 1 : 0);
    edge.timeout_count = source.status === "timeout" ? 1 : 0;
    edge.success_rate = failed ? 0 : round4(1 / attempts);
    edge.reliability_score = edgeReliabilityScore(edge);
  }
}

/**
 * SPEC §1.5 `calculate_metrics`, recomputed from the nodes, plus the agent/tool inventories. Tags and anomaly labels
 * are kept as they are. Trajectory status: `incomplete` without a final ACTION, `failed` if it failed.
 */
export function recomputeMetadata(trajectory: Trajectory): void {
  const { nodes, metadata } = trajectory;
  const agentSeen = new Uint8Array(AGENT_TYPES.length);
  const toolSeen = new Uint8Array(TOOL_TYPES.length);
  let completed = 0;
  let toolCalls = 0;
  let handoffs = 0;
  let durationMs = 0;
  let action: TrajectoryNode | undefined;
  for (const node of nodes) {
    agentSeen[AGENT_INDEX[node.agent_type]] = 1;
    if (node.status === "completed") completed++;
    durationMs += Math.round(node.duration * 1000);
    if (node.node_type === "TOOL_CALL") {
      toolCalls++;
      toolSeen[TOOL_INDEX[node.tool_type]] = 1;
    } else if (node.node_type === "HANDOFF") {
      handoffs++;
    } else if (node.node_type === "ACTION") {
      action = node;
    }
  }
  const total = nodes.length;
  const errors = total - completed;
  const status: TrajectoryStatus =
    action === undefined ? "incomplete" : action.status === "completed" ? "completed" : "failed";
  trajectory.status = status;
  metadata.agent_types = AGENT_TYPES.filter((_, i) => agentSeen[i] === 1);
  metadata.tool_usage = TOOL_TYPES.filter((_, i) => toolSeen[i] === 1);
  metadata.completion_rate = total === 0 ? 0 : round4(completed / total);
  metadata.success = status === "completed" && completed / total > 0.8 && errors / total < 0.2;
  metadata.total_nodes = total;
  metadata.total_edges = trajectory.edges.length;
  metadata.total_tool_calls = toolCalls;
  metadata.total_handoffs = handoffs;
  metadata.total_errors = errors;
  metadata.average_node_duration = total === 0 ? 0 : Math.round(durationMs / total) / 1000;
}

const AGENT_INDEX = Object.fromEntries(AGENT_TYPES.map((agent, i) => [agent, i])) as Record<AgentType, number>;
const TOOL_INDEX = Object.fromEntries(TOOL_TYPES.map((tool, i) => [tool, i])) as Record<ToolType, number>;

export function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
