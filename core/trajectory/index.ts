export { dataTypeOf, round2, round3, TrajectoryBuilder } from "./builder.ts";
export {
  DataGenerationSchema,
  DEFAULT_TRAJECTORY_CONFIG,
  loadTrajectoryConfig,
  parseConfigYaml,
  parseTrajectoryConfig,
  type ToolTransitionRow,
  type TrajectoryConfig,
  type TrajectoryConfigInput,
  TrajectoryConfigInputSchema,
} from "./config.ts";
export * as content from "./content/index.ts";
export {
  DEFAULT_EPOCH,
  DEFAULT_PATTERNS,
  DEFAULT_TOOL_TRANSITIONS,
  type PatternSettings,
  STRUCTURAL_MIN_NODES,
} from "./defaults.ts";
export { type EdgeEndpoints, edgeEndpoints } from "./endpoints.ts";
export { finalizeTrajectory } from "./finalize.ts";
export { draftTrajectory, type NodeBudget, type TrajectoryDraft } from "./generate.ts";
export {
  addEdge,
  edgesFrom,
  edgesTo,
  findNode,
  findStartNode,
  type GraphIndex,
  indexGraph,
  insertNodeOnEdge,
  isAcyclic,
  reachableFrom,
  removeEdge,
  removeNode,
  type TopologicalOrder,
  topologicalOrder,
} from "./graph.ts";
export { drawId } from "./ids.ts";
export { formatIsoMs, toMs } from "./iso-time.ts";
export { TRAJECTORY_SCHEMA_PATH, trajectoryJsonSchemaText } from "./json-schema.ts";
export {
  edgeReliabilityScore,
  isNodeFailed,
  nodeConfidence,
  nodePerformanceScore,
  recomputeMetadata,
  recomputeScores,
  round4,
} from "./metrics.ts";
export {
  type AnomalyMetadata,
  AnomalyMetadataSchema,
  type EdgeOf,
  type MemoryValue,
  type NodeOf,
  type Trajectory,
  type TrajectoryEdge,
  TrajectoryEdgeSchema,
  type TrajectoryMetadata,
  TrajectoryMetadataSchema,
  type TrajectoryNode,
  TrajectoryNodeSchema,
  TrajectorySchema,
} from "./model.ts";
export * as nodeFactories from "./node-factories.ts";
export { PATTERN_BUILDERS, type PatternBuilder } from "./patterns/index.ts";
export { serializeTrajectory } from "./serialize.ts";
export { recomputeTiming } from "./timing.ts";
export { TOOL_ERROR_MESSAGES } from "./tool-content.ts";
export { applyEdgeVariance, applyNodeVariance, applyVariance, TRANSIENT_RETRY_PROBABILITY } from "./variance.ts";
export * from "./vocabulary.ts";
