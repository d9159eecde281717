import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../core/errors.ts";
import { createLambdaDeps, createLocalDeps, DEFAULT_PORT } from "../../functions/deps.ts";

let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "agentsynth-deps-"));
  // Only the bucket and an unset model key are linked: what a function without the queue or token would see.
  vi.stubEnv("SST_RESOURCE_App", JSON.stringify({ name: "agentsynth", stage: "test" }));
  vi.stubEnv("SST_RESOURCE_Datasets", JSON.stringify({ type: "sst.aws.Bucket", name: "bucket" }));
  vi.stubEnv("SST_RESOURCE_OpenaiApiKey", JSON.stringify({ type: "sst.sst.Secret", value: "unset" }));
});

afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("createLocalDeps", () => {
  it("uses the defaults when the environment is empty but for DATA_DIR", async () => {
    const deps = createLocalDeps({ DATA_DIR: dataDir });
    expect(deps).toMatchObject({ port: DEFAULT_PORT, host: "127.0.0.1", dataDir, maxReceives: 3, apiToken: undefined });
    expect(deps.store.driver).toBe("fs");
    await deps.queue.close();
  });

  it("names the variable, the value and what is allowed when a setting is invalid", () => {
    expect(() => createLocalDeps({ DATA_DIR: dataDir, PORT: "eighty" })).toThrow(ConfigError);
    expect(() => createLocalDeps({ DATA_DIR: dataDir, PORT: "eighty" })).toThrow(/PORT="eighty".*0 to 65535/);
    expect(() => createLocalDeps({ DATA_DIR: dataDir, WORKERS: "0" })).toThrow(/WORKERS="0".*positive integer/);
    expect(() => createLocalDeps({ DATA_DIR: dataDir, WORKERS: "0x4" })).toThrow(/WORKERS="0x4".*positive integer/);
    expect(() => createLocalDeps({ DATA_DIR: dataDir, PORT: "8e3" })).toThrow(/PORT="8e3"/);
    expect(() => createLocalDeps({ DATA_DIR: dataDir, SHARD_TIMEOUT_SECONDS: "0" })).toThrow(
      /SHARD_TIMEOUT_SECONDS="0".*positive integer/,
    );
  });
});

describe("createLambdaDeps", () => {
  it("builds the S3 store from the linked bucket and treats unlinked or unset secrets as absent", () => {
    const deps = createLambdaDeps({ SHARD_MAX_RECEIVES: "5" });
    expect(deps.store.driver).toBe("s3");
    expect(deps.maxReceives).toBe(5);
    expect(deps.apiToken).toBeUndefined();
  });

  it("fails when the queue is used by a function that is not linked to it", () => {
    const deps = createLambdaDeps({});
    expect(() => deps.queue).toThrow();
  });

  it("asks for the key when a task model is requested from a provider without one", () => {
    const deps = createLambdaDeps({});
    expect(() => deps.taskModels({ provider: "openai", seed: 1 })).toThrow(/OPENAI_API_KEY/);
    expect(deps.taskModels({ provider: "template", seed: 1 }).provider).toBe("template");
  });
});
