import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { ShardDoneRecord } from "../core/batch/records.ts";
import { parseConfigText } from "../core/dataset/config-text.ts";
import { datasetFiles } from "../core/dataset/outputs.ts";
import { planShards, type ShardPlan } from "../core/dataset/plan.ts";
import { resolveDatasetConfig } from "../core/dataset/resolve-config.ts";
import {
  DEFAULT_SHARD_SIZE,
  parseTrajectoryDatasetSpec,
  type TrajectoryDatasetSpec,
  withEvalSecret,
} from "../core/dataset/spec.ts";
import { ConfigError } from "../core/errors.ts";
import { TRAJECTORY_FORMAT_NAMES } from "../core/export/formats.ts";
import { createFsObjectStore } from "../core/storage/drivers/fs.ts";
import type { ObjectStore } from "../core/storage/object-store.ts";
import type { TrajectoryConfig } from "../core/trajectory/index.ts";
import type { CliIo } from "./io.ts";
import { prepareOutDir } from "./out-dir.ts";
import { createProgress, type Progress } from "./progress.ts";
import { forgetDoneRecords, planResume, readEvalSecret, recordSpec } from "./resume.ts";
import { writeShardWithRecord } from "./shard-output.ts";
import { runShardsOnWorkers } from "./shard-pool.ts";

/** Below this many trajectories (about 3 s on one core), starting worker threads costs more than they save. */
const MIN_TOTAL_FOR_WORKERS = 30_000;
/** After SIGINT/SIGTERM, shards being written get this long to finish (a 10,000-trajectory shard takes 1-2 s). */
const SHUTDOWN_GRACE_MS = 10_000;

const HELP = `agentsynth trajectories: write a dataset of agent trajectories as JSONL shards plus a manifest

Options:
  --count N            number of trajectories (required)
  --out DIR            output directory (required); gets manifest.json, README.md, spec.json, shards/ and
                       status/done/ (one record per written shard, for --resume and verify)
  --seed S             dataset seed (default: random_seed from --config, else 42)
  --config FILE        YAML (or JSON) generator config; see README "Configuration"
  --shard-size K       trajectories per shard file (default ${DEFAULT_SHARD_SIZE})
  --anomaly-ratio R    fraction of anomalous trajectories, 0..1 (overrides anomaly_injection.ratio)
  --epoch ISO          time the timestamps start from (sets data_generation.epoch), e.g. a recent date so a
                       trace store with retention keeps the OTLP export
  --format F           shard lines: ${TRAJECTORY_FORMAT_NAMES.join(" | ")} (default trajectory); graph = integer node
                       indices, edge_index and categorical columns (PyG/DGL), otlp = OpenTelemetry OTLP/JSON traces
  --compress C         compress JSONL shards: zstd (.jsonl.zst, fast; pandas, Polars, DuckDB read it) or gzip
                       (.jsonl.gz, readable everywhere, about twice the run time)
  --gzip               the same as --compress gzip
  --eval-set           an evaluation set: labels, split, seed and index go to labels/NNNNN.jsonl (keyed by
                       trajectory_id) and not into the shards, and all randomness is keyed with a secret kept in
                       labels/manifest.json; publish the directory without labels/
  --eval-secret HEX    the evaluation set's secret (32-128 hex digits; implies --eval-set); the same seed and secret
                       give the same bytes. Without it a new secret is generated
  --workers W          worker threads (default: all cores from 30,000 trajectories, else 1); the output is
                       identical for any W
  --resume             finish an interrupted run in --out: shards whose bytes match their record are kept,
                       missing or damaged ones are written again (same flags as the interrupted run)
  --force              overwrite a non-empty --out directory
  --quiet              no progress bar
  -h, --help           this text`;

