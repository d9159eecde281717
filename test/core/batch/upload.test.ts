import { describe, expect, it } from "vitest";
import { batchIdFor } from "../../../core/batch/batch-id.ts";
import { batchIdFromSpecKey, batchKeys, loadBatchSpec } from "../../../core/batch/batch-store.ts";
import { parseBatchSpec } from "../../../core/batch/spec.ts";
import { startBatchFromUpload, uploadResultKey } from "../../../core/batch/upload.ts";
import { createMemoryObjectStore } from "../../../core/storage/drivers/memory.ts";

async function readJson(store: ReturnType<typeof createMemoryObjectStore>, key: string): Promise<unknown> {
  const bytes = await store.get(key);
  return bytes === null ? null : JSON.parse(Buffer.from(bytes).toString("utf8"));
}

describe("startBatchFromUpload", () => {
  it("registers the batch and writes its id beside the spec when the upload is valid", async () => {
    const store = createMemoryObjectStore();
    await store.put("batches/nightly.yaml", "kind: trajectories\ntotal: 20\nseed: 5\nshard_size: 10\n");
    const outcome = await startBatchFromUpload(store, "batches/nightly.yaml");
    const id = batchIdFor(parseBatchSpec({ kind: "trajectories", total: 20, seed: 5, shard_size: 10 }));
    expect(outcome).toStrictEqual({
      status: "started",
      key: "batches/nightly.yaml",
      id,
      resultKey: "batches/nightly.result.json",
    });
    expect(await loadBatchSpec(store, id)).toMatchObject({ total: 20, seed: 5 });
    expect(await readJson(store, "batches/nightly.result.json")).toStrictEqual({
      id,
      source: "batches/nightly.yaml",
      status_url: `/v1/batches/${id}`,
    });
  });

  it("writes every problem to the result file and does not throw when the spec is invalid", async () => {
    const store = createMemoryObjectStore();
    await store.put("batches/bad.json", '{"kind": "trajectories", "total": -3, "seed": "x"}');
    const outcome = await startBatchFromUpload(store, "batches/bad.json");
    expect(outcome.status).toBe("rejected");
    const result = (await readJson(store, "batches/bad.result.json")) as {
      error: { issues: Array<{ field: string }> };
    };
    expect(result.error.issues.map((issue) => issue.field).sort()).toStrictEqual(["seed", "total"]);
  });

  it("ignores keys that are not specs, including its own result files", async () => {
    const store = createMemoryObjectStore();
    await store.put("batches/nightly.result.json", "{}");
    expect(await startBatchFromUpload(store, "batches/nightly.result.json")).toStrictEqual({
      status: "ignored",
      key: "batches/nightly.result.json",
    });
    expect(await startBatchFromUpload(store, "batches/gone.yaml")).toMatchObject({ status: "ignored" });
  });
});

describe("uploadResultKey", () => {
  it("replaces the spec extension with .result.json", () => {
    expect(uploadResultKey("batches/a.yml")).toBe("batches/a.result.json");
    expect(uploadResultKey("batches/a.json")).toBe("batches/a.result.json");
  });
});

describe("batchIdFromSpecKey", () => {
  it("finds the id in a registered spec key and nothing else", () => {
    const id = "traj-0123456789abcdef0123";
    expect(batchIdFromSpecKey(batchKeys(id).spec)).toBe(id);
    expect(batchIdFromSpecKey(`datasets/${id}/manifest.json`)).toBeNull();
    expect(batchIdFromSpecKey("batches/x.yaml")).toBeNull();
  });
});
