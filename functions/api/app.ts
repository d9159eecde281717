import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { bodyLimit } from "hono/body-limit";
import { isBatchId } from "../../core/batch/batch-id.ts";
import { batchKeys, loadBatchSpec } from "../../core/batch/batch-store.ts";
import type { FailureLedger } from "../../core/batch/failure-ledger.ts";
import { type StoredShard, storeTrajectoryShard } from "../../core/batch/on-demand.ts";
import {
  type BatchEstimate,
  type BatchLimits,
  DEFAULT_BATCH_LIMITS,
  type PlannedBatch,
  planBatch,
} from "../../core/batch/plan-batch.ts";
import { type BatchSpec, parseBatchSpec, type TrajectoryBatchSpec } from "../../core/batch/spec.ts";
import { getBatchStatus } from "../../core/batch/status.ts";
import { generateTaskRecords, type TaskModelFactory } from "../../core/batch/task-shard.ts";
import type { DoneRecordCache } from "../../core/batch/verify-done.ts";
import { renderTrajectoryShard } from "../../core/dataset/render-shard.ts";
import { formatOptionIssues, shardCompression } from "../../core/dataset/spec.ts";
import { ConfigError, InputError, issuesFromZod } from "../../core/errors.ts";
import { trajectoryFormat } from "../../core/export/formats.ts";
import { PARQUET_SPLITS, PARQUET_TABLES, parquetFileKey } from "../../core/export/parquet/index.ts";
import type { SchemaLike } from "../../core/schema-keys.ts";
import { MAX_SHARD_INDEX, type ShardCompression } from "../../core/storage/keys.ts";
import type { ObjectStore } from "../../core/storage/object-store.ts";
import type { TrajectoryConfig } from "../../core/trajectory/index.ts";
import { bearerAuth } from "./auth.ts";
import { apiIssues, errorBody, toErrorResponse } from "./errors.ts";
import {
  batchStatusRoute,
  cancelBatchRoute,
  createBatchRoute,
  manifestRoute,
  shardRoute,
  tasksRoute,
  trajectoriesRoute,
} from "./routes.ts";
import {
  BatchSpecRequestSchema,
  MAX_BODY_BYTES,
  MAX_ON_DEMAND_TRAJECTORIES,
  MAX_SYNC_TASKS,
  TasksRequestSchema,
  TrajectoriesRequestSchema,
} from "./schemas.ts";

export interface AppDeps {
  store: ObjectStore;
  /**
   * Starts (or resumes) a batch and returns its id and shard count. Deployed, registering the spec is enough (the
   * spec write notifies the fan-out function); locally it also sends the jobs to the in-process queue.
   */
  startBatch(spec: BatchSpec): Promise<{ id: string; shards: number; estimate: BatchEstimate }>;
  /** What one batch may ask for; default DEFAULT_BATCH_LIMITS. */
  limits?: BatchLimits;
  /** Shard failures the store could not take (local server), merged into batch status. */
  ledger?: FailureLedger;
  /** A batch with pending shards and no write for this long is reported `stalled`. */
  stallAfterMs?: number;
  /** Drops a cancelled batch's queued jobs where the queue allows it (locally); deployed, workers skip them. */
  cancelQueued?(batchId: string): void;
  taskModels: TaskModelFactory;
  /** When set, every /v1 route needs `Authorization: Bearer <apiToken>`. */
  apiToken?: string | undefined;
}

/** Request body schemas by path, so validation errors can list the keys each body allows. */
const BODY_SCHEMAS: Record<string, SchemaLike> = {
  "/v1/trajectories": TrajectoriesRequestSchema,
  "/v1/tasks": TasksRequestSchema,
  "/v1/batches": BatchSpecRequestSchema,
};

const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "agentsynth",
    version: "0.1.0",
    description: "Seeded synthetic data for AI agents: trajectories with labelled anomalies, and ToolSandbox tasks.",
  },
};

