import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseConfigText } from "../core/dataset/config-text.ts";
import type { ShardEntry } from "../core/dataset/manifest.ts";
import { datasetFiles } from "../core/dataset/outputs.ts";
import { planShards } from "../core/dataset/plan.ts";
import { produceTrajectoryShard } from "../core/dataset/produce-shard.ts";
import { resolveDatasetConfig } from "../core/dataset/resolve-config.ts";
import { DEFAULT_SHARD_SIZE, parseTrajectoryDatasetSpec, withEvalSecret } from "../core/dataset/spec.ts";
import type { DatasetStatsJSON } from "../core/dataset/stats.ts";
import { ConfigError } from "../core/errors.ts";
import { TRAJECTORY_FORMAT_NAMES } from "../core/export/formats.ts";
import { createFsObjectStore } from "../core/storage/drivers/fs.ts";
import type { CliIo } from "./io.ts";
import { createProgress } from "./progress.ts";
import { runShardsOnWorkers } from "./shard-pool.ts";

/** Below this many trajectories (about 3 s on one core), starting worker threads costs more than they save. */
const MIN_TOTAL_FOR_WORKERS = 30_000;

const HELP = `agentsynth trajectories: write a dataset of agent trajectories as JSONL shards plus a manifest

Options:
  --count N            number of trajectories (required)
  --out DIR            output directory (required); gets manifest.json, README.md and shards/
  --seed S             dataset seed (default: random_seed from --config, else 42)
  --config FILE        YAML (or JSON) generator config; see README "Configuration"
  --shard-size K       trajectories per shard file (default ${DEFAULT_SHARD_SIZE})
  --anomaly-ratio R    fraction of anomalous trajectories, 0..1 (overrides anomaly_injection.ratio)
  --epoch ISO          time the timestamps start from (sets data_generation.epoch), e.g. a recent date so a
                       trace store with retention keeps the OTLP export
  --format F           shard lines: ${TRAJECTORY_FORMAT_NAMES.join(" | ")} (default trajectory); graph = integer node
                       indices, edge_index and categorical columns (PyG/DGL), otlp = OpenTelemetry OTLP/JSON traces
  --gzip               write shards as .jsonl.gz
  --eval-set           an evaluation set: labels, split, seed and index go to labels/NNNNN.jsonl (keyed by
                       trajectory_id) and not into the shards, and all randomness is keyed with a secret kept in
                       labels/manifest.json; publish the directory without labels/
  --eval-secret HEX    the evaluation set's secret (32-128 hex digits; implies --eval-set); the same seed and secret
                       give the same bytes. Without it a new secret is generated
  --workers W          worker threads (default: all cores from 30,000 trajectories, else 1); the output is
                       identical for any W
  --force              write into a non-empty --out directory
  --quiet              no progress bar
  -h, --help           this text`;

