import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { ConfigError } from "../errors.ts";
import { createFsObjectStore } from "./drivers/fs.ts";
import { createMemoryObjectStore } from "./drivers/memory.ts";
import { createS3ObjectStore } from "./drivers/s3.ts";
import type { ObjectStore } from "./object-store.ts";

export type ObjectStoreOptions =
  | { driver: "memory" }
  | { driver: "fs"; baseDir: string; fsync?: boolean }
  | { driver: "s3"; bucket: string; clientConfig?: S3ClientConfig };

/**
 * Builds the store named by `driver`; the composition root picks fs locally and s3 when deployed.
 *
 * @example
 * const store = createObjectStore({ driver: "fs", baseDir: "./data" });
 */
export function createObjectStore(options: ObjectStoreOptions): ObjectStore {
  switch (options?.driver) {
    case "memory":
      return createMemoryObjectStore();
    case "fs":
      return createFsObjectStore(options.fsync === undefined ? { baseDir: options.baseDir } : options);
    case "s3":
      return createS3ObjectStore(
        options.clientConfig === undefined
          ? { bucket: options.bucket }
          : { bucket: options.bucket, clientConfig: options.clientConfig },
      );
    default: {
      const given = (options as { driver?: unknown } | undefined)?.driver;
      throw new ConfigError(
        `[storage] Unknown storage driver ${JSON.stringify(given)}: use "memory", "fs" (with baseDir) or "s3" (with bucket).`,
        [{ path: "driver", message: 'must be "memory", "fs" or "s3"', value: given }],
      );
    }
  }
}
