/**
 * The closed vocabularies of the trajectory wire format. Arrays are declaration-ordered: metadata lists
 * (agent_types, tool_usage) follow this order so output does not depend on discovery order.
 */
export const NODE_TYPES = [
  "USER_ENQUIRY",
  "PLANNING",
  "REASONING",
  "TOOL_CALL",
  "LLM_CALL",
  "VALIDATION",
  "HANDOFF",
  "MEMORY_ACCESS",
  "OBSERVATION",
  "ACTION",
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export const AGENT_TYPES = ["PLANNER", "EXECUTOR", "VALIDATOR", "COORDINATOR"] as const;
export type AgentType = (typeof AGENT_TYPES)[number];

export const TOOL_TYPES = [
  "WEB_SEARCH",
  "READ_DOCUMENT",
  "PREPARE_DOCUMENT",
  "ANALYZE_DATA",
  "DEEP_RESEARCH",
  "WRITE_CODE",
  "MEMORY_STORE_RETRIEVE",
  "EXTERNAL_API",
] as const;
export type ToolType = (typeof TOOL_TYPES)[number];

export const EDGE_TYPES = ["execution_flow", "handoff", "data_dependency"] as const;
export type EdgeType = (typeof EDGE_TYPES)[number];

/** Why an edge exists: `branch` fans out into parallel work, `merge` joins it, `recovery` follows a failure. */
export const RELATIONSHIP_TYPES = ["sequential", "branch", "merge", "recovery", "handoff", "dependency"] as const;
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];

export const PATTERN_NAMES = [
  "simple_linear",
  "branched_analysis",
  "multi_agent_handoffs",
  "complex_research",
  "error_recovery",
] as const;
export type PatternName = (typeof PATTERN_NAMES)[number];

export const TASK_CATEGORIES = ["research", "analysis", "development", "planning"] as const;
export type TaskCategory = (typeof TASK_CATEGORIES)[number];

/**
 * Node status. A node is failed exactly when its status is not `completed`; `timeout` and `interrupted` are
 * failures too (SPEC §6.11). Normal trajectories only use `completed` and `failed`.
 */
export const NODE_STATUSES = ["completed", "failed", "timeout", "interrupted"] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

/** Trajectory status: `failed` when the final ACTION failed, `incomplete` when it was never reached. */
export const TRAJECTORY_STATUSES = ["completed", "failed", "incomplete"] as const;
export type TrajectoryStatus = (typeof TRAJECTORY_STATUSES)[number];

export const ANOMALY_TYPES = [
  "infinite_loops",
  "suboptimal_paths",
  "tool_failure_cascades",
  "planning_paralysis",
  "memory_inconsistencies",
  "timeout_cascades",
  "handoff_failures",
  "validation_loops",
  "context_drift",
  "incomplete_responses",
  "misread_tool_results",
  "incorrect_verifications",
  "ignored_agent_inputs",
] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

export const SEVERITY_LEVELS = ["low", "medium", "high", "critical"] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

export const PLANNING_TYPES = ["task_decomposition", "strategy_selection", "resource_allocation"] as const;
export const REASONING_TYPES = ["analysis", "inference", "decision_making"] as const;
export const MEMORY_OPERATIONS = ["store", "retrieve", "update", "delete"] as const;
export type MemoryOperation = (typeof MEMORY_OPERATIONS)[number];
export const OBSERVATION_SOURCES = ["system_metrics", "user_feedback", "performance_data", "error_logs"] as const;
export const VALIDATION_CRITERIA = ["accuracy", "completeness", "relevance", "consistency"] as const;
export const USER_INTENTS = ["question", "clarification", "feedback", "approval"] as const;
export const PRIORITIES = ["low", "medium", "high"] as const;
export const LLM_MODELS = ["gpt-4", "claude-3", "gemini-pro", "llama-2"] as const;
export const LLM_PURPOSES = [
  "planning",
  "reasoning",
  "response_generation",
  "analysis",
  "validation_analysis",
] as const;
export type LlmPurpose = (typeof LLM_PURPOSES)[number];
export const DATA_TYPES = ["search_results", "document", "dataset", "analysis", "code", "api_response"] as const;
export const TRAJECTORY_TAGS = [
  "priority_high",
  "batch_process",
  "user_initiated",
  "automated",
  "experimental",
] as const;

/**
 * Error codes of failed tool calls. Normal error_recovery trajectories and injected tool failures draw from the
 * same list so an error code never tells a detector which of the two it is looking at.
 */
export const TOOL_ERROR_CODES = [
  "TIMEOUT",
  "RATE_LIMITED",
  "SERVICE_UNAVAILABLE",
  "INVALID_PARAMS",
  "AUTH_FAILED",
] as const;
export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];
