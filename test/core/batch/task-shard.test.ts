import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { batchIdFor } from "../../../core/batch/batch-id.ts";
import { batchKeys, saveBatchSpec } from "../../../core/batch/batch-store.ts";
import { runShardJob } from "../../../core/batch/run-shard.ts";
import { planShardJobs } from "../../../core/batch/shard-job.ts";
import { handleShardMessage } from "../../../core/batch/shard-message.ts";
import { parseBatchSpec } from "../../../core/batch/spec.ts";
import { getBatchStatus } from "../../../core/batch/status.ts";
import { generateTaskLines, type TaskModelFactory } from "../../../core/batch/task-shard.ts";
import { type ConfigError, LlmCallError } from "../../../core/errors.ts";
import { languageModelOptionsFromEnv } from "../../../core/llm/index.ts";
import { createFsObjectStore } from "../../../core/storage/drivers/fs.ts";
import { createMemoryObjectStore } from "../../../core/storage/drivers/memory.ts";
import { createLanguageModel } from "../../../core/tasks/create-language-model.ts";

const templateModels: TaskModelFactory = (options) =>
  createLanguageModel({ provider: options.provider, seed: options.seed });

const spec = parseBatchSpec({
  kind: "tasks",
  total: 5,
  seed: 42,
  shard_size: 3,
  tasks: { categories: [["contact"], ["messaging", "contact"]], provider: "template", concurrency: 2 },
});

describe("task batches", () => {
  it("writes one JSONL line per task, in index order, when a task shard runs", async () => {
    const store = createMemoryObjectStore();
    const id = batchIdFor(spec);
    await saveBatchSpec(store, id, spec);
    const jobs = planShardJobs(id, spec);
    for (const job of jobs) await runShardJob(job, { store, taskModels: templateModels });
    const text = Buffer.from((await store.get(batchKeys(id).shard(1)))!).toString("utf8");
    const lines = text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { index: number });
    expect(lines.map((line) => line.index)).toStrictEqual([3, 4]);
    expect(await getBatchStatus(store, id)).toMatchObject({ status: "complete", kind: "tasks" });
    const manifest = JSON.parse(Buffer.from((await store.get(batchKeys(id).manifest))!).toString("utf8"));
    expect(manifest).toMatchObject({ format: "agentsynth.task-batch/v1", totals: { tasks: 5, shards: 2 } });
  });

  it("gives the same lines for the same seed with the offline template provider", async () => {
    const input = shardInput({ seed: 42, count: 2, models: templateModels });
    expect(await generateTaskLines(input)).toStrictEqual(await generateTaskLines(input));
  });

  it("turns the spec's share of tasks into insufficient-information scenarios", async () => {
    const withRatio = parseBatchSpec({
      kind: "tasks",
      total: 6,
      seed: 42,
      tasks: {
        categories: [["contact", "messaging"]],
        provider: "template",
        insufficient_information_ratio: 1,
      },
    });
    const lines = await generateTaskLines({
      options: withRatio.kind === "tasks" ? withRatio.tasks : never(),
      seed: 42,
      startIndex: 0,
      count: 6,
      models: templateModels,
    });
    const kinds = lines.map((line) => (JSON.parse(line) as { scenario?: { kind?: string } }).scenario?.kind);
    expect(kinds).toContain("insufficient_information");
    let error: unknown;
    try {
      parseBatchSpec({
        kind: "tasks",
        total: 1,
        seed: 1,
        tasks: { categories: [["contact"]], provider: "template", insufficient_information_ratio: 2 },
      });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).issues.map((issue) => issue.path)).toStrictEqual([
      "tasks.insufficient_information_ratio",
    ]);
  });

  it("passes the spec's multi_turn_ratio through to the generator", async () => {
    const withRatio = parseBatchSpec({
      kind: "tasks",
      total: 6,
      seed: 42,
      tasks: { categories: [["contact", "messaging"]], provider: "template", multi_turn_ratio: 1 },
    });
    const options = withRatio.kind === "tasks" ? withRatio.tasks : never();
    expect(options.multi_turn_ratio).toBe(1);
    const lines = await generateTaskLines({ options, seed: 42, startIndex: 0, count: 6, models: templateModels });
    const kinds = lines.map((line) => (JSON.parse(line) as { scenario?: { kind?: string } }).scenario?.kind);
    expect(kinds).toContain("multiple_user_turn");
    const { multi_turn_ratio: _ratio, ...without } = options;
    const standard = await generateTaskLines({
      options: without,
      seed: 42,
      startIndex: 0,
      count: 6,
      models: templateModels,
    });
    expect(standard.some((line) => line.includes("multiple_user_turn"))).toBe(false);
    let error: unknown;
    try {
      parseBatchSpec({
        kind: "tasks",
        total: 1,
        seed: 1,
        tasks: { categories: [["contact"]], provider: "template", multi_turn_ratio: -0.5 },
      });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).issues.map((issue) => issue.path)).toStrictEqual(["tasks.multi_turn_ratio"]);
  });

  it("fails the shard, so the queue retries it, when every task fails calling the model", async () => {
    const providerDown: TaskModelFactory = () => ({
      provider: "openai",
      modelId: "gpt-test",
      async generate() {
        throw new LlmCallError("OpenAI is unavailable (503)", { provider: "openai", status: 503, isRetryable: true });
      },
    });
    const input = shardInput({ seed: 1, count: 2, models: providerDown });
    await expect(generateTaskLines(input)).rejects.toThrow(/Every task of the shard failed calling the model/);
  });

  it("records a shard whose provider key is missing as llm_key_missing, not as a storage failure", async () => {
    // The fs store: its errno mapping once read this CoreError's code as an unknown file system error.
    const dir = await mkdtemp(join(tmpdir(), "agentsynth-key-"));
    try {
      const store = createFsObjectStore({ baseDir: dir });
      const openai = parseBatchSpec({
        kind: "tasks",
        total: 2,
        seed: 1,
        tasks: { categories: [["contact"]], provider: "openai" },
      });
      const id = batchIdFor(openai);
      await saveBatchSpec(store, id, openai);
      const noKeys: TaskModelFactory = (options) =>
        createLanguageModel(languageModelOptionsFromEnv(options.provider, {}, { seed: options.seed }));
      const [job] = planShardJobs(id, openai);
      const error = await handleShardMessage(
        JSON.stringify(job),
        { attempt: 3, maxReceives: 3 },
        {
          store,
          taskModels: noKeys,
        },
      ).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "llm_key_missing" });
      expect(await getBatchStatus(store, id)).toMatchObject({
        errors: [{ code: "llm_key_missing", message: expect.stringContaining("set OPENAI_API_KEY") }],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("fails with a clear error when the worker has no model factory", async () => {
    const input = shardInput({ seed: 1, count: 1, models: undefined });
    await expect(generateTaskLines(input)).rejects.toThrow(/no language model factory/);
  });
});

/** Input for `generateTaskLines` over the test spec's task options, from index 0. */
function shardInput(input: { seed: number; count: number; models: TaskModelFactory | undefined }) {
  return { options: spec.kind === "tasks" ? spec.tasks : never(), startIndex: 0, ...input };
}

function never(): never {
  throw new Error("spec is a task spec");
}
