import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { isBatchId } from "../core/batch/batch-id.ts";
import { batchKeys } from "../core/batch/batch-store.ts";
import { checkShards, describeShardCheck } from "../core/batch/check-shards.ts";
import { ConfigError } from "../core/errors.ts";
import { createFsObjectStore } from "../core/storage/drivers/fs.ts";
import type { ObjectStore } from "../core/storage/object-store.ts";
import type { CliIo } from "./io.ts";
import { SPEC_KEY } from "./shard-output.ts";

const HELP = `agentsynth verify: check every shard of a dataset against its manifest (size and sha256)

Usage:
  agentsynth verify DIR                          a dataset directory written by "agentsynth trajectories"
  agentsynth verify --batch ID [--data-dir DIR]  a batch of the local service (DATA_DIR, default ./data)

Exit codes: 0 every shard matches, 1 a shard is missing or differs (or there is no manifest), 2 usage error.`;

/** The part of a manifest (trajectory dataset or task batch) that verify needs. */
const ManifestShardsSchema = z.object({
  shards: z.array(
    z.object({
      index: z.int().min(0),
      key: z.string(),
      bytes: z.int().min(0),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});

export async function runVerifyCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv);
  if (values.help) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  const target = await resolveTarget(values, positionals, io);
  const manifestKey = `${target.prefix}manifest.json`;
  const bytes = await target.store.get(manifestKey);
  if (bytes === null) {
    const started = (await target.store.head(`${target.prefix}${SPEC_KEY}`)) !== null;
    io.stderr.write(
      started
        ? `${target.label} has no manifest.json: the run did not finish. Finish it with "agentsynth trajectories --resume" (same flags), or resubmit the batch.\n`
        : `${target.label} has no manifest.json: it is not a dataset written by agentsynth.\n`,
    );
    return 1;
  }
  let manifest: z.output<typeof ManifestShardsSchema>;
  try {
    manifest = ManifestShardsSchema.parse(JSON.parse(Buffer.from(bytes).toString("utf8")));
  } catch {
    io.stderr.write(`${target.label}/manifest.json is not an agentsynth manifest (no valid "shards" list).\n`);
    return 1;
  }
  const checks = await checkShards(target.store, target.prefix, manifest.shards);
  const bad = checks.filter((check) => check.problem !== null);
  for (const check of bad) io.stdout.write(`FAIL ${describeShardCheck(check)}\n`);
  const totalBytes = manifest.shards.reduce((sum, shard) => sum + shard.bytes, 0);
  const summary = `${manifest.shards.length} shard(s), ${(totalBytes / 1e6).toFixed(1)} MB, in ${target.label}`;
  if (bad.length === 0) {
    io.stdout.write(`ok: ${summary} match manifest.json (size and sha256)\n`);
    return 0;
  }
  const fix = target.batch
    ? "resubmit the batch to regenerate them"
    : 'run "agentsynth trajectories --resume" with the same flags to regenerate them';
  io.stdout.write(`${bad.length} of ${summary} do not match manifest.json: ${fix}.\n`);
  return 1;
}

interface Target {
  store: ObjectStore;
  /** Dataset root inside the store ("" for a directory). */
  prefix: string;
  label: string;
  batch: boolean;
}

async function resolveTarget(
  values: ReturnType<typeof parseFlags>["values"],
  positionals: string[],
  io: CliIo,
): Promise<Target> {
  if (values.batch !== undefined) {
    if (positionals.length > 0) {
      throw new ConfigError(`Give either a DIR or --batch ID, not both (got ${JSON.stringify(positionals[0])}).`);
    }
    if (!isBatchId(values.batch)) {
      throw new ConfigError(
        `Invalid --batch ${JSON.stringify(values.batch)}: a batch id is "traj-" or "task-" and 20 hex digits, as POST /v1/batches answered.`,
        [{ path: "--batch", message: 'must be "traj-" or "task-" and 20 lower-case hex digits', value: values.batch }],
      );
    }
    const dataDir = resolve(values["data-dir"] ?? io.env.DATA_DIR ?? "./data");
    await assertDirectory("--data-dir", dataDir);
    const prefix = batchKeys(values.batch).prefix;
    return {
      store: createFsObjectStore({ baseDir: dataDir }),
      prefix,
      label: `batch ${values.batch} (${dataDir}/${prefix.slice(0, -1)})`,
      batch: true,
    };
  }
  if (values["data-dir"] !== undefined) throw new ConfigError("--data-dir goes with --batch ID.");
  if (positionals.length !== 1) {
    throw new ConfigError(
      positionals.length === 0
        ? 'Missing DIR: run "agentsynth verify DIR" with a dataset directory, or --batch ID.'
        : `verify takes one DIR, got ${positionals.length}: ${positionals.join(" ")}`,
    );
  }
  const dir = resolve(positionals[0] as string);
  await assertDirectory("DIR", dir);
  return { store: createFsObjectStore({ baseDir: dir }), prefix: "", label: dir, batch: false };
}

async function assertDirectory(what: string, dir: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (info === null || !info.isDirectory()) {
    throw new ConfigError(`${what} ${dir} ${info === null ? "does not exist" : "is not a directory"}.`, [
      { path: what, message: "must be an existing directory", value: dir },
    ]);
  }
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        batch: { type: "string" },
        "data-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. Run "agentsynth verify --help" for the options.`);
  }
}
