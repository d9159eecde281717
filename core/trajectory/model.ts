import { z } from "zod";
import { SPLIT_NAMES } from "./splits.ts";
import {
  AGENT_TYPES,
  ANOMALY_TYPES,
  DATA_TYPES,
  LLM_MODELS,
  LLM_PURPOSES,
  MEMORY_OPERATIONS,
  NODE_STATUSES,
  OBSERVATION_SOURCES,
  PATTERN_NAMES,
  PLANNING_TYPES,
  PRIORITIES,
  REASONING_TYPES,
  RELATIONSHIP_TYPES,
  SEVERITY_LEVELS,
  TASK_CATEGORIES,
  TOOL_TYPES,
  TRAJECTORY_STATUSES,
  TRAJECTORY_TAGS,
  USER_INTENTS,
  VALIDATION_CRITERIA,
} from "./vocabulary.ts";

/**
 * The wire format of a trajectory. These zod schemas are its single source: the TypeScript types, the published
 * JSON Schema and the tests all derive from them. Generation builds plain objects of these types without parsing.
 * Times are ISO-8601 UTC strings with millisecond precision; durations and latencies are seconds with millisecond
 * precision, so `end_time - start_time == duration` holds exactly.
 */
const IsoTime = z.iso.datetime({ precision: 3 }).meta({ id: "IsoTime", description: "UTC, millisecond precision" });
const Seconds = z.number().nonnegative().meta({ id: "Seconds", description: "seconds, millisecond precision" });
const Unit = z.number().min(0).max(1).meta({ id: "UnitInterval" });
const Id = z.uuid().meta({ id: "Uuid" });
const AgentTypeSchema = z.enum(AGENT_TYPES).meta({ id: "AgentType" });
const AnomalyTypeSchema = z.enum(ANOMALY_TYPES).meta({ id: "AnomalyType" });
const RelationshipTypeSchema = z.enum(RELATIONSHIP_TYPES).meta({ id: "RelationshipType" });
const Scalar = z.union([z.string(), z.number(), z.boolean()]);

/** Injection parameters of an anomaly (present only on labelled anomalous parts). */
export const AnomalyMetadataSchema = z.record(z.string(), Scalar).meta({ id: "AnomalyMetadata" });

/**
 * The part a node or edge plays in an anomaly: the single decisive step (`root_cause`), a real consequence of it
 * (`symptom`: a propagated failure, a repetition, a step delayed by a timeout, ...), or none (null). Legitimate work
 * an anomaly builds on (the first pass of a loop, the correct memory store, the handoff that got through) is null.
 */
export const ANOMALY_ROLES = ["root_cause", "symptom"] as const;
export type AnomalyRole = (typeof ANOMALY_ROLES)[number];
const AnomalyRoleSchema = z.enum(ANOMALY_ROLES).nullable().meta({ id: "AnomalyRole" });

/** One injected anomaly of a trajectory (`metadata.anomalies`): what, how severe, where it starts, what it touches. */
export const AnomalyLabelSchema = z
  .strictObject({
    anomaly_type: AnomalyTypeSchema,
    severity: z.enum(SEVERITY_LEVELS),
    root_cause_node_id: Id,
    responsible_agent: AgentTypeSchema,
    node_ids: z.array(Id).describe("nodes labelled root_cause or symptom for this anomaly, in node order"),
    edge_ids: z.array(Id).describe("edges labelled for this anomaly, in edge order"),
  })
  .meta({ id: "AnomalyLabel" });

/** Node id, type, agent and description come first, then the type's own fields, then `nodeTail`. */
function nodeSchema<T extends string, S extends z.ZodRawShape>(nodeType: T, own: S) {
  const id = `${nodeType
    .split("_")
    .map((word) => word[0] + word.slice(1).toLowerCase())
    .join("")}Node`;
  return z
    .strictObject({
      node_id: Id,
      node_type: z.literal(nodeType),
      agent_type: AgentTypeSchema,
      description: z.string(),
      ...own,
      ...nodeTail,
    })
    .meta({ id });
}

/** Fields every node carries after its type-specific ones, in this order. */
const nodeTail = {
  status: z.enum(NODE_STATUSES),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
  retry_count: z.number().int().nonnegative(),
  start_time: IsoTime,
  end_time: IsoTime,
  duration: Seconds,
  cpu_usage: z.number().min(0).max(100).describe("percent"),
  memory_usage: z.number().nonnegative().describe("MB"),
  network_calls: z.number().int().nonnegative(),
  performance_score: Unit,
  is_anomalous: z.boolean(),
  anomaly_type: AnomalyTypeSchema.nullable(),
  anomaly_role: AnomalyRoleSchema,
  anomaly_metadata: AnomalyMetadataSchema.optional(),
};

