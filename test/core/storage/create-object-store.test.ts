import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import { createObjectStore, type ObjectStoreOptions } from "../../../core/storage/create-object-store.ts";

describe("createObjectStore", () => {
  it("builds the driver named in the options", async () => {
    const baseDir = await mkdtemp(path.join(tmpdir(), "agentsynth-create-store-"));
    try {
      const drivers = [
        createObjectStore({ driver: "memory" }).driver,
        createObjectStore({ driver: "fs", baseDir }).driver,
        createObjectStore({ driver: "s3", bucket: "datasets" }).driver,
      ];
      expect(drivers).toStrictEqual(["memory", "fs", "s3"]);
    } finally {
      await rm(baseDir, { recursive: true, force: true });
    }
  });

  it("rejects an unknown driver with a ConfigError listing the choices", () => {
    expect(() => createObjectStore({ driver: "gcs" } as unknown as ObjectStoreOptions)).toThrow(ConfigError);
    expect(() =>
      createObjectStore({ driver: "gcs" } as unknown as ObjectStoreOptions),
    ).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: [storage] Unknown storage driver "gcs": use "memory", "fs" (with baseDir) or "s3" (with bucket).]`,
    );
  });
});