export async function runTrajectoriesCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv);
  if (values.help) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  const configInput = withEpoch(values.config === undefined ? {} : readConfigFile(values.config), values.epoch);
  const seedFromConfig = (configInput as { random_seed?: unknown }).random_seed;
  const evalSet = values["eval-set"] === true || values["eval-secret"] !== undefined;
  const parsed = parseTrajectoryDatasetSpec({
    seed:
      values.seed === undefined
        ? typeof seedFromConfig === "number"
          ? seedFromConfig
          : 42
        : toNumber("--seed", values.seed),
    total: values.count === undefined ? undefined : toNumber("--count", values.count),
    shard_size:
      values["shard-size"] === undefined ? DEFAULT_SHARD_SIZE : toNumber("--shard-size", values["shard-size"]),
    gzip: values.gzip ?? false,
    ...(values.format === undefined ? {} : { format: values.format }),
    ...(values["anomaly-ratio"] === undefined
      ? {}
      : { anomaly_ratio: toNumber("--anomaly-ratio", values["anomaly-ratio"]) }),
    ...(values.config === undefined && values.epoch === undefined ? {} : { config: configInput }),
    ...(evalSet ? { eval_set: values["eval-secret"] === undefined ? {} : { secret: values["eval-secret"] } } : {}),
  });
  // The one value drawn from outside the seed: a fresh secret, so nobody holding only the seed can regenerate.
  const spec = withEvalSecret(parsed, () => randomBytes(32).toString("hex"));
  if (values.out === undefined) throw new ConfigError("Missing --out DIR: the directory to write the dataset to.");
  const outDir = resolve(values.out);
  if (!values.force && existsSync(outDir) && readdirSync(outDir).length > 0) {
    throw new ConfigError(
      `Output directory ${outDir} is not empty. Choose another --out, or pass --force to write into it.`,
    );
  }
  const workers =
    values.workers === undefined
      ? spec.total < MIN_TOTAL_FOR_WORKERS
        ? 1
        : availableParallelism()
      : toNumber("--workers", values.workers);
  if (!Number.isInteger(workers) || workers < 1) {
    throw new ConfigError("Invalid --workers", [
      { path: "--workers", message: "must be a positive integer", value: workers },
    ]);
  }
  const config = resolveDatasetConfig(spec);
  const plan = planShards(spec.total, spec.shard_size, spec.start_index);
  // No fsync per shard: like cp or tar, the CLI leaves flushing to the OS; the manifest's sha256 verifies the files.
  const store = createFsObjectStore({ baseDir: outDir, fsync: false });
  const progress = createProgress(values.quiet ? { write() {} } : io.stderr, spec.total, "trajectories");
  const started = performance.now();
  progress.update(0);

  let entries: ShardEntry[];
  let shardStats: DatasetStatsJSON[];
  if (workers === 1 || plan.length === 1) {
    entries = [];
    shardStats = [];
    let before = 0;
    for (const shard of plan) {
      const produced = await produceTrajectoryShard(store, spec, config, shard, (rendered) =>
        progress.update(before + rendered),
      );
      entries.push(produced.entry);
      shardStats.push(produced.stats);
      before += shard.count;
    }
  } else {
    ({ entries, shardStats } = await runShardsOnWorkers({
      spec,
      outDir,
      plan,
      workers: Math.min(workers, plan.length),
      onProgress: (done) => progress.update(done),
    }));
  }
  progress.finish();

  const { manifest, files } = datasetFiles({ spec, config, shards: entries, shardStats });
  for (const file of files) await store.put(file.key, file.body, { contentType: file.contentType });
  const seconds = (performance.now() - started) / 1000;
  io.stdout.write(
    `wrote ${manifest.totals.trajectories.toLocaleString("en-US")} trajectories in ${entries.length} shard(s), ` +
      `${(manifest.totals.bytes / 1e6).toFixed(1)} MB, to ${outDir} in ${seconds.toFixed(2)} s ` +
      `(${Math.round(manifest.totals.trajectories / seconds).toLocaleString("en-US")} trajectories/s)\n`,
  );
  if (spec.eval_set !== undefined)
    io.stdout.write(
      `evaluation set: labels and the secret are in ${resolve(outDir, "labels")}; publish ${outDir} without labels/\n`,
    );
  return 0;
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        count: { type: "string" },
        out: { type: "string" },
        seed: { type: "string" },
        config: { type: "string" },
        "shard-size": { type: "string" },
        "anomaly-ratio": { type: "string" },
        "eval-set": { type: "boolean" },
        "eval-secret": { type: "string" },
        epoch: { type: "string" },
        gzip: { type: "boolean" },
        format: { type: "string" },
        workers: { type: "string" },
        force: { type: "boolean" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. Run "agentsynth trajectories --help" for the options.`);
  }
}

function toNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new ConfigError(`Invalid ${flag}`, [{ path: flag, message: "must be a number", value: text }]);
  }
  return value;
}

/**
 * The config with `--epoch` as its `data_generation.epoch`. It goes into the spec's config, so the manifest and the
 * card's regenerate command carry it like any other config setting.
 */
function withEpoch(config: Record<string, unknown>, epoch: string | undefined): Record<string, unknown> {
  if (epoch === undefined) return config;
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(epoch) || Number.isNaN(Date.parse(epoch))) {
    throw new ConfigError(`Invalid --epoch ${JSON.stringify(epoch)}`, [
      {
        path: "--epoch",
        message: "must be an ISO date or UTC time such as 2026-11-01 or 2026-11-01T00:00:00Z",
        value: epoch,
      },
    ]);
  }
  const section = config.data_generation;
  const generation = section !== null && typeof section === "object" && !Array.isArray(section) ? section : {};
  return { ...config, data_generation: { ...generation, epoch: new Date(epoch).toISOString() } };
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      `Cannot read --config ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseConfigText(text, path);
}
