import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { generateTrajectory } from "../core/dataset/generate-trajectory.ts";
import { parseTrajectoryConfig, serializeTrajectory, type Trajectory } from "../core/trajectory/index.ts";
import { benchContentCost } from "./content-cost.ts";
import { bestOfPasses, fmt, runCliMeasured } from "./measure.ts";
import { inTempDir } from "./temp-dir.ts";

interface CliRun {
  rate: number;
  nodes: number;
  bytes: number;
  seconds: number;
  peakRssMb: number;
}

interface Manifest {
  totals: { trajectories: number; bytes: number };
}

/** End-to-end CLI runs (generate + serialise + write JSONL) at several sizes, one and all workers, plus serialisation cost. */
export async function benchTrajectories(options: { large?: boolean } = {}): Promise<string[]> {
  const lines: string[] = [];
  const cores = availableParallelism();
  const sizes = options.large === false ? [10_000] : [10_000, 200_000];
  // Shared cloud cores vary by ±15% from minute to minute: each case runs three times and the median is reported.
  const repeats = options.large === false ? 1 : 3;
  const singleRates = new Map<number, number>();
  for (const count of sizes) {
    for (const workers of [1, cores]) {
      const runs: CliRun[] = [];
      for (let r = 0; r < repeats; r++) {
        inTempDir((out) => {
          const result = runTrajectories(count, out, [
            "--workers",
            String(workers),
            // Several shards even for the small run, so the workers have something to share.
            "--shard-size",
            String(Math.min(10_000, count / 4)),
          ]);
          const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest;
          runs.push({
            rate: count / result.seconds,
            nodes: countNodes(out, manifest),
            bytes: manifest.totals.bytes,
            seconds: result.seconds,
            peakRssMb: result.peakRssMb,
          });
        });
      }
      runs.sort((a, b) => a.rate - b.rate);
      const run = runs[Math.floor(runs.length / 2)] as CliRun;
      const [slowest, fastest] = [runs[0] as CliRun, runs.at(-1) as CliRun];
      if (workers === 1) singleRates.set(count, run.rate);
      const speedup =
        workers > 1
          ? ` speed-up ×${fmt(run.rate / (singleRates.get(count) ?? run.rate), 2)} on ${workers} workers`
          : "";
      const spread = runs.length > 1 ? ` (median of ${runs.length}: ${fmt(slowest.rate)}–${fmt(fastest.rate)})` : "";
      lines.push(
        `trajectories  ${fmt(count).padStart(9)} × ${workers} worker(s): ${fmt(run.rate).padStart(7)} traj/s${spread}, ${fmt(run.nodes / run.seconds).padStart(9)} nodes/s, ` +
          `${fmt(run.bytes / 1e6 / run.seconds, 1).padStart(6)} MB/s JSONL, peak RSS ${fmt(run.peakRssMb)} MB, ${fmt(run.seconds, 2)} s${speedup}`,
      );
    }
  }
  if (options.large !== false) {
    inTempDir((out) => {
      const count = 1_000_000;
      const result = runTrajectories(count, out, []);
      lines.push(
        `trajectories  ${fmt(count).padStart(9)} × ${cores} worker(s): ${fmt(count / result.seconds).padStart(7)} traj/s, peak RSS ${fmt(result.peakRssMb)} MB (target < 250 MB), ${fmt(result.seconds, 1)} s`,
      );
    });
  }
  lines.push(serializationRatio(), perTrajectoryCost());
  lines.push(...(await benchContentCost({ quick: options.large === false })));
  return lines;
}

function runTrajectories(count: number, out: string, extra: string[]) {
  return runCliMeasured(["trajectories", "--count", String(count), "--seed", "42", "--out", out, "--quiet", ...extra]);
}

/** Average node count per trajectory from a sample of the first shard, to turn traj/s into nodes/s. */
function countNodes(out: string, manifest: Manifest): number {
  const text = readFileSync(join(out, "shards", "00000.jsonl"), "utf8");
  const sample = text
    .split("\n", 2001)
    .filter((line) => line.length > 0)
    .slice(0, 2000);
  let nodes = 0;
  for (const line of sample) nodes += (JSON.parse(line) as { nodes: unknown[] }).nodes.length;
  return (nodes / sample.length) * manifest.totals.trajectories;
}

/** How much more generation + serialisation costs than JSON.stringify of the same objects. */
function serializationRatio(): string {
  const config = parseTrajectoryConfig({});
  const count = 20_000;
  // Warm up the JIT on both paths before timing.
  for (let i = 0; i < 2000; i++) JSON.stringify(generateTrajectory(config, 7, i));
  let started = performance.now();
  let bytes = 0;
  for (let i = 0; i < count; i++) bytes += serializeTrajectory(generateTrajectory(config, 42, i)).length;
  const generateAndSerialize = performance.now() - started;
  const objects = Array.from({ length: count }, (_, i) => generateTrajectory(config, 42, i));
  started = performance.now();
  let stringified = 0;
  for (const trajectory of objects) stringified += JSON.stringify(trajectory).length;
  const stringifyOnly = performance.now() - started;
  return (
    `serialisation ${fmt(count)} trajectories in-process: generate+serialize ${fmt(generateAndSerialize)} ms ` +
    `(${fmt(count / (generateAndSerialize / 1000))} traj/s, ${fmt(bytes / 1e6 / (generateAndSerialize / 1000), 1)} MB/s), JSON.stringify alone ${fmt(stringifyOnly)} ms ` +
    `(${fmt(stringified / 1e6 / (stringifyOnly / 1000), 1)} MB/s); ratio ×${fmt(generateAndSerialize / stringifyOnly, 2)}`
  );
}

/**
 * Where one core's time goes per trajectory, measured in-process (best of several passes, which filters out noise
 * from other tenants): generation, `JSON.stringify`, and SHA-256 of the line (the manifest's hash). Their sum is the
 * ceiling a single core can reach end to end, before any file I/O.
 */
function perTrajectoryCost(): string {
  const config = parseTrajectoryConfig({});
  // Small batches, as in a shard: a batch stays in cache, and nothing survives long enough to be promoted.
  const batch = 50;
  const batches = 100;
  const count = batch * batches;
  let bytes = 0;
  const best = bestOfPasses(6, (pass) => {
    const spent = { generate: 0, stringify: 0, hash: 0 };
    bytes = 0;
    const hash = createHash("sha256");
    for (let b = 0; b < batches; b++) {
      let started = performance.now();
      const objects: Trajectory[] = [];
      for (let i = 0; i < batch; i++) objects.push(generateTrajectory(config, 42, pass * count + b * batch + i));
      spent.generate += performance.now() - started;
      started = performance.now();
      const lines = objects.map((trajectory) => JSON.stringify(trajectory));
      spent.stringify += performance.now() - started;
      const encoded = Buffer.from(`${lines.join("\n")}\n`);
      bytes += encoded.length;
      started = performance.now();
      hash.update(encoded);
      spent.hash += performance.now() - started;
    }
    hash.digest();
    return spent;
  });
  const us = (ms: number) => (ms * 1000) / count;
  const total = us(best.generate) + us(best.stringify) + us(best.hash);
  return (
    `per trajectory on one core (${fmt(bytes / count / 1024, 1)} KiB of JSON, best of 6 passes): generate ${fmt(us(best.generate), 1)} µs, ` +
    `JSON.stringify ${fmt(us(best.stringify), 1)} µs, sha256 ${fmt(us(best.hash), 1)} µs; ` +
    `ceiling ${fmt(1e6 / total)} traj/s per core before encoding and I/O`
  );
}
