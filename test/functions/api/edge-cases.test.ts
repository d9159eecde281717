import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ShardJob } from "../../../core/batch/shard-job.ts";
import { submitBatch } from "../../../core/batch/submit.ts";
import type { TaskModelFactory } from "../../../core/batch/task-shard.ts";
import { createFsObjectStore } from "../../../core/storage/drivers/fs.ts";
import { createLanguageModel } from "../../../core/tasks/create-language-model.ts";
import { createApp } from "../../../functions/api/app.ts";
import { makeReadOnly } from "../../helpers/read-only-dir.ts";

const templateModels: TaskModelFactory = (options) =>
  createLanguageModel({ provider: options.provider, seed: options.seed });

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The app over a real filesystem store in a fresh folder, with a queue that records what it was sent. */
function setup() {
  const dataDir = mkdtempSync(join(tmpdir(), "agentsynth-edge-"));
  dirs.push(dataDir);
  const store = createFsObjectStore({ baseDir: dataDir });
  const sent: ShardJob[] = [];
  const queue = {
    async send(jobs: readonly ShardJob[]) {
      sent.push(...jobs);
    },
  };
  const app = createApp({
    store,
    taskModels: templateModels,
    async startBatch(spec) {
      const result = await submitBatch(store, queue, spec);
      return { id: result.id, shards: result.shards, estimate: result.estimate };
    },
  });
  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
  const stored = () => readdirSync(dataDir, { recursive: true }).map(String);
  return { app, store, sent, post, dataDir, stored };
}

interface ErrorReply {
  error: { code: string; message: string; issues?: Array<{ field: string; value?: unknown; allowed: string }> };
}

async function errorOf(response: Response): Promise<ErrorReply["error"]> {
  return ((await response.json()) as ErrorReply).error;
}