export async function runTrajectoriesCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv);
  if (values.help) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (values.count === undefined) throw new ConfigError("Missing --count N: the number of trajectories to write.");
  if (values.out === undefined) throw new ConfigError("Missing --out DIR: the directory to write the dataset to.");
  if (values.force && values.resume) {
    throw new ConfigError(
      "--force and --resume contradict each other: --force starts over, --resume keeps what is done.",
    );
  }
  const configInput = withEpoch(values.config === undefined ? {} : readConfigFile(values.config), values.epoch);
  const seedFromConfig = (configInput as { random_seed?: unknown }).random_seed;
  const evalSet = values["eval-set"] === true || values["eval-secret"] !== undefined;
  const specInput = {
    seed:
      values.seed === undefined
        ? typeof seedFromConfig === "number"
          ? seedFromConfig
          : 42
        : toInteger("--seed", values.seed),
    total: values.count === undefined ? undefined : toInteger("--count", values.count),
    shard_size:
      values["shard-size"] === undefined ? DEFAULT_SHARD_SIZE : toInteger("--shard-size", values["shard-size"]),
    gzip: values.gzip ?? false,
    ...(values.compress === undefined ? {} : { compression: values.compress }),
    ...(values.format === undefined ? {} : { format: values.format }),
    ...(values["anomaly-ratio"] === undefined
      ? {}
      : { anomaly_ratio: toNumber("--anomaly-ratio", values["anomaly-ratio"]) }),
    ...(values.config === undefined && values.epoch === undefined ? {} : { config: configInput }),
    ...(evalSet ? { eval_set: values["eval-secret"] === undefined ? {} : { secret: values["eval-secret"] } } : {}),
  };
  const parsed = withFlagNames(() => parseTrajectoryDatasetSpec(specInput));
  const workers =
    values.workers === undefined
      ? parsed.total < MIN_TOTAL_FOR_WORKERS
        ? 1
        : availableParallelism()
      : toInteger("--workers", values.workers);
  if (workers < 1) {
    throw new ConfigError(`Invalid --workers ${values.workers}: use a whole number of at least 1.`, [
      { path: "--workers", message: "must be a whole number >= 1", value: values.workers },
    ]);
  }
  const config = resolveDatasetConfig(parsed);
  const plan = planShards(parsed.total, parsed.shard_size, parsed.start_index);
  const outDir = resolve(values.out);
  const { empty } = await prepareOutDir(outDir);
  if (!empty && !values.force && !values.resume) {
    throw new ConfigError(
      `Output directory ${outDir} is not empty. Choose another --out, pass --resume to finish an interrupted run there, or --force to overwrite it.`,
    );
  }
  // No fsync per shard: like cp or tar, the CLI leaves flushing to the OS; the manifest's sha256 verifies the files.
  const store = createFsObjectStore({ baseDir: outDir, fsync: false });
  // Temp files of writes that were interrupted (a killed run) are never part of a dataset.
  if (!empty) await store.removeTemps?.("");
  // An evaluation set's secret is the one value drawn from outside the seed (nobody holding only the seed can
  // regenerate it); a resumed run takes the interrupted run's secret from its private spec under labels/.
  const resuming = values.resume === true && !empty;
  const recordedSecret = resuming && parsed.eval_set !== undefined ? await readEvalSecret(store) : undefined;
  const spec = withEvalSecret(parsed, () => recordedSecret ?? randomBytes(32).toString("hex"));
  let kept: ShardDoneRecord[] = [];
  let todo: readonly ShardPlan[] = plan;
  if (resuming) {
    const resumed = await planResume(store, outDir, spec, plan);
    kept = resumed.kept;
    todo = resumed.todo;
    for (const problem of resumed.problems) io.stderr.write(`resume: rewriting ${problem}\n`);
    io.stderr.write(`resume: ${kept.length} of ${plan.length} shard(s) verified and kept, ${todo.length} to write\n`);
  } else {
    if (!empty) await forgetDoneRecords(store);
    // Recorded first, so --resume can tell which run the shards belong to.
    await recordSpec(store, spec);
  }

  const keptCount = kept.reduce((sum, record) => sum + record.count, 0);
  const progress = createProgress(values.quiet ? { write() {} } : io.stderr, spec.total, "trajectories");
  const started = performance.now();
  progress.update(keptCount);
  const written =
    workers === 1 || todo.length <= 1
      ? await runShardsHere(store, spec, config, todo, keptCount, progress, io.signal)
      : await runShardsOnWorkers({
          spec,
          outDir,
          plan: todo,
          workers: Math.min(workers, todo.length),
          onProgress: (done) => progress.update(keptCount + done),
          ...(io.signal === undefined ? {} : { signal: io.signal }),
          graceMs: SHUTDOWN_GRACE_MS,
        });
  progress.finish();
  if (written.interrupted) {
    const done = kept.length + written.records.length;
    io.stderr.write(
      `interrupted: ${done} of ${plan.length} shard(s) are written to ${outDir}; ` +
        `run the same command with --resume to finish (written shards are checked and kept).\n`,
    );
    return io.signal?.reason === "SIGTERM" ? 143 : 130;
  }

  const records = [...kept, ...written.records];
  const entries = records.map(({ stats: _stats, ...entry }) => entry);
  const shardStats = records.flatMap((record) => (record.stats === undefined ? [] : [record.stats]));
  const { manifest, files } = datasetFiles({ spec, config, shards: entries, shardStats });
  for (const file of files) await store.put(file.key, file.body, { contentType: file.contentType });
  const seconds = (performance.now() - started) / 1000;
  const produced = manifest.totals.trajectories - keptCount;
  io.stdout.write(
    `wrote ${manifest.totals.trajectories.toLocaleString("en-US")} trajectories in ${entries.length} shard(s), ` +
      `${(manifest.totals.bytes / 1e6).toFixed(1)} MB, to ${outDir} in ${seconds.toFixed(2)} s ` +
      `(${Math.round(produced / seconds).toLocaleString("en-US")} trajectories/s` +
      `${keptCount > 0 ? `; ${keptCount.toLocaleString("en-US")} kept from the interrupted run` : ""})\n`,
  );
  if (spec.eval_set !== undefined)
    io.stdout.write(
      `evaluation set: labels and the secret are in ${resolve(outDir, "labels")}; publish ${outDir} without labels/\n`,
    );
  return 0;
}

