import { z } from "@hono/zod-openapi";
import { TaskBatchOptionsSchema, TaskBatchSpecSchema, TrajectoryBatchSpecSchema } from "../../core/batch/spec.ts";
import { TrajectoryDatasetSpecSchema } from "../../core/dataset/spec.ts";
import { PARQUET_TABLES } from "../../core/export/parquet/index.ts";

/** Largest on-demand trajectory shard: ~20 MB of JSONL (the size of a streamed Lambda reply stays sensible); larger sets go through batches. */
export const MAX_ON_DEMAND_TRAJECTORIES = 1_000;
/** Largest synchronous task request: each task is at least one model round trip. */
export const MAX_SYNC_TASKS = 20;
/** Request bodies above this get 413 (configs are a few KB; this leaves room for large template lists). */
export const MAX_BODY_BYTES = 1 << 20;

const datasetShape = TrajectoryDatasetSpecSchema.shape;

export const TrajectoriesRequestSchema = z
  .strictObject({
    seed: datasetShape.seed,
    count: z
      .int()
      .min(1)
      .describe(`Number of trajectories, at most ${MAX_ON_DEMAND_TRAJECTORIES} (more gets 413: use POST /v1/batches).`),
    start_index: datasetShape.start_index,
    config: datasetShape.config,
    anomaly_ratio: datasetShape.anomaly_ratio,
    gzip: datasetShape.gzip,
    compression: datasetShape.compression,
    format: datasetShape.format,
    store: z
      .boolean()
      .default(false)
      .describe(
        "Write the shard to the object store and reply with its key and sha256 instead of streaming it. Required for format parquet (a file per table and split cannot be one response).",
      ),
  })
  .openapi("TrajectoriesRequest");

export const StoredShardSchema = z
  .object({
    id: z.string().describe("Batch id of the stored shard (a one-shard batch): GET /v1/batches/{id} works for it."),
    key: z.string().describe("Object key of the shard."),
    manifest_key: z.string(),
    count: z.int(),
    bytes: z.int(),
    sha256: z.string(),
    files: z
      .array(
        z.object({
          key: z.string(),
          table: z.string(),
          split: z.string(),
          rows: z.int(),
          bytes: z.int(),
          sha256: z.string(),
        }),
      )
      .optional()
      .describe(
        "format parquet: the shard's files (one per table and split); then `key` is their pattern and `sha256` is the sha256 of their sha256sum listing.",
      ),
    created: z.boolean().describe("False when an identical request had already stored this shard."),
  })
  .openapi("StoredShard");

export const TasksRequestSchema = z
  .strictObject({
    seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
    count: z.int().min(1).describe(`Number of tasks, at most ${MAX_SYNC_TASKS} (more gets 413: use POST /v1/batches).`),
    start_index: z.int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
    ...TaskBatchOptionsSchema.shape,
  })
  .openapi("TasksRequest");

export const TasksResponseSchema = z
  .object({
    tasks: z.array(z.record(z.string(), z.unknown())).describe("One record per task, as in a task batch's JSONL."),
  })
  .openapi("TasksResponse");

export const BatchSpecRequestSchema = z
  .discriminatedUnion("kind", [
    // Rebuilt here: zod 4 attaches .openapi() per instance, and core's schemas exist before the extension does.
    z.strictObject(TrajectoryBatchSpecSchema.shape).openapi("TrajectoryBatchSpec"),
    z.strictObject(TaskBatchSpecSchema.shape).openapi("TaskBatchSpec"),
  ])
  .openapi("BatchSpec");

export const BatchAcceptedSchema = z
  .object({
    id: z.string().describe("Deterministic: the same spec always gets the same id."),
    status_url: z.string(),
    shards: z.int().describe("Shards in the batch."),
    estimate: z
      .object({
        items: z.int().describe("Trajectories or tasks in the batch."),
        shards: z.int(),
        bytes: z
          .int()
          .nullable()
          .describe(
            "Approximate size of the batch's trajectories as uncompressed JSONL, whatever the format (compressed JSONL and Parquet take about a tenth of it on disk); null for tasks.",
          ),
        largest_shard_bytes: z.int().nullable().describe("Approximate uncompressed size of the largest shard."),
        max_model_calls: z.int().nullable().describe("Most model calls the batch can make, retries included (tasks)."),
      })
      .describe("What the batch will cost, from a sample rendered before it was accepted."),
  })
  .openapi("BatchAccepted");

export const BatchIdParamsSchema = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, example: "traj-0123456789abcdef0123" }),
});

export const ShardParamsSchema = BatchIdParamsSchema.extend({
  index: z.coerce
    .number()
    .int()
    .min(0)
    .openapi({ param: { name: "index", in: "path" }, example: 0 }),
});

export const ShardFileQuerySchema = z.object({
  table: z
    .enum(PARQUET_TABLES)
    .optional()
    .openapi({ param: { name: "table", in: "query" }, description: "format parquet: which table's file" }),
  split: z
    .enum(["train", "validation", "test"])
    .optional()
    .openapi({ param: { name: "split", in: "query" }, description: "format parquet: which split's file" }),
});

export const BatchStatusSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["trajectories", "tasks"]),
    status: z
      .enum(["running", "complete", "failed", "stalled", "cancelled"])
      .describe(
        "`stalled`: no shard has finished for a while and some are still pending (see `hint`); `cancelled`: DELETE was called.",
      ),
    shards: z.object({ total: z.int(), done: z.int(), failed: z.int(), pending: z.int() }),
    manifest_key: z.string().nullable().describe("Object key of the manifest once every shard is done."),
    shards_prefix: z.string(),
    errors: z.array(
      z.object({ shard: z.int(), attempts: z.int(), final: z.boolean(), code: z.string(), message: z.string() }),
    ),
    hint: z.string().nullable().describe("What to do, when the batch is stalled, failed, damaged or cancelled."),
    links: z
      .object({ manifest: z.string(), shard: z.string().describe("URL template; replace {index}.") })
      .nullable()
      .describe("Download links once complete."),
  })
  .openapi("BatchStatus");

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z
        .array(
          z.object({
            field: z.string(),
            value: z.unknown().optional(),
            allowed: z.string().describe("What the field accepts."),
          }),
        )
        .optional(),
    }),
  })
  .openapi("Error");
