import { createRoute, z } from "@hono/zod-openapi";
import { EXAMPLES } from "./examples.ts";
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

const json = <T extends z.ZodType>(schema: T, description: string, example: unknown = EXAMPLES.error) => ({
  content: { "application/json": { schema, example } },
  description,
});
const errorExample = (code: string, message: string) => ({ error: { code, message } });
const errors = {
  400: json(ErrorSchema, "Invalid input: every problem is listed with its field, value and what is allowed."),
  401: json(
    ErrorSchema,
    "Missing or wrong bearer token (when the service has one configured).",
    errorExample("unauthorized", "Missing or invalid bearer token: send Authorization: Bearer <token>."),
  ),
  413: json(
    ErrorSchema,
    "Body or requested count too large.",
    errorExample(
      "payload_too_large",
      "count 5000 is above the limit of 1000 for a synchronous request; use POST /v1/batches.",
    ),
  ),
  503: json(
    ErrorSchema,
    "The data store could not be written or read (read-only, full, throttled or unreachable); the details are logged.",
    errorExample(
      "storage_failed",
      "The data store could not be written or read (…); the details are in the service log.",
    ),
  ),
};
const notFound = (description: string) =>
  json(ErrorSchema, description, errorExample("not_found", 'No batch with id "traj-0123456789abcdef0123".'));
const security = [{ bearer: [] }];

export const trajectoriesRoute = createRoute({
  method: "post",
  path: "/v1/trajectories",
  summary: "Generate a shard of trajectories on demand",
  description:
    "Streams JSONL (one trajectory per line; gzip when `gzip` is set, zstd with `compression: zstd`), or with `store: true` writes the shard to the " +
    "object store and replies with its key and sha256. Output is byte-identical to the CLI for the same seed and config.",
  security,
  request: {
    body: {
      content: {
        "application/json": { schema: TrajectoriesRequestSchema, examples: EXAMPLES.trajectoriesRequest },
      },
      required: true,
    },
  },
  responses: {
    200: {
      description: "The shard as JSONL (streamed), or the stored shard when it already existed.",
      content: {
        "application/x-ndjson": { schema: z.string(), example: EXAMPLES.trajectoryLine },
        "application/json": { schema: StoredShardSchema, example: { ...EXAMPLES.storedShard, created: false } },
      },
    },
    201: json(StoredShardSchema, "The shard was written to the store.", EXAMPLES.storedShard),
    ...errors,
  },
});

export const tasksRoute = createRoute({
  method: "post",
  path: "/v1/tasks",
  summary: "Generate a few ToolSandbox tasks synchronously",
  security,
  request: {
    body: {
      content: { "application/json": { schema: TasksRequestSchema, example: EXAMPLES.tasksRequest } },
      required: true,
    },
  },
  responses: {
    200: json(TasksResponseSchema, "The generated tasks.", EXAMPLES.tasksResponse),
    ...errors,
    502: json(
      ErrorSchema,
      "The model provider failed.",
      errorExample("llm_call_failed", "The model provider failed; try again later."),
    ),
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
  request: {
    body: {
      content: { "application/json": { schema: BatchSpecRequestSchema, examples: EXAMPLES.batchRequest } },
      required: true,
    },
  },
  responses: {
    202: json(BatchAcceptedSchema, "Accepted; shards are being generated.", EXAMPLES.batchAccepted),
    ...errors,
  },
});

export const batchStatusRoute = createRoute({
  method: "get",
  path: "/v1/batches/{id}",
  summary: "Progress of a batch",
  security,
  request: { params: BatchIdParamsSchema },
  responses: {
    200: json(
      BatchStatusSchema,
      "Shard counts, errors, what to do when stalled, and links once complete.",
      EXAMPLES.batchStatus,
    ),
    401: errors[401],
    404: notFound("No batch with this id."),
  },
});

export const cancelBatchRoute = createRoute({
  method: "delete",
  path: "/v1/batches/{id}",
  summary: "Cancel a batch",
  description:
    "Queued shards of the batch are skipped and its status becomes `cancelled`; shards already written stay. " +
    "POST the same spec again to resume it.",
  security,
  request: { params: BatchIdParamsSchema },
  responses: {
    200: json(BatchStatusSchema, "The batch is cancelled (or was already).", EXAMPLES.batchCancelled),
    401: errors[401],
    404: notFound("No batch with this id."),
    409: json(
      ErrorSchema,
      "The batch is already complete: there is nothing to cancel.",
      errorExample("batch_complete", "Batch traj-… is complete; there is nothing left to cancel."),
    ),
    503: errors[503],
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
      content: { "application/json": { schema: z.record(z.string(), z.unknown()), example: EXAMPLES.manifest } },
    },
    401: errors[401],
    404: notFound("No such batch, or not complete yet."),
  },
});

export const shardRoute = createRoute({
  method: "get",
  path: "/v1/batches/{id}/shards/{index}",
  summary: "Download one shard of a batch",
  description:
    "A JSONL shard is one file. A format parquet shard is one file per table and split: name one with `table` and `split`.",
  security,
  request: { params: ShardParamsSchema, query: ShardFileQuerySchema },
  responses: {
    200: {
      description: "The shard bytes (JSONL or gzip), or one Parquet file.",
      content: {
        "application/x-ndjson": { schema: z.string(), example: EXAMPLES.trajectoryLine },
        "application/vnd.apache.parquet": {
          schema: z.string().openapi({ format: "binary" }),
          example: "(binary: one Parquet file, starting and ending with PAR1)",
        },
      },
    },
    400: errors[400],
    401: errors[401],
    404: notFound("No such batch or shard not written yet."),
  },
});