/** On one core the main thread renders the shards itself (starting a thread would cost more than it saves). */
async function runShardsHere(
  store: ObjectStore,
  spec: TrajectoryDatasetSpec,
  config: TrajectoryConfig,
  todo: readonly ShardPlan[],
  before: number,
  progress: Progress,
  signal: AbortSignal | undefined,
): Promise<{ records: ShardDoneRecord[]; interrupted: boolean }> {
  const records: ShardDoneRecord[] = [];
  let done = before;
  for (const shard of todo) {
    // Stops between shards: the one being written finishes, so everything on disk is whole and recorded.
    if (signal?.aborted) return { records, interrupted: true };
    records.push(
      await writeShardWithRecord(store, spec, config, shard, (rendered) => progress.update(done + rendered)),
    );
    done += shard.count;
  }
  return { records, interrupted: false };
}

/** Spec problems under the names the user typed: `--count`, not the spec's `total`. */
const FLAG_OF_FIELD: Record<string, string> = {
  seed: "--seed",
  total: "--count",
  shard_size: "--shard-size",
  anomaly_ratio: "--anomaly-ratio",
  format: "--format",
  gzip: "--gzip",
};

function withFlagNames<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ConfigError) || !error.issues.some((issue) => issue.path in FLAG_OF_FIELD)) throw error;
    const renamed = error.issues.map((issue) => ({ ...issue, path: FLAG_OF_FIELD[issue.path] ?? issue.path }));
    const flags = [...new Set(renamed.map((issue) => issue.path))].join(", ");
    throw new ConfigError(`Invalid ${flags || "options"}`, renamed, { cause: error });
  }
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
        compress: { type: "string" },
        format: { type: "string" },
        workers: { type: "string" },
        force: { type: "boolean" },
        resume: { type: "boolean" },
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
    throw new ConfigError(`Invalid ${flag} ${JSON.stringify(text)}: use a number.`, [
      { path: flag, message: "must be a number", value: text },
    ]);
  }
  return value;
}

/** Whole numbers in plain decimal only: `0x10`, `1e3` or `16.0` are refused rather than read as something else. */
function toInteger(flag: string, text: string): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new ConfigError(
      `Invalid ${flag} ${JSON.stringify(text)}: use a whole number in decimal digits, such as 1000.`,
      [{ path: flag, message: "must be a whole number in decimal digits", value: text }],
    );
  }
  return Number(text);
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
