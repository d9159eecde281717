import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { batchIdFor } from "../../../core/batch/batch-id.ts";
import { batchKeys } from "../../../core/batch/batch-store.ts";
import { runShardJob } from "../../../core/batch/run-shard.ts";
import type { ShardJob } from "../../../core/batch/shard-job.ts";
import { parseBatchSpec } from "../../../core/batch/spec.ts";
import { submitBatch } from "../../../core/batch/submit.ts";
import type { TaskModelFactory } from "../../../core/batch/task-shard.ts";
import { renderTrajectoryShard } from "../../../core/dataset/render-shard.ts";
import { resolveDatasetConfig } from "../../../core/dataset/resolve-config.ts";
import { parseTrajectoryDatasetSpec } from "../../../core/dataset/spec.ts";
import { summarize } from "../../../core/dataset/write-shard.ts";
import { createMemoryObjectStore } from "../../../core/storage/drivers/memory.ts";
import type { ObjectStore } from "../../../core/storage/object-store.ts";
import { createLanguageModel } from "../../../core/tasks/create-language-model.ts";
import { createApp } from "../../../functions/api/app.ts";

const templateModels: TaskModelFactory = (options) =>
  createLanguageModel({ provider: options.provider, seed: options.seed });

function setup(options: { apiToken?: string; store?: ObjectStore } = {}) {
  const store = options.store ?? createMemoryObjectStore();
  const sent: ShardJob[] = [];
  const queue = {
    async send(jobs: readonly ShardJob[]) {
      sent.push(...jobs);
    },
  };
  const app = createApp({
    store,
    taskModels: templateModels,
    apiToken: options.apiToken,
    async startBatch(spec) {
      const result = await submitBatch(store, queue, spec);
      return { id: result.id, shards: result.shards, estimate: result.estimate };
    },
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
      headers: { "content-type": "application/json", ...headers },
    });
  return { app, store, sent, post };
}

async function expectedShard(input: Record<string, unknown>, startIndex: number, count: number): Promise<Buffer> {
  const spec = parseTrajectoryDatasetSpec({ total: count, ...input });
  const parts: Buffer[] = [];
  for await (const chunk of renderTrajectoryShard({
    config: resolveDatasetConfig(spec),
    seed: spec.seed,
    startIndex,
    count,
    gzip: spec.gzip,
  })) {
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

describe("POST /v1/trajectories", () => {
  it("streams JSONL byte-identical to the generator when store is not set", async () => {
    const { post } = setup();
    const response = await post("/v1/trajectories", { seed: 42, count: 6, start_index: 3, anomaly_ratio: 0.3 });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.equals(await expectedShard({ seed: 42, anomaly_ratio: 0.3 }, 3, 6))).toBe(true);
    expect(body.toString("utf8").trimEnd().split("\n")).toHaveLength(6);
  });

  it("streams gzip when gzip is set", async () => {
    const { post } = setup();
    const response = await post("/v1/trajectories", { seed: 1, count: 2, gzip: true });
    expect(response.headers.get("content-type")).toBe("application/gzip");
    const body = Buffer.from(await response.arrayBuffer());
    expect([body[0], body[1]]).toStrictEqual([0x1f, 0x8b]);
  });

  it("stores the shard and replies 201 with key and sha256, then 200 for the same request", async () => {
    const { post, store } = setup();
    const first = await post("/v1/trajectories", { seed: 7, count: 4, store: true });
    expect(first.status).toBe(201);
    const reply = (await first.json()) as Record<string, unknown>;
    const id = batchIdFor(parseBatchSpec({ kind: "trajectories", seed: 7, total: 4, shard_size: 4 }));
    const expected = await expectedShard({ seed: 7 }, 0, 4);
    expect(reply).toStrictEqual({
      id,
      key: `datasets/${id}/shards/00000.jsonl`,
      manifest_key: `datasets/${id}/manifest.json`,
      count: 4,
      created: true,
      ...(await summarize(Readable.from([expected]))),
    });
    expect(Buffer.from((await store.get(reply.key as string))!).equals(expected)).toBe(true);
    const second = await post("/v1/trajectories", { seed: 7, count: 4, store: true });
    expect(second.status).toBe(200);
    expect(await second.json()).toStrictEqual({ ...reply, created: false });
  });

  it("lists every problem with field, value and what is allowed when the body is invalid", async () => {
    const { post } = setup();
    const response = await post("/v1/trajectories", { seed: "x", count: 0, anomaly_ratio: 3, formt: "graph" });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { code: string; issues: Array<{ field: string; value?: unknown; allowed: string }> };
    };
    expect(body.error.code).toBe("input_invalid");
    const byField = Object.fromEntries(body.error.issues.map((issue) => [issue.field, issue]));
    expect(Object.keys(byField).sort()).toStrictEqual(["anomaly_ratio", "count", "formt", "seed"]);
    expect(byField.count).toMatchObject({ value: 0 });
    expect(byField.anomaly_ratio?.allowed).toMatch(/1/);
    // The unknown key is named where it was sent, with the key it was probably meant to be.
    expect(byField.formt?.allowed).toMatch(/^unknown key "formt"; did you mean "format"\? allowed: seed, count, /);
    expect((body.error as { message?: string }).message).toBe(
      "Invalid request body: 4 problems (seed, count, anomaly_ratio, formt).",
    );
  });

  it("answers 400 for a config the generator rejects, before any byte is streamed", async () => {
    const { post } = setup();
    const response = await post("/v1/trajectories", {
      seed: 1,
      count: 2,
      config: {
        data_generation: { trajectory_patterns: { no_such_pattern: { min_nodes: 3, max_nodes: 5, weight: 1 } } },
      },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("config_invalid");
  });

  it("answers 400 for malformed JSON", async () => {
    const { post } = setup();
    const response = await post("/v1/trajectories", "{not json");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "input_invalid" } });
  });

  it("answers 415 naming the content type to use when the body is not declared as JSON", async () => {
    const { app } = setup();
    const response = await app.request("/v1/trajectories", { method: "POST", body: '{"seed":1,"count":1}' });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({
      error: { code: "unsupported_media_type", message: expect.stringContaining("application/json") },
    });
  });

  it("answers 413 when count is above the synchronous limit or the body is too large", async () => {
    const { post } = setup();
    const tooMany = await post("/v1/trajectories", { seed: 1, count: 1_000_000 });
    expect(tooMany.status).toBe(413);
    expect(await tooMany.json()).toMatchObject({
      error: { code: "payload_too_large", message: expect.stringContaining("/v1/batches") },
    });
    const huge = await post("/v1/trajectories", { seed: 1, count: 1, config: { padding: "x".repeat(2 << 20) } });
    expect(huge.status).toBe(413);
  });
});

