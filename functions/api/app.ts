import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { isBatchId } from "../../core/batch/batch-id.ts";
import { batchKeys, loadBatchSpec } from "../../core/batch/batch-store.ts";
import { storeTrajectoryShard } from "../../core/batch/on-demand.ts";
import { type BatchSpec, datasetSpecOf, parseBatchSpec, type TrajectoryBatchSpec } from "../../core/batch/spec.ts";
import { getBatchStatus } from "../../core/batch/status.ts";
import { generateTaskRecords, type TaskModelFactory } from "../../core/batch/task-shard.ts";
import { renderTrajectoryShard } from "../../core/dataset/render-shard.ts";
import { resolveDatasetConfig } from "../../core/dataset/resolve-config.ts";
import { issuesFromZod } from "../../core/errors.ts";
import { MAX_SHARD_INDEX } from "../../core/storage/keys.ts";
import type { ObjectStore } from "../../core/storage/object-store.ts";
import { bearerAuth } from "./auth.ts";
import { docsPage } from "./docs-page.ts";
import { apiIssues, errorBody, toErrorResponse } from "./errors.ts";
import {
  batchStatusRoute,
  createBatchRoute,
  manifestRoute,
  shardRoute,
  tasksRoute,
  trajectoriesRoute,
} from "./routes.ts";
import { MAX_BODY_BYTES, MAX_ON_DEMAND_TRAJECTORIES, MAX_SYNC_TASKS } from "./schemas.ts";

export interface AppDeps {
  store: ObjectStore;
  /**
   * Starts (or resumes) a batch and returns its id and shard count. Deployed, registering the spec is enough (the
   * spec write notifies the fan-out function); locally it also sends the jobs to the in-process queue.
   */
  startBatch(spec: BatchSpec): Promise<{ id: string; shards: number }>;
  taskModels: TaskModelFactory;
  /** When set, every /v1 route needs `Authorization: Bearer <apiToken>`. */
  apiToken?: string | undefined;
}

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
      // Zod issues carry paths, not values: look the values up in what was sent.
      const sent = result.target === "json" ? await c.req.json().catch(() => undefined) : c.req.param();
      const issues = apiIssues(issuesFromZod(result.error.issues, sent));
      return c.json(errorBody("input_invalid", `Invalid ${result.target}: ${issues.length} problem(s)`, issues), 400);
    },
  });
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
      format: body.format,
      ...(body.config === undefined ? {} : { config: body.config }),
      ...(body.anomaly_ratio === undefined ? {} : { anomaly_ratio: body.anomaly_ratio }),
    };
    if (body.store) {
      const stored = await storeTrajectoryShard(deps.store, spec);
      const reply = {
        id: stored.id,
        key: stored.key,
        manifest_key: stored.manifest_key,
        count: stored.record.count,
        bytes: stored.record.bytes,
        sha256: stored.record.sha256,
        created: stored.created,
      };
      return c.json(reply, stored.created ? 201 : 200);
    }
    // Resolve before streaming: a bad config must be a 400, not a broken stream.
    const config = resolveDatasetConfig(datasetSpecOf(spec));
    const chunks = renderTrajectoryShard({
      config,
      seed: spec.seed,
      startIndex: spec.start_index,
      count: spec.total,
      gzip: spec.gzip,
      format: spec.format,
    });
    return new Response(ReadableStream.from(chunks), {
      status: 200,
      headers: {
        "content-type": spec.gzip ? "application/gzip" : "application/x-ndjson",
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
    return c.json({ id: started.id, status_url: `/v1/batches/${started.id}`, shards: started.shards }, 202);
  });

  app.openapi(batchStatusRoute, async (c) => {
    const { id } = c.req.valid("param");
    const status = isBatchId(id) ? await getBatchStatus(deps.store, id) : null;
    if (status === null) return c.json(errorBody("not_found", `No batch with id ${JSON.stringify(id)}.`), 404);
    const links =
      status.status === "complete"
        ? { manifest: `/v1/batches/${id}/manifest`, shard: `/v1/batches/${id}/shards/{index}` }
        : null;
    return c.json({ ...status, links }, 200);
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
    const gzip = spec?.kind === "trajectories" && spec.gzip;
    const stream = spec === null ? null : await deps.store.getStream(batchKeys(id).shard(index, { gzip }));
    if (stream === null)
      return c.json(errorBody("not_found", `Shard ${index} of batch ${JSON.stringify(id)} is not written.`), 404);
    return new Response(ReadableStream.from(stream), {
      headers: { "content-type": gzip ? "application/gzip" : "application/x-ndjson" },
    }) as never;
  });

  app.doc31("/openapi.json", OPENAPI_INFO);
  app.get("/docs", (c) => c.html(docsPage(app.getOpenAPI31Document(OPENAPI_INFO))));
  app.get("/", (c) => c.redirect("/docs"));
  return app;
}

export type App = ReturnType<typeof createApp>;

function tooMany(c: { json: (body: unknown, status: 413) => Response }, field: string, value: number, max: number) {
  const message = `${field} ${value} is above the limit of ${max} for a synchronous request; use POST /v1/batches.`;
  return c.json(errorBody("payload_too_large", message, [{ field, value, allowed: `at most ${max}` }]), 413) as never;
}
