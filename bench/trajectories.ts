import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { generateTrajectory, parseTrajectoryConfig, serializeTrajectory } from "../core/trajectory/index.ts";
import { fmt, runCliMeasured } from "./measure.ts";

interface Manifest {
  totals: { trajectories: number; bytes: number };
}

/** End-to-end CLI runs (generate + serialise + write JSONL) at several sizes, one and all workers, plus serialisation cost. */
export async function benchTrajectories(options: { large?: boolean } = {}): Promise<string[]> {
  const lines: string[] = [];
  const cores = availableParallelism();
  const sizes = options.large === false ? [10_000] : [10_000, 200_000];
  const singleRates = new Map<number, number>();
  for (const count of sizes) {
    for (const workers of [1, cores]) {
      inTempDir((out) => {
        const result = runTrajectories(count, out, [
          "--workers",
          String(workers),
          // Several shards even for the small run, so the workers have something to share.
          "--shard-size",
          String(Math.min(10_000, count / 4)),
        ]);
        const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest;
        const nodes = countNodes(out, manifest);
        const rate = count / result.seconds;
        if (workers === 1) singleRates.set(count, rate);
        const speedup =
          workers > 1 ? ` speed-up ×${fmt(rate / (singleRates.get(count) ?? rate), 2)} on ${workers} workers` : "";
        lines.push(
          `trajectories  ${fmt(count).padStart(9)} × ${workers} worker(s): ${fmt(rate).padStart(7)} traj/s, ${fmt(nodes / result.seconds).padStart(9)} nodes/s, ` +
            `${fmt(manifest.totals.bytes / 1e6 / result.seconds, 1).padStart(6)} MB/s JSONL, peak RSS ${fmt(result.peakRssMb)} MB, ${fmt(result.seconds, 2)} s${speedup}`,
        );
      });
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
  lines.push(serializationRatio());
  return lines;
}

function runTrajectories(count: number, out: string, extra: string[]) {
  return runCliMeasured(["trajectories", "--count", String(count), "--seed", "42", "--out", out, "--quiet", ...extra]);
}

function inTempDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "agentsynth-bench-"));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
