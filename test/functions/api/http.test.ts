import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchIdFor } from "../../../core/batch/batch-id.ts";
import { parseBatchSpec } from "../../../core/batch/spec.ts";
import { renderTrajectoryShard } from "../../../core/dataset/render-shard.ts";
import { resolveDatasetConfig } from "../../../core/dataset/resolve-config.ts";
import { parseTrajectoryDatasetSpec } from "../../../core/dataset/spec.ts";
import { createLocalDeps } from "../../../functions/deps.ts";
import { type LocalServer, startLocalServer } from "../../../functions/local.ts";

let dataDir: string;
let server: LocalServer;
const TOKEN = "local-test-token";
const auth = { authorization: `Bearer ${TOKEN}` };

function post(path: string, body: unknown, headers: Record<string, string> = auth): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

async function waitForStatus(id: string, status: string, timeoutMs = 25_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = (await (await fetch(`${server.url}/v1/batches/${id}`, { headers: auth })).json()) as Record<
      string,
      unknown
    >;
    if (reply.status === status || Date.now() > deadline) return reply;
    await delay(25);
  }
}

async function expectedShard(seed: number, startIndex: number, count: number): Promise<Buffer> {
  const spec = parseTrajectoryDatasetSpec({ seed, total: count });
  const parts: Buffer[] = [];
  for await (const chunk of renderTrajectoryShard({
    config: resolveDatasetConfig(spec),
    seed,
    startIndex,
    count,
    gzip: false,
  })) {
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "agentsynth-local-"));
  const deps = createLocalDeps({ DATA_DIR: dataDir, PORT: "0", WORKERS: "2", AGENTSYNTH_API_TOKEN: TOKEN });
  server = await startLocalServer(deps);
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("local server over HTTP", () => {
  it("streams POST /v1/trajectories over a real socket", async () => {
    const response = await post("/v1/trajectories", { seed: 3, count: 4 });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    expect(Buffer.from(await response.arrayBuffer()).equals(await expectedShard(3, 0, 4))).toBe(true);
  });

  it("writes a stored shard under DATA_DIR", async () => {
    const response = await post("/v1/trajectories", { seed: 3, count: 2, store: true });
    expect(response.status).toBe(201);
    const { key } = (await response.json()) as { key: string };
    expect(readFileSync(join(dataDir, key)).equals(await expectedShard(3, 0, 2))).toBe(true);
  });

  it("serves POST /v1/tasks with the offline template provider", async () => {
    const response = await post("/v1/tasks", { seed: 1, count: 1, categories: [["contact"]], provider: "template" });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { tasks: unknown[] }).tasks).toHaveLength(1);
  });

  it("runs a posted batch on worker threads to completion and serves its manifest and shards", async () => {
    const accepted = await post("/v1/batches", { kind: "trajectories", total: 9, shard_size: 2, seed: 8 });
    expect(accepted.status).toBe(202);
    const { id, status_url } = (await accepted.json()) as { id: string; status_url: string };
    const status = await waitForStatus(id, "complete");
    expect(status).toMatchObject({ status: "complete", shards: { total: 5, done: 5, failed: 0, pending: 0 } });
    const manifest = await fetch(`${server.url}/v1/batches/${id}/manifest`, { headers: auth });
    expect(((await manifest.json()) as { totals: { trajectories: number } }).totals.trajectories).toBe(9);
    const shard = await fetch(`${server.url}/v1/batches/${id}/shards/4`, { headers: auth });
    expect(Buffer.from(await shard.arrayBuffer()).equals(await expectedShard(8, 8, 1))).toBe(true);
    expect(status_url).toBe(`/v1/batches/${id}`);
  });

  it("starts a batch from a spec file dropped into DATA_DIR/batches", async () => {
    writeFileSync(join(dataDir, "batches", "dropped.yaml"), "kind: trajectories\ntotal: 3\nshard_size: 2\nseed: 13\n");
    const id = batchIdFor(parseBatchSpec({ kind: "trajectories", total: 3, shard_size: 2, seed: 13 }));
    for (let i = 0; i < 200 && (await fetch(`${server.url}/v1/batches/${id}`, { headers: auth })).status === 404; i++) {
      await delay(25);
    }
    expect(await waitForStatus(id, "complete")).toMatchObject({ status: "complete" });
    expect(JSON.parse(readFileSync(join(dataDir, "batches", "dropped.result.json"), "utf8"))).toMatchObject({ id });
  });

  it("answers 401, 400, 404 and 413 over HTTP as in-process", async () => {
    expect((await post("/v1/trajectories", { seed: 1, count: 1 }, {})).status).toBe(401);
    expect((await post("/v1/trajectories", { seed: -1, count: 1 })).status).toBe(400);
    expect((await fetch(`${server.url}/v1/batches/traj-00000000000000000000`, { headers: auth })).status).toBe(404);
    expect((await post("/v1/trajectories", { seed: 1, count: 5_000 })).status).toBe(413);
  });

  it("serves /openapi.json and /docs without a token", async () => {
    expect((await fetch(`${server.url}/openapi.json`)).status).toBe(200);
    expect(await (await fetch(`${server.url}/docs`)).text()).toContain('"url": "/openapi.json"');
  });
});
