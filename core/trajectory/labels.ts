import { z } from "zod";
import {
  ANOMALY_ROLES,
  AnomalyLabelSchema,
  AnomalyMetadataSchema,
  type Trajectory,
  type TrajectoryEdge,
  type TrajectoryMetadata,
  type TrajectoryNode,
} from "./model.ts";
import { SPLIT_NAMES } from "./splits.ts";
import { ANOMALY_TYPES, SEVERITY_LEVELS } from "./vocabulary.ts";

/**
 * Which fields of a trajectory are labels, or give labels away: the anomaly fields at every level, the split
 * (stratified by anomaly type) and the seed and index (which regenerate the trajectory and its normal twin). An
 * evaluation set publishes trajectories without them and keeps them in label files (`separateLabels`). A field added
 * to the labels of the model belongs in these lists too.
 */
export const TRAJECTORY_LABEL_KEYS = ["seed", "index", "split"] as const;
export const METADATA_LABEL_KEYS = [
  "is_anomalous",
  "anomaly_types",
  "anomaly_severity",
  "anomaly_metadata",
  "anomalies",
] as const;
/** Label fields of every node and edge. */
export const PART_LABEL_KEYS = ["is_anomalous", "anomaly_type", "anomaly_metadata", "anomaly_role"] as const;

type TrajectoryLabelKey = (typeof TRAJECTORY_LABEL_KEYS)[number];
type MetadataLabelKey = (typeof METADATA_LABEL_KEYS)[number];
type PartLabelKey = (typeof PART_LABEL_KEYS)[number];
type Unlabelled<T, K extends PropertyKey> = T extends unknown
  ? Omit<T, K> & Partial<Pick<T, Extract<keyof T, K>>>
  : never;

/**
 * A trajectory as a format renders it: the full wire record, or a published one whose label fields are absent.
 * Formats write the labels a record has and nothing for the ones it has not, so they need no notion of a mode.
 */
export type TrajectoryRecord = Unlabelled<Omit<Trajectory, "nodes" | "edges" | "metadata">, TrajectoryLabelKey> & {
  nodes: Array<Unlabelled<TrajectoryNode, PartLabelKey>>;
  edges: Array<Unlabelled<TrajectoryEdge, PartLabelKey>>;
  metadata: Unlabelled<TrajectoryMetadata, MetadataLabelKey>;
};

/** A node or edge of a `TrajectoryRecord`. */
export type RecordNode = TrajectoryRecord["nodes"][number];
export type RecordEdge = TrajectoryRecord["edges"][number];

const AnomalyType = z.enum(ANOMALY_TYPES);

const PartLabelsShape = {
  is_anomalous: z.boolean(),
  anomaly_type: AnomalyType.nullable(),
  anomaly_metadata: AnomalyMetadataSchema.optional(),
  anomaly_role: z.enum(ANOMALY_ROLES).nullable(),
};

/**
 * One line of an evaluation set's label file (`labels/NNNNN.jsonl`): every label of one trajectory, keyed by its
 * `trajectory_id`, with the labels of every node and edge keyed by theirs, in the trajectory's order. A Parquet or
 * other writer can take its columns from this schema.
 */
export const TrajectoryLabelsSchema = z
  .strictObject({
    trajectory_id: z.uuid(),
    index: z.int().nonnegative().describe("position of the trajectory in its dataset"),
    split: z.enum(SPLIT_NAMES),
    is_anomalous: z.boolean(),
    anomaly_types: z.array(AnomalyType),
    anomaly_severity: z.enum(SEVERITY_LEVELS).nullable(),
    anomaly_metadata: AnomalyMetadataSchema.optional(),
    anomalies: z.array(AnomalyLabelSchema),
    nodes: z.array(z.strictObject({ node_id: z.uuid(), ...PartLabelsShape })),
    edges: z.array(z.strictObject({ edge_id: z.uuid(), ...PartLabelsShape })),
  })
  .meta({ title: "TrajectoryLabels", description: "The labels of one published trajectory (agentsynth eval set)." });

export type TrajectoryLabels = z.infer<typeof TrajectoryLabelsSchema>;

const TRAJECTORY_LABELS: ReadonlySet<string> = new Set(TRAJECTORY_LABEL_KEYS);
const METADATA_LABELS: ReadonlySet<string> = new Set(METADATA_LABEL_KEYS);
const PART_LABELS: ReadonlySet<string> = new Set(PART_LABEL_KEYS);

/**
 * Splits a generated trajectory into the record to publish (every field but the labels, in the same order) and its
 * labels. The trajectory itself is left as it is.
 * @example
 * const { record, labels } = separateLabels(trajectory); // record: shard line, labels: label file line
 */
export function separateLabels(trajectory: Trajectory): { record: TrajectoryRecord; labels: TrajectoryLabels } {
  const metadata = trajectory.metadata;
  const labels: TrajectoryLabels = {
    trajectory_id: trajectory.trajectory_id,
    index: trajectory.index,
    split: trajectory.split,
    is_anomalous: metadata.is_anomalous,
    anomaly_types: metadata.anomaly_types,
    anomaly_severity: metadata.anomaly_severity,
    ...(metadata.anomaly_metadata === undefined ? {} : { anomaly_metadata: metadata.anomaly_metadata }),
    anomalies: metadata.anomalies,
    nodes: trajectory.nodes.map((node) => ({ node_id: node.node_id, ...partLabels(node) })),
    edges: trajectory.edges.map((edge) => ({ edge_id: edge.edge_id, ...partLabels(edge) })),
  };
  const record = without(trajectory, TRAJECTORY_LABELS) as TrajectoryRecord;
  record.metadata = without(metadata, METADATA_LABELS) as TrajectoryRecord["metadata"];
  record.nodes = trajectory.nodes.map((node) => without(node, PART_LABELS) as TrajectoryRecord["nodes"][number]);
  record.edges = trajectory.edges.map((edge) => without(edge, PART_LABELS) as TrajectoryRecord["edges"][number]);
  return { record, labels };
}

function partLabels(part: TrajectoryNode | TrajectoryEdge): {
  is_anomalous: boolean;
  anomaly_type: TrajectoryNode["anomaly_type"];
  anomaly_metadata?: TrajectoryNode["anomaly_metadata"];
  anomaly_role: TrajectoryNode["anomaly_role"];
} {
  return {
    is_anomalous: part.is_anomalous,
    anomaly_type: part.anomaly_type,
    ...(part.anomaly_metadata === undefined ? {} : { anomaly_metadata: part.anomaly_metadata }),
    anomaly_role: part.anomaly_role,
  };
}

/** A shallow copy of `item` without the keys in `drop`, the others in their order. */
function without(item: object, drop: ReadonlySet<string>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) if (!drop.has(key)) copy[key] = value;
  return copy;
}
