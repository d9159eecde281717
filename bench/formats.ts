import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateTrajectory } from "../core/dataset/generate-trajectory.ts";
import { resolveDatasetConfig } from "../core/dataset/resolve-config.ts";
import { parseTrajectoryDatasetSpec } from "../core/dataset/spec.ts";
import { ParquetShardWriter } from "../core/export/parquet/shard-writer.ts";
import { siblingModule } from "../core/module-url.ts";
import type { Trajectory } from "../core/trajectory/model.ts";
import { bestOfPasses, fmt, runCliMeasured } from "./measure.ts";

interface Case {
  name: string;
  flags: string[];
}

const CASES: Case[] = [
  { name: "JSONL", flags: [] },
  { name: "JSONL zstd", flags: ["--compress", "zstd"] },
  { name: "JSONL gzip", flags: ["--gzip"] },
  { name: "Parquet", flags: ["--format", "parquet"] },
];

/**
 * The output formats side by side in one run: one-worker (per-core) throughput and bytes per trajectory of JSONL,
 * compressed JSONL and Parquet, each case run in rounds interleaved with the others so drift on shared cores hits
 * them alike, beside the rate of generating the same trajectories with no output at all (the ceiling of every
 * format); then the peak memory of a reader (DuckDB) loading the node table (`nodes`) of 100,000 trajectories.
 */
export async function benchFormats(options: { quick?: boolean } = {}): Promise<string[]> {
  const count = options.quick ? 5_000 : 20_000;
  const rounds = options.quick ? 1 : 3;
  const rates = new Map<string, number[]>();
  const bytes = new Map<string, number>();
  const generation: number[] = [];
  for (let round = 0; round < rounds; round++) {
    generation.push(count / generateOnlyCpuSeconds(count, 42));
    for (const { name, flags } of CASES) {
      inTempDir((out) => {
        const run = runCliMeasured([
          "trajectories",
          "--count",
          String(count),
          "--shard-size",
          "10000",
          "--workers",
          "1",
          "--seed",
          "42",
          "--quiet",
          "--out",
          out,
          ...flags,
        ]);
        // Per core: trajectories per CPU second of the one-worker process (wall time on loaded shared cores also
        // counts the time spent waiting for a core).
        rates.set(name, [...(rates.get(name) ?? []), count / run.cpuSeconds]);
        const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { totals: { bytes: number } };
        bytes.set(name, manifest.totals.bytes / count);
      });
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  const jsonl = median(rates.get("JSONL") ?? [0]);
  const ceiling = median(generation);
  const lines = [
    `${"generation".padEnd(10)} ${fmt(count)} trajectories × 1 process: ${fmt(ceiling).padStart(6)} traj per CPU ` +
      `second (median of ${rounds}), ×${fmt(ceiling / jsonl, 2)} JSONL's rate: generating alone, nothing serialised ` +
      "or written, the ceiling of every format below",
  ];
  lines.push(
    ...CASES.map(({ name }) => {
      const rate = median(rates.get(name) ?? [0]);
      return (
        `${name.padEnd(10)} ${fmt(count)} trajectories × 1 worker: ${fmt(rate).padStart(6)} traj ` +
        `per CPU second (median of ${rounds}), ×${fmt(rate / jsonl, 2)} JSONL's rate, cost ×${fmt(jsonl / rate, 2)}; ` +
        `${fmt((bytes.get(name) ?? 0) / 1024, 2)} KiB per trajectory on disk`
      );
    }),
  );
  lines.push(
    inProcessCosts(),
    "targets: Parquet ≥ ×2.50 JSONL's rate; compressed JSONL cost ≤ ×1.50; Parquet ≤ 4 KiB per trajectory",
    readerMemory(options.quick ? 20_000 : 100_000),
  );
  return lines;
}

/**
 * Where one core's time goes per trajectory, in-process, best of several passes (which filters out other tenants'
 * noise): generation, JSONL's serialisation (JSON.stringify and the line's SHA-256) and the Parquet writer (columns,
 * encoding and zstd, footers included). Generation is paid by every format, so (G + J) / (G + P) is the rate Parquet
 * can reach against JSONL with this generator and this writer, before any I/O.
 */
function inProcessCosts(): string {
  const config = resolveDatasetConfig(parseTrajectoryDatasetSpec({ seed: 42, total: 5_000 }));
  // Small batches, as in a shard: a batch stays in cache, and nothing survives long enough to be promoted.
  const batch = 50;
  const batches = 60;
  const count = batch * batches;
  const best = bestOfPasses(5, () => {
    const spent = { generate: 0, json: 0, parquet: 0 };
    const hash = createHash("sha256");
    const writer = new ParquetShardWriter(0);
    for (let b = 0; b < batches; b++) {
      let started = performance.now();
      const objects: Trajectory[] = [];
      for (let i = 0; i < batch; i++) objects.push(generateTrajectory(config, 42, b * batch + i));
      spent.generate += performance.now() - started;
      started = performance.now();
      for (const trajectory of objects) hash.update(`${JSON.stringify(trajectory)}\n`);
      spent.json += performance.now() - started;
      started = performance.now();
      for (const trajectory of objects) writer.add(trajectory);
      spent.parquet += performance.now() - started;
    }
    hash.digest();
    const started = performance.now();
    writer.finish();
    spent.parquet += performance.now() - started;
    return spent;
  });
  const us = (ms: number) => (ms * 1000) / count;
  const [g, j, p] = [us(best.generate), us(best.json), us(best.parquet)];
  return (
    `in-process per trajectory (best of 5 passes over ${fmt(count)}): generation G ${fmt(g, 1)} µs, JSONL's ` +
    `JSON.stringify + sha256 J ${fmt(j, 1)} µs, Parquet writer P ${fmt(p, 1)} µs; Parquet can reach ` +
    `(G + J) / (G + P) = ×${fmt((g + j) / (g + p), 2)} JSONL's rate, and no format more than (G + J) / G = ×${fmt((g + j) / g, 2)}`
  );
}

/** CPU seconds of a process that generates `count` trajectories of the default config and serialises none. */
function generateOnlyCpuSeconds(count: number, seed: number): number {
  const child = fileURLToPath(siblingModule("generate-only", import.meta.url));
  const output = execFileSync(process.execPath, [child, String(count), String(seed)], { encoding: "utf8" });
  return (JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as { cpuSeconds: number }).cpuSeconds;
}

/** Peak RSS of DuckDB loading the node table of `count` trajectories written as Parquet, in a child process. */
function readerMemory(count: number): string {
  let line = "";
  inTempDir((out) => {
    runCliMeasured([
      "trajectories",
      "--count",
      String(count),
      "--format",
      "parquet",
      "--workers",
      String(availableParallelism()),
      "--quiet",
      "--out",
      out,
    ]);
    const child = fileURLToPath(siblingModule("load-nodes", import.meta.url));
    const output = execFileSync(process.execPath, [child, out], { encoding: "utf8" });
    const result = JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as {
      rows: number;
      seconds: number;
      peakRssMb: number;
    };
    line =
      `reader: DuckDB loads the node table (nodes) of ${fmt(count)} trajectories (${fmt(result.rows)} rows) into memory in ` +
      `${fmt(result.seconds, 1)} s, peak RSS ${fmt(result.peakRssMb)} MB (target < 1 GB for 100,000)`;
  });
  return line;
}

function inTempDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "agentsynth-bench-formats-"));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