const UserEnquiryNodeSchema = nodeSchema("USER_ENQUIRY", {
  user_input: z.string(),
  user_intent: z.enum(USER_INTENTS),
  user_context: z.strictObject({
    user_id: z.string(),
    session_id: z.string(),
    priority: z.enum(PRIORITIES),
  }),
});

const PlanningNodeSchema = nodeSchema("PLANNING", {
  planning_type: z.enum(PLANNING_TYPES),
  planning_confidence: Unit,
  planning_output: z.strictObject({
    strategy: z.string(),
    planned_steps: z.number().int().nonnegative(),
    estimated_duration: z.number().int().nonnegative().describe("seconds"),
    resources_needed: z.number().int().nonnegative(),
  }),
});

const ReasoningNodeSchema = nodeSchema("REASONING", {
  reasoning_type: z.enum(REASONING_TYPES),
  reasoning_confidence: Unit,
  reasoning_input: z.strictObject({ data_points: z.number().int().nonnegative() }),
  reasoning_output: z.strictObject({ conclusion: z.string() }),
});

const ToolCallNodeSchema = nodeSchema("TOOL_CALL", {
  tool_type: z.enum(TOOL_TYPES),
  tool_parameters: z.record(z.string(), Scalar),
  tool_result: z.record(z.string(), Scalar),
  tool_success: z.boolean().describe("false exactly when status is not completed"),
});

const LlmCallNodeSchema = nodeSchema("LLM_CALL", {
  llm_model: z.enum(LLM_MODELS),
  llm_purpose: z.enum(LLM_PURPOSES),
  llm_prompt: z.string(),
  llm_response: z.string(),
  llm_tokens_used: z.number().int().nonnegative(),
  llm_confidence: Unit,
});

const ValidationNodeSchema = nodeSchema("VALIDATION", {
  validation_criteria: z.array(z.enum(VALIDATION_CRITERIA)).min(1),
  validation_result: z.boolean().describe("the verdict; a validation that rejects its input still completes"),
  validation_score: Unit,
});

const HandoffNodeSchema = nodeSchema("HANDOFF", {
  source_agent: AgentTypeSchema,
  target_agent: AgentTypeSchema,
  handoff_context: z.strictObject({
    context_size: z.number().int().nonnegative().describe("bytes"),
    items_transferred: z.number().int().nonnegative(),
  }),
  handoff_success: z.boolean().describe("false exactly when status is not completed"),
});

export const MemoryValueSchema = z.strictObject({
  size_bytes: z.number().int().nonnegative(),
  digest: z.string().describe("content digest: a retrieve returns the digest stored under its key"),
});

const MemoryAccessNodeSchema = nodeSchema("MEMORY_ACCESS", {
  memory_operation: z.enum(MEMORY_OPERATIONS),
  memory_key: z.string(),
  memory_value: MemoryValueSchema.nullable().describe("null for delete"),
  memory_success: z.boolean().describe("false exactly when status is not completed"),
});

const ObservationNodeSchema = nodeSchema("OBSERVATION", {
  observation_source: z.enum(OBSERVATION_SOURCES),
  observation_data: z.strictObject({
    metrics_count: z.number().int().nonnegative(),
    anomalies_detected: z.number().int().nonnegative(),
  }),
});

const ActionNodeSchema = nodeSchema("ACTION", {
  final_output: z.string(),
});

export const TrajectoryNodeSchema = z.discriminatedUnion("node_type", [
  UserEnquiryNodeSchema,
  PlanningNodeSchema,
  ReasoningNodeSchema,
  ToolCallNodeSchema,
  LlmCallNodeSchema,
  ValidationNodeSchema,
  HandoffNodeSchema,
  MemoryAccessNodeSchema,
  ObservationNodeSchema,
  ActionNodeSchema,
]);

const edgeCommon = {
  edge_id: Id,
  source_node_id: Id,
  target_node_id: Id,
};

const edgeTail = {
  /** When the source finished and the edge fired. */
  creation_time: IsoTime,
  /** Delay between the source's end and the earliest start of the target. */
  latency: Seconds,
  probability: Unit,
  confidence: Unit,
  success_rate: Unit,
  error_count: z.number().int().nonnegative(),
  timeout_count: z.number().int().nonnegative(),
  reliability_score: Unit,
  is_anomalous: z.boolean(),
  anomaly_type: AnomalyTypeSchema.nullable(),
  anomaly_role: AnomalyRoleSchema,
  anomaly_metadata: AnomalyMetadataSchema.optional(),
};