function deeplyNested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe("requests that can never run get a 4xx naming the field, and leave nothing behind", () => {
  it("caps shard_size and total, with the limit in the message", async () => {
    const { post, sent, stored } = setup();
    const response = await post("/v1/batches", { kind: "trajectories", total: 1e9, shard_size: 1e9, seed: 1 });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe("config_invalid");
    expect(error.issues?.map((issue) => issue.field).sort()).toStrictEqual(["shard_size", "total"]);
    expect(error.issues?.find((issue) => issue.field === "shard_size")?.allowed).toContain("at most 100000");
    expect(error.issues?.find((issue) => issue.field === "total")?.allowed).toContain("BATCH_MAX_TOTAL");
    expect(sent).toHaveLength(0);
    expect(stored()).toStrictEqual([]);
  });

  it("rejects a shard whose estimated size does not fit one worker, suggesting a shard size that does", async () => {
    const { post, stored } = setup();
    const config = {
      data_generation: { trajectory_patterns: { complex_research: { min_nodes: 900, max_nodes: 1000 } } },
    };
    const response = await post("/v1/batches", {
      kind: "trajectories",
      total: 100_000,
      shard_size: 100_000,
      seed: 1,
      config,
    });
    expect(response.status).toBe(400);
    const [issue] = (await errorOf(response)).issues ?? [];
    expect(issue?.field).toBe("shard_size");
    expect(issue?.allowed).toMatch(
      /GiB with this config, above the 2\.0 GiB one worker can write; use a shard_size of at most \d+/,
    );
    expect(stored()).toStrictEqual([]);
  });

  it("answers an invalid generator config in a batch with the same 400 as an on-demand request, storing nothing", async () => {
    const { post, sent, stored } = setup();
    const config = { data_generation: { trajectory_patterns: { linear: { weight: 1 } } } };
    const onDemand = await post("/v1/trajectories", { seed: 1, count: 5, config });
    const batch = await post("/v1/batches", { kind: "trajectories", total: 50, shard_size: 10, seed: 1, config });
    expect(onDemand.status).toBe(400);
    expect(batch.status).toBe(400);
    const onDemandIssues = (await errorOf(onDemand)).issues;
    expect((await errorOf(batch)).issues).toStrictEqual(onDemandIssues);
    expect(onDemandIssues?.[0]).toMatchObject({ field: "config.data_generation.trajectory_patterns.linear" });
    expect(sent).toHaveLength(0);
    expect(stored()).toStrictEqual([]);
  });

  it("bounds start_index so indices (and ids) stay exact below 2^53", async () => {
    const { post, stored } = setup();
    const near = 2 ** 53 - 3;
    const onDemand = await post("/v1/trajectories", { seed: 1, count: 10, start_index: near });
    expect(onDemand.status).toBe(400);
    expect((await errorOf(onDemand)).issues?.[0]).toMatchObject({ field: "start_index", value: near });
    const batch = await post("/v1/batches", { kind: "trajectories", total: 10, seed: 1, start_index: near });
    expect(batch.status).toBe(400);
    expect((await errorOf(batch)).issues?.[0]?.allowed).toContain(`at most ${2 ** 53 - 10}`);
    const tasks = await post("/v1/batches", {
      kind: "tasks",
      total: 10,
      seed: 1,
      start_index: near,
      tasks: { categories: [["contact"]], provider: "template" },
    });
    expect(tasks.status).toBe(400);
    // The last index that is still exact is accepted.
    const last = await post("/v1/trajectories", { seed: 1, count: 1, start_index: 2 ** 53 - 1 });
    expect(last.status).toBe(200);
    expect(stored()).toStrictEqual([]);
  });

  it("rejects JSON nested 3,000 deep in config with a 400 naming config, not a stack overflow", async () => {
    const { post, stored } = setup();
    const config = deeplyNested(3_000);
    for (const [path, body] of [
      ["/v1/trajectories", { seed: 1, count: 1, config }],
      ["/v1/trajectories", { seed: 1, count: 1, config, store: true }],
      ["/v1/batches", { kind: "trajectories", total: 10, seed: 1, config }],
    ] as const) {
      const response = await post(path, body);
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.issues?.[0]).toMatchObject({ field: "config" });
      expect(error.issues?.[0]?.allowed).toContain("more than 16 levels deep");
    }
    expect(stored()).toStrictEqual([]);
  });

  it("rejects an epoch whose timestamps would leave 4-digit years", async () => {
    const { post } = setup();
    const config = { data_generation: { epoch: "9999-12-31T00:00:00Z" } };
    for (const [path, body] of [
      ["/v1/trajectories", { seed: 1, count: 1, config }],
      ["/v1/batches", { kind: "trajectories", total: 10, seed: 1, config }],
    ] as const) {
      const response = await post(path, body);
      expect(response.status).toBe(400);
      expect((await errorOf(response)).issues?.[0]).toMatchObject({
        field: "config.data_generation.epoch",
        value: "9999-12-31T00:00:00Z",
      });
    }
  });

  it("names misspelt config sections with a did-you-mean in on-demand requests and batches", async () => {
    const { post } = setup();
    const config = { anomaly_injecton: { ratio: 0.5 }, data_generaton: {}, random_sed: 3 };
    for (const [path, body] of [
      ["/v1/trajectories", { seed: 1, count: 1, config }],
      ["/v1/batches", { kind: "trajectories", total: 10, seed: 1, config }],
    ] as const) {
      const response = await post(path, body);
      expect(response.status).toBe(400);
      const issues = (await errorOf(response)).issues ?? [];
      expect(issues.map((issue) => issue.field)).toStrictEqual([
        "config.anomaly_injecton",
        "config.data_generaton",
        "config.random_sed",
      ]);
      expect(issues[0]?.allowed).toContain('did you mean "anomaly_injection"?');
      expect(issues[2]?.allowed).toContain('did you mean "random_seed"?');
    }
  });

  it("says the body is invalid (not 'Invalid json') when the JSON parsed, and malformed JSON when it did not", async () => {
    const { post } = setup();
    const invalid = await errorOf(await post("/v1/batches", { kind: "trajectories", totl: 10, seed: 1 }));
    expect(invalid.message).toBe("Invalid request body: 2 problems (total, totl).");
    expect(invalid.issues?.find((issue) => issue.field === "totl")?.allowed).toContain('did you mean "total"?');
    const malformed = await post("/v1/batches", "{ not json");
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).message).toMatch(/malformed/i);
  });

  it("replies with a size estimate when a batch is accepted", async () => {
    const { post } = setup();
    const response = await post("/v1/batches", { kind: "trajectories", total: 1_000, shard_size: 400, seed: 3 });
    expect(response.status).toBe(202);
    const { estimate } = (await response.json()) as { estimate: Record<string, number | null> };
    expect(estimate).toMatchObject({ items: 1_000, shards: 3, max_model_calls: null });
    // A default trajectory is 10-30 KB of JSONL.
    expect(estimate.bytes).toBeGreaterThan(10_000 * 1_000);
    expect(estimate.bytes).toBeLessThan(30_000 * 1_000);
    expect(estimate.largest_shard_bytes).toBeCloseTo((estimate.bytes as number) * 0.4, -3);
  });
});

describe("concurrent identical store requests", () => {
  it("generate once: one 201, every other reply a 200 with the same shard", async () => {
    const { post } = setup();
    const body = { seed: 9, count: 200, store: true };
    const replies = await Promise.all(Array.from({ length: 50 }, () => post("/v1/trajectories", body)));
    const statuses = replies.map((reply) => reply.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(49);
    const bodies = (await Promise.all(replies.map((reply) => reply.json()))) as Array<{ sha256: string; key: string }>;
    expect(new Set(bodies.map((reply) => `${reply.key} ${reply.sha256}`)).size).toBe(1);
  });
});

describe("storage faults", () => {
  it("answer store:true and POST /v1/batches with a coded 503, not a generic 500", async () => {
    const { post, dataDir } = setup();
    const restore = makeReadOnly(dataDir);
    try {
      for (const [path, body] of [
        ["/v1/trajectories", { seed: 1, count: 5, store: true }],
        ["/v1/batches", { kind: "trajectories", total: 10, seed: 1 }],
      ] as const) {
        const response = await post(path, body);
        expect(response.status).toBe(503);
        const error = await errorOf(response);
        expect(error.code).toBe("storage_failed");
        expect(error.message).toContain("could not be written");
        expect(error.message).not.toContain(dataDir);
      }
    } finally {
      restore();
    }
  });
});
