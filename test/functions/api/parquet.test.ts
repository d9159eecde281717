import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runShardJob } from "../../../core/batch/run-shard.ts";
import type { ShardJob } from "../../../core/batch/shard-job.ts";
import { submitBatch } from "../../../core/batch/submit.ts";
import { createMemoryObjectStore } from "../../../core/storage/drivers/memory.ts";
import { createApp } from "../../../functions/api/app.ts";
import { readParquetRows } from "../../helpers/duckdb.ts";

function setup() {
  const store = createMemoryObjectStore();
  const sent: ShardJob[] = [];
  const app = createApp({
    store,
    taskModels: () => {
      throw new Error("no task batches here");
    },
    async startBatch(spec) {
      const result = await submitBatch(store, { send: async (jobs) => void sent.push(...jobs) }, spec);
      return { id: result.id, shards: result.shards, estimate: result.estimate };
    },
  });
  const post = (path: string, body: unknown) =>
    app.request(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  return { app, store, sent, post };
}

interface StoredReply {
  id: string;
  key: string;
  sha256: string;
  files: Array<{ key: string; table: string; split: string; rows: number; bytes: number; sha256: string }>;
}

describe("format parquet over the API", () => {
  it("refuses to stream Parquet and points to store: true or a batch", async () => {
    const { post } = setup();
    const response = await post("/v1/trajectories", { seed: 1, count: 5, format: "parquet" });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("input_invalid");
    expect(body.error.message).toMatch(/"store": true.*POST \/v1\/batches/);
    const gzip = await post("/v1/trajectories", { seed: 1, count: 5, format: "parquet", gzip: true, store: true });
    expect(gzip.status).toBe(400);
  });

  it("stores a file per table and split with store: true and lists them with their sha256", async () => {
    const { post, store } = setup();
    const response = await post("/v1/trajectories", { seed: 3, count: 40, format: "parquet", store: true });
    expect(response.status).toBe(201);
    const reply = (await response.json()) as StoredReply;
    expect(reply.key).toBe(`datasets/${reply.id}/{table}/{split}/00000.parquet`);
    expect(reply.files).toHaveLength(12);
    expect(reply.files.filter((f) => f.table === "trajectories").reduce((sum, f) => sum + f.rows, 0)).toBe(40);
    for (const file of reply.files) {
      const bytes = await store.get(file.key);
      expect(bytes).not.toBeNull();
      expect(
        createHash("sha256")
          .update(bytes as Uint8Array)
          .digest("hex"),
      ).toBe(file.sha256);
    }
    const again = await post("/v1/trajectories", { seed: 3, count: 40, format: "parquet", store: true });
    expect(again.status).toBe(200);
    expect(((await again.json()) as StoredReply).sha256).toBe(reply.sha256);
  });

  it("runs a parquet batch through its shard jobs and serves each file by table and split", async () => {
    const { post, app, store, sent } = setup();
    const accepted = await post("/v1/batches", {
      kind: "trajectories",
      total: 30,
      shard_size: 20,
      seed: 5,
      format: "parquet",
    });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    for (const job of sent) await runShardJob(job, { store });
    const manifest = JSON.parse(Buffer.from((await store.get(`datasets/${id}/manifest.json`))!).toString("utf8")) as {
      shards: Array<{ files: Array<{ key: string; rows: number }> }>;
    };
    expect(manifest.shards.map((shard) => shard.files.length)).toStrictEqual([12, 12]);

    // The status points at where the files are: the table folders at the dataset root, one file per table and split.
    const status = (await (await app.request(`/v1/batches/${id}`)).json()) as {
      shards_prefix: string;
      links: { shard: string };
    };
    expect(status.shards_prefix).toBe(`datasets/${id}/`);
    expect(status.links.shard).toBe(`/v1/batches/${id}/shards/{index}?table={table}&split={split}`);

    const missing = await app.request(`/v1/batches/${id}/shards/1`);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/\?table=.*&split=/);

    const response = await app.request(`/v1/batches/${id}/shards/1?table=nodes&split=train`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/vnd.apache.parquet");
    const path = join(mkdtempSync(join(tmpdir(), "agentsynth-api-parquet-")), "nodes.parquet");
    writeFileSync(path, Buffer.from(await response.arrayBuffer()));
    const rows = await readParquetRows(path, "trajectory_id, node_index");
    const entry = manifest.shards[1]?.files.find((file) => file.key === "nodes/train/00001.parquet");
    expect(rows).toHaveLength(entry?.rows ?? -1);
  });
});