const ExecutionFlowEdgeSchema = z
  .strictObject({
    ...edgeCommon,
    edge_type: z.literal("execution_flow"),
    relationship_type: RelationshipTypeSchema,
    ...edgeTail,
  })
  .meta({ id: "ExecutionFlowEdge" });

const HandoffEdgeSchema = z
  .strictObject({
    ...edgeCommon,
    edge_type: z.literal("handoff"),
    relationship_type: RelationshipTypeSchema,
    data_size_bytes: z.number().int().nonnegative(),
    ...edgeTail,
  })
  .meta({ id: "HandoffEdge" });

const DataDependencyEdgeSchema = z
  .strictObject({
    ...edgeCommon,
    edge_type: z.literal("data_dependency"),
    relationship_type: RelationshipTypeSchema,
    data_type: z.enum(DATA_TYPES),
    data_size_bytes: z.number().int().nonnegative(),
    ...edgeTail,
  })
  .meta({ id: "DataDependencyEdge" });

export const TrajectoryEdgeSchema = z.discriminatedUnion("edge_type", [
  ExecutionFlowEdgeSchema,
  HandoffEdgeSchema,
  DataDependencyEdgeSchema,
]);

export const TrajectoryMetadataSchema = z.strictObject({
  agent_types: z.array(AgentTypeSchema).describe("agents involved, in declaration order"),
  tool_usage: z.array(z.enum(TOOL_TYPES)).describe("tools used, in declaration order"),
  is_anomalous: z.boolean(),
  anomaly_types: z.array(AnomalyTypeSchema),
  anomaly_severity: z.enum(SEVERITY_LEVELS).nullable(),
  anomalies: z.array(AnomalyLabelSchema).describe("one entry per injected anomaly; empty for a normal trajectory"),
  completion_rate: Unit.describe("share of nodes with status completed"),
  success: z.boolean(),
  total_nodes: z.number().int().nonnegative(),
  total_edges: z.number().int().nonnegative(),
  total_tool_calls: z.number().int().nonnegative(),
  total_handoffs: z.number().int().nonnegative(),
  total_errors: z.number().int().nonnegative().describe("nodes whose status is not completed"),
  average_node_duration: Seconds,
  tags: z.array(z.enum(TRAJECTORY_TAGS)),
  anomaly_metadata: AnomalyMetadataSchema.optional(),
});

export const TrajectorySchema = z
  .strictObject({
    trajectory_id: Id,
    seed: z.number().int(),
    index: z.number().int().nonnegative().describe("position of the trajectory in its dataset"),
    split: z.enum(SPLIT_NAMES).describe("dataset split, from (seed, index, config) alone, stratified by anomaly type"),
    pattern: z.enum(PATTERN_NAMES),
    task_category: z.enum(TASK_CATEGORIES),
    task_description: z.string(),
    status: z.enum(TRAJECTORY_STATUSES),
    start_time: IsoTime,
    end_time: IsoTime,
    total_duration: Seconds,
    nodes: z.array(TrajectoryNodeSchema).min(1),
    edges: z.array(TrajectoryEdgeSchema),
    metadata: TrajectoryMetadataSchema,
  })
  .meta({ title: "Trajectory", description: "One synthetic agent trajectory (agentsynth)." });

export type Trajectory = z.infer<typeof TrajectorySchema>;
export type TrajectoryNode = z.infer<typeof TrajectoryNodeSchema>;
export type TrajectoryEdge = z.infer<typeof TrajectoryEdgeSchema>;
export type TrajectoryMetadata = z.infer<typeof TrajectoryMetadataSchema>;
export type AnomalyMetadata = z.infer<typeof AnomalyMetadataSchema>;
export type MemoryValue = z.infer<typeof MemoryValueSchema>;
export type AnomalyLabel = z.infer<typeof AnomalyLabelSchema>;
/** A node of one type, e.g. `NodeOf<"TOOL_CALL">`. */
export type NodeOf<T extends TrajectoryNode["node_type"]> = Extract<TrajectoryNode, { node_type: T }>;
export type EdgeOf<T extends TrajectoryEdge["edge_type"]> = Extract<TrajectoryEdge, { edge_type: T }>;