/**
 * The HTTP API as a Hono app; the Lambda handler and the local server wrap the same app.
 * @example
 * const app = createApp({ store, startBatch, taskModels });
 * await app.request("/v1/trajectories", { method: "POST", body: JSON.stringify({ seed: 1, count: 10 }) });
 */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono({
    defaultHook: async (result, c) => {
      if (result.success) return;
      // Zod issues carry paths, not values: look the values up in what was sent (the body parsed, or we would not
      // be here: malformed JSON is answered before validation).
      const isBody = result.target === "json";
      const sent = isBody ? await c.req.json().catch(() => undefined) : c.req.param();
      const schema = isBody ? BODY_SCHEMAS[c.req.path] : undefined;
      const issues = apiIssues(issuesFromZod(result.error.issues, sent, "", schema));
      const where = isBody ? "request body" : result.target === "param" ? "path parameters" : result.target;
      const noun = issues.length === 1 ? "problem" : "problems";
      const fields = issues.map((issue) => issue.field).join(", ");
      return c.json(errorBody("input_invalid", `Invalid ${where}: ${issues.length} ${noun} (${fields}).`, issues), 400);
    },
  });
  const limits = deps.limits ?? DEFAULT_BATCH_LIMITS;
  app.onError(toErrorResponse);
  app.notFound((c) => c.json(errorBody("not_found", `No route ${c.req.method} ${c.req.path}; see /docs.`), 404));
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });

  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json(errorBody("payload_too_large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`), 413),
    }),
  );
  if (deps.apiToken !== undefined && deps.apiToken !== "") app.use("/v1/*", bearerAuth(deps.apiToken));

  // Identical store requests in flight share one generation: one answers 201, the others 200 with the same shard.
  const storing = new Map<string, Promise<StoredShard>>();
  const storeOnce = async (planned: PlannedBatch): Promise<StoredShard> => {
    const running = storing.get(planned.id);
    if (running !== undefined) return { ...(await running), created: false };
    const started = storeTrajectoryShard(deps.store, planned.spec as TrajectoryBatchSpec, planned.config);
    storing.set(planned.id, started);
    try {
      return await started;
    } finally {
      storing.delete(planned.id);
    }
  };

  app.openapi(trajectoriesRoute, async (c) => {
    const body = c.req.valid("json");
    if (body.count > MAX_ON_DEMAND_TRAJECTORIES) return tooMany(c, "count", body.count, MAX_ON_DEMAND_TRAJECTORIES);
    const spec: TrajectoryBatchSpec = {
      kind: "trajectories",
      seed: body.seed,
      total: body.count,
      shard_size: body.count,
      start_index: body.start_index,
      gzip: body.gzip,
      ...(body.compression === undefined ? {} : { compression: body.compression }),
      format: body.format,
      ...(body.config === undefined ? {} : { config: body.config }),
      ...(body.anomaly_ratio === undefined ? {} : { anomaly_ratio: body.anomaly_ratio }),
    };
    // Checked before anything is streamed or stored: format options (a table format needs `store`), then the
    // config and index range, so a bad request is a 400, not a broken stream.
    assertStreamable(spec, body.store);
    const planned = planOnDemand(spec, limits);
    if (body.store) {
      const stored = await storeOnce(planned);
      const prefix = batchKeys(stored.id).prefix;
      const reply = {
        id: stored.id,
        key: stored.key,
        manifest_key: stored.manifest_key,
        count: stored.record.count,
        bytes: stored.record.bytes,
        sha256: stored.record.sha256,
        ...(stored.record.files === undefined
          ? {}
          : { files: stored.record.files.map((file) => ({ ...file, key: `${prefix}${file.key}` })) }),
        created: stored.created,
      };
      return c.json(reply, stored.created ? 201 : 200);
    }
    const chunks = renderTrajectoryShard({
      config: planned.config as TrajectoryConfig,
      seed: spec.seed,
      startIndex: spec.start_index,
      count: spec.total,
      gzip: spec.gzip,
      compression: shardCompression(spec),
      format: spec.format,
    });
    return new Response(ReadableStream.from(chunks), {
      status: 200,
      headers: {
        "content-type": CONTENT_TYPES[shardCompression(spec)],
        "x-agentsynth-count": String(spec.total),
        "x-agentsynth-start-index": String(spec.start_index),
      },
    }) as never;
  });

  app.openapi(tasksRoute, async (c) => {
    const body = c.req.valid("json");
    if (body.count > MAX_SYNC_TASKS) return tooMany(c, "count", body.count, MAX_SYNC_TASKS);
    const { seed, count, start_index, ...options } = body;
    const records = await generateTaskRecords({
      options,
      seed,
      startIndex: start_index,
      count,
      models: deps.taskModels,
      // Replies are cached in the store: the same request again makes no model call.
      store: deps.store,
    });
    return c.json({ tasks: records }, 200);
  });

  app.openapi(createBatchRoute, async (c) => {
    const spec = parseBatchSpec(c.req.valid("json"));
    const started = await deps.startBatch(spec);
    return c.json(
      {
        id: started.id,
        status_url: `/v1/batches/${started.id}`,
        shards: started.shards,
        estimate: started.estimate,
      },
      202,
    );
  });

  const doneRecords: DoneRecordCache = new Map();
  const statusOf = async (id: string) => {
    const status = isBatchId(id)
      ? await getBatchStatus(deps.store, id, {
          cache: doneRecords,
          ...(deps.ledger === undefined ? {} : { ledger: deps.ledger }),
          ...(deps.stallAfterMs === undefined ? {} : { stallAfterMs: deps.stallAfterMs }),
        })
      : null;
    if (status === null) return null;
    const { damaged, ...reply } = status;
    if (damaged.length > 0 && status.status !== "cancelled") {
      // Shards whose bytes no longer match their records are refilled: registering the spec again fans out only
      // what is missing (deployed, through the spec write's notification).
      const spec = await loadBatchSpec(deps.store, id);
      if (spec !== null) await deps.startBatch(spec);
    }
    // A Parquet batch (its files outside shards/) serves one file of a shard per table and split.
    const tables = reply.shards_prefix !== batchKeys(id).shardsPrefix;
    const shard = `/v1/batches/${id}/shards/{index}${tables ? "?table={table}&split={split}" : ""}`;
    const links = status.status === "complete" ? { manifest: `/v1/batches/${id}/manifest`, shard } : null;
    return { ...reply, links };
  };
  const noBatch = (id: string) => errorBody("not_found", `No batch with id ${JSON.stringify(id)}.`);

  app.openapi(batchStatusRoute, async (c) => {
    const { id } = c.req.valid("param");
    const status = await statusOf(id);
    if (status === null) return c.json(noBatch(id), 404);
    return c.json(status, 200);
  });

  app.openapi(cancelBatchRoute, async (c) => {
    const { id } = c.req.valid("param");
    const before = await statusOf(id);
    if (before === null) return c.json(noBatch(id), 404);
    if (before.status === "complete") {
      return c.json(errorBody("batch_complete", `Batch ${id} is complete; there is nothing left to cancel.`), 409);
    }
    await deps.store.put(batchKeys(id).cancelled, `${JSON.stringify({ id, cancelled: true })}\n`, {
      contentType: "application/json",
    });
    deps.cancelQueued?.(id);
    return c.json((await statusOf(id)) ?? before, 200);
  });

  app.openapi(manifestRoute, async (c) => {
    const { id } = c.req.valid("param");
    const bytes = isBatchId(id) ? await deps.store.get(batchKeys(id).manifest) : null;
    if (bytes === null)
      return c.json(errorBody("not_found", `Batch ${JSON.stringify(id)} has no manifest (yet).`), 404);
    return c.body(Buffer.from(bytes).toString("utf8"), 200, { "content-type": "application/json" }) as never;
  });

  app.openapi(shardRoute, async (c) => {
    const { id, index } = c.req.valid("param");
    const spec = isBatchId(id) && index <= MAX_SHARD_INDEX ? await loadBatchSpec(deps.store, id) : null;
    if (spec?.kind === "trajectories" && trajectoryFormat(spec.format).layout === "tables") {
      const { table, split } = c.req.valid("query");
      if (table === undefined || split === undefined) {
        throw new InputError(
          `Batch ${id} is in format ${spec.format}: shard ${index} is one file per table and split. Name one with ?table=${PARQUET_TABLES.join("|")}&split=${PARQUET_SPLITS.join("|")}.`,
          [{ path: table === undefined ? "table" : "split", message: "is required for format parquet", value: null }],
        );
      }
      const key = `${batchKeys(id).prefix}${parquetFileKey(table, split, index)}`;
      const file = await deps.store.getStream(key);
      if (file === null)
        return c.json(
          errorBody("not_found", `File ${table}/${split} of shard ${index} of batch ${id} is not written.`),
          404,
        );
      return new Response(ReadableStream.from(file), {
        headers: { "content-type": "application/vnd.apache.parquet" },
      }) as never;
    }
    const compression = spec?.kind === "trajectories" ? shardCompression(spec) : "none";
    const stream = spec === null ? null : await deps.store.getStream(batchKeys(id).shard(index, { compression }));
    if (stream === null)
      return c.json(errorBody("not_found", `Shard ${index} of batch ${JSON.stringify(id)} is not written.`), 404);
    return new Response(ReadableStream.from(stream), {
      headers: { "content-type": CONTENT_TYPES[compression] },
    }) as never;
  });

  app.doc31("/openapi.json", OPENAPI_INFO);
  // Scalar's interactive reference, rendered from the same document; its script loads from Scalar's CDN in the
  // browser, so the page needs a network connection while the API itself does not.
  app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "agentsynth API" }));
  app.get("/", (c) => c.redirect("/docs"));
  return app;
}

