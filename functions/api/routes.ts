import { createRoute, z } from "@hono/zod-openapi";
import {
  BatchAcceptedSchema,
  BatchIdParamsSchema,
  BatchSpecRequestSchema,
  BatchStatusSchema,
  ErrorSchema,
  ShardFileQuerySchema,
  ShardParamsSchema,
  StoredShardSchema,
  TasksRequestSchema,
  TasksResponseSchema,
  TrajectoriesRequestSchema,
} from "./schemas.ts";

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
const errors = {
  400: json(ErrorSchema, "Invalid input: every problem is listed with its field, value and what is allowed."),
  401: json(ErrorSchema, "Missing or wrong bearer token (when the service has one configured)."),
  413: json(ErrorSchema, "Body or requested count too large."),
};
const security = [{ bearer: [] }];

export const trajectoriesRoute = createRoute({
  method: "post",
  path: "/v1/trajectories",
  summary: "Generate a shard of trajectories on demand",
  description:
    "Streams JSONL (one trajectory per line; gzip when `gzip` is set, zstd with `compression: zstd`), or with `store: true` writes the shard to the " +
    "object store and replies with its key and sha256. Output is byte-identical to the CLI for the same seed and config.",
  security,
  request: { body: { content: { "application/json": { schema: TrajectoriesRequestSchema } }, required: true } },
  responses: {
    200: {
      description: "The shard as JSONL (streamed), or the stored shard when it already existed.",
      content: {
        "application/x-ndjson": { schema: z.string() },
        "application/json": { schema: StoredShardSchema },
      },
    },
    201: json(StoredShardSchema, "The shard was written to the store."),
    ...errors,
  },
});

export const tasksRoute = createRoute({
  method: "post",
  path: "/v1/tasks",
  summary: "Generate a few ToolSandbox tasks synchronously",
  security,
  request: { body: { content: { "application/json": { schema: TasksRequestSchema } }, required: true } },
  responses: {
    200: json(TasksResponseSchema, "The generated tasks."),
    ...errors,
    502: json(ErrorSchema, "The model provider failed."),
  },
});

export const createBatchRoute = createRoute({
  method: "post",
  path: "/v1/batches",
  summary: "Start (or resume) a large trajectory or task batch",
  description:
    "The id is derived from the spec, so submitting the same spec again resumes the batch: only missing shards are " +
    "generated. Poll `status_url` for progress.",
  security,
  request: { body: { content: { "application/json": { schema: BatchSpecRequestSchema } }, required: true } },
  responses: { 202: json(BatchAcceptedSchema, "Accepted; shards are being generated."), ...errors },
});

export const batchStatusRoute = createRoute({
  method: "get",
  path: "/v1/batches/{id}",
  summary: "Progress of a batch",
  security,
  request: { params: BatchIdParamsSchema },
  responses: {
    200: json(BatchStatusSchema, "Shard counts, errors, and links once complete."),
    401: errors[401],
    404: json(ErrorSchema, "No batch with this id."),
  },
});

export const manifestRoute = createRoute({
  method: "get",
  path: "/v1/batches/{id}/manifest",
  summary: "The manifest of a complete batch",
  security,
  request: { params: BatchIdParamsSchema },
  responses: {
    200: {
      description: "manifest.json",
      content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
    },
    401: errors[401],
    404: json(ErrorSchema, "No such batch, or not complete yet."),
  },
});

export const shardRoute = createRoute({
  method: "get",
  path: "/v1/batches/{id}/shards/{index}",
  summary: "Download one shard of a batch",
  description:
    "A JSONL shard is one file. A format parquet shard is nine, one per table and split: name one with `table` and `split`.",
  security,
  request: { params: ShardParamsSchema, query: ShardFileQuerySchema },
  responses: {
    200: {
      description: "The shard bytes (JSONL or gzip), or one Parquet file.",
      content: {
        "application/x-ndjson": { schema: z.string() },
        "application/vnd.apache.parquet": { schema: z.string().openapi({ format: "binary" }) },
      },
    },
    400: errors[400],
    401: errors[401],
    404: json(ErrorSchema, "No such batch or shard not written yet."),
  },
});