describe("POST /v1/tasks", () => {
  it("returns generated task records when the request is valid", async () => {
    const { post } = setup();
    const response = await post("/v1/tasks", { seed: 3, count: 2, categories: [["contact"]], provider: "template" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { tasks: Array<{ index: number }> };
    expect(body.tasks.map((task) => task.index)).toStrictEqual([0, 1]);
  });

  it("rejects unknown categories and providers, naming what is allowed", async () => {
    const { post } = setup();
    const response = await post("/v1/tasks", { seed: 3, count: 2, categories: [["telepathy"]], provider: "oracle" });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { issues: Array<{ field: string; allowed: string }> } };
    const fields = body.error.issues.map((issue) => issue.field).sort();
    expect(fields).toStrictEqual(["categories.0.0", "provider"]);
    expect(body.error.issues.find((issue) => issue.field === "provider")?.allowed).toMatch(
      /template.*openai.*anthropic/,
    );
  });

  it("answers 413 above the synchronous task limit", async () => {
    const { post } = setup();
    const response = await post("/v1/tasks", { seed: 3, count: 500, categories: [["contact"]], provider: "template" });
    expect(response.status).toBe(413);
  });
});

describe("batches", () => {
  it("accepts a batch with 202, reports progress, and links the manifest and shards once complete", async () => {
    const { post, app, store, sent } = setup();
    const accepted = await post("/v1/batches", { kind: "trajectories", total: 5, shard_size: 2, seed: 4 });
    expect(accepted.status).toBe(202);
    const { id, status_url, shards } = (await accepted.json()) as { id: string; status_url: string; shards: number };
    expect(status_url).toBe(`/v1/batches/${id}`);
    expect(shards).toBe(3);

    const running = (await (await app.request(status_url)).json()) as Record<string, unknown>;
    expect(running).toMatchObject({
      status: "running",
      shards: { total: 3, done: 0, failed: 0, pending: 3 },
      links: null,
    });

    for (const job of sent) await runShardJob(job, { store });
    const complete = (await (await app.request(status_url)).json()) as Record<string, unknown>;
    expect(complete).toMatchObject({
      id,
      status: "complete",
      shards: { total: 3, done: 3, failed: 0, pending: 0 },
      manifest_key: `datasets/${id}/manifest.json`,
      errors: [],
      links: { manifest: `/v1/batches/${id}/manifest`, shard: `/v1/batches/${id}/shards/{index}` },
    });

    const manifest = await app.request(`/v1/batches/${id}/manifest`);
    expect(manifest.status).toBe(200);
    expect(await manifest.text()).toBe(Buffer.from((await store.get(batchKeys(id).manifest))!).toString("utf8"));
    const shard = await app.request(`/v1/batches/${id}/shards/2`);
    expect(Buffer.from(await shard.arrayBuffer()).equals(await expectedShard({ seed: 4 }, 4, 1))).toBe(true);
  });

  it("gives the same id and sends only missing shards when the same spec is posted again", async () => {
    const { post, store, sent } = setup();
    const spec = { kind: "trajectories", total: 4, shard_size: 2, seed: 9 };
    const first = (await (await post("/v1/batches", spec)).json()) as { id: string };
    await runShardJob(sent[0]!, { store });
    sent.length = 0;
    const second = (await (await post("/v1/batches", { ...spec, start_index: 0 })).json()) as { id: string };
    expect(second.id).toBe(first.id);
    expect(sent.map((job) => job.shard)).toStrictEqual([1]);
  });

  it("rejects an invalid batch spec with every problem listed", async () => {
    const { post } = setup();
    const response = await post("/v1/batches", { kind: "tasks", total: 10, seed: 1, tasks: { provider: "template" } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { issues: [{ field: "tasks.categories" }] } });
  });

  it("answers 404 for unknown and malformed batch ids, missing manifests and shards", async () => {
    const { app, post } = setup();
    expect((await app.request("/v1/batches/traj-00000000000000000000")).status).toBe(404);
    expect((await app.request("/v1/batches/..%2F..%2Fetc")).status).toBe(404);
    const { id } = (await (await post("/v1/batches", { kind: "trajectories", total: 2, seed: 1 })).json()) as {
      id: string;
    };
    expect((await app.request(`/v1/batches/${id}/manifest`)).status).toBe(404);
    expect((await app.request(`/v1/batches/${id}/shards/0`)).status).toBe(404);
    expect((await app.request(`/v1/batches/${id}/shards/100000`)).status).toBe(404);
    expect((await app.request(`/v1/batches/${id}/shards/-1`)).status).toBe(400);
  });
});

describe("errors, auth and docs", () => {
  it("answers 404 with JSON for unknown routes", async () => {
    const { app } = setup();
    const response = await app.request("/v2/nothing");
    expect(response.status).toBe(404);
    expect(await response.json()).toStrictEqual({
      error: { code: "not_found", message: "No route GET /v2/nothing; see /docs." },
    });
  });

  it("hides internal errors behind a generic 500 without stack or message", async () => {
    const broken: ObjectStore = {
      ...createMemoryObjectStore(),
      async get() {
        throw new Error("secret-key-AKIA1234 at /var/task/core/x.ts:1:1");
      },
    };
    const { app } = setup({ store: broken });
    const response = await app.request("/v1/batches/traj-00000000000000000000");
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/AKIA|var\/task|at /);
    expect(JSON.parse(text)).toMatchObject({ error: { code: "internal" } });
  });

  it("requires the bearer token on /v1 routes when one is configured", async () => {
    const { app, post } = setup({ apiToken: "s3cret-token" });
    expect((await post("/v1/trajectories", { seed: 1, count: 1 })).status).toBe(401);
    const wrong = await post("/v1/trajectories", { seed: 1, count: 1 }, { authorization: "Bearer s3cret-tokeN" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain("Bearer");
    const right = await post("/v1/trajectories", { seed: 1, count: 1 }, { authorization: "Bearer s3cret-token" });
    expect(right.status).toBe(200);
    expect((await app.request("/openapi.json")).status).toBe(200);
  });

  it("publishes an OpenAPI 3.1 document generated from the request schemas", async () => {
    const { app } = setup();
    const document = (await (await app.request("/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths).sort()).toStrictEqual([
      "/v1/batches",
      "/v1/batches/{id}",
      "/v1/batches/{id}/manifest",
      "/v1/batches/{id}/shards/{index}",
      "/v1/tasks",
      "/v1/trajectories",
    ]);
    expect(Object.keys(document.components.schemas.TrajectoriesRequest?.properties ?? {}).sort()).toStrictEqual([
      "anomaly_ratio",
      "compression",
      "config",
      "count",
      "format",
      "gzip",
      "seed",
      "start_index",
      "store",
    ]);
  });
});