export type App = ReturnType<typeof createApp>;

/** An on-demand request checked as the one-shard batch it is (config, index range), without a size estimate. */
function planOnDemand(spec: TrajectoryBatchSpec, limits: BatchLimits): PlannedBatch {
  try {
    return planBatch(spec, { ...limits, maxShardSize: MAX_ON_DEMAND_TRAJECTORIES }, { estimate: false });
  } catch (error) {
    // The request calls the batch's `total` `count`: name the field the caller sent.
    if (!(error instanceof ConfigError)) throw error;
    const issues = error.issues.map((issue) => (issue.path === "total" ? { ...issue, path: "count" } : issue));
    throw new ConfigError("Invalid request", issues, { listIssues: true });
  }
}

/**
 * Checks the format options of an on-demand request: gzip applies to JSONL formats only, and a table format
 * (Parquet: one file per table and split in each shard) cannot be one streamed response, so it needs
 * `store: true` (the reply lists the files) or a batch.
 */
function assertStreamable(spec: TrajectoryBatchSpec, store: boolean): void {
  const issues = formatOptionIssues(spec);
  if (issues.length > 0) throw new InputError("Invalid trajectory request", issues);
  if (!store && trajectoryFormat(spec.format).layout === "tables") {
    throw new InputError(
      `format ${spec.format} writes ${PARQUET_TABLES.length * PARQUET_SPLITS.length} files per shard (${PARQUET_TABLES.join(", ")}, each by split), which one response cannot stream. Send "store": true to write them to the store (the reply lists their keys), or POST /v1/batches for a dataset.`,
      [{ path: "format", message: "needs store: true (or a batch)", value: spec.format }],
    );
  }
}

/** Content types of a JSONL shard by its compression. */
const CONTENT_TYPES: Readonly<Record<ShardCompression, string>> = {
  none: "application/x-ndjson",
  gzip: "application/gzip",
  zstd: "application/zstd",
};

function tooMany(c: { json: (body: unknown, status: 413) => Response }, field: string, value: number, max: number) {
  const message = `${field} ${value} is above the limit of ${max} for a synchronous request; use POST /v1/batches.`;
  return c.json(errorBody("payload_too_large", message, [{ field, value, allowed: `at most ${max}` }]), 413) as never;
}
