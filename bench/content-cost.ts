import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { generateTrajectory } from "../core/dataset/generate-trajectory.ts";
import { parseTrajectoryConfig } from "../core/trajectory/index.ts";
import { buildBaseline, CONTENT_BASELINE } from "./baseline.ts";
import { fmt, runCliMeasured } from "./measure.ts";
import { inTempDir } from "./temp-dir.ts";

interface Cost {
  generate: number;
  stringify: number;
  bytes: number;
}

type Generate = (config: unknown, seed: number, index: number) => unknown;

interface Generator {
  readonly name: string;
  readonly generate: Generate;
  readonly config: unknown;
  /** The build's compiled bench child, to run its CLI. */
  readonly child: string;
}

/**
 * The current generator against the last build before the content layer, side by side in one run: end-to-end CLI
 * throughput (generate, serialise, hash, write JSONL; 1 worker; runs alternate) and the in-process cost per
 * trajectory (generate and JSON.stringify, best of several alternating passes), with the bytes per trajectory.
 */
export async function benchContentCost(options: { quick: boolean }): Promise<string[]> {
  const root = process.cwd();
  const baseline = buildBaseline(root, CONTENT_BASELINE);
  if ("error" in baseline) return [`content cost: no baseline to compare with: ${baseline.error}`];
  try {
    const previous = (await import(pathToFileURL(join(baseline.dist, "core", "trajectory", "index.js")).href)) as {
      generateTrajectory: Generate;
      parseTrajectoryConfig: (input: unknown) => unknown;
    };
    const generators: Generator[] = [
      {
        name: `before content (${CONTENT_BASELINE.slice(0, 7)})`,
        generate: previous.generateTrajectory,
        config: previous.parseTrajectoryConfig({}),
        child: join(baseline.dist, "bench", "child.js"),
      },
      {
        name: "current",
        generate: generateTrajectory as Generate,
        config: parseTrajectoryConfig({}),
        child: join(root, "dist", "bench", "child.js"),
      },
    ];
    return [
      ...cliSideBySide(generators, options.quick ? 20_000 : 100_000, options.quick ? 1 : 3),
      ...perTrajectory(generators),
    ];
  } finally {
    baseline.remove();
  }
}

function cliSideBySide(generators: readonly Generator[], count: number, repeats: number): string[] {
  const rates = generators.map(() => [] as number[]);
  const bytes = generators.map(() => 0);
  for (let r = 0; r < repeats; r++) {
    generators.forEach((generator, g) => {
      inTempDir((out) => {
        const args = [
          "trajectories",
          "--count",
          String(count),
          "--seed",
          "42",
          "--out",
          out,
          "--quiet",
          "--workers",
          "1",
        ];
        const result = runCliMeasured([...args, "--shard-size", String(count / 4)], generator.child);
        (rates[g] as number[]).push(count / result.seconds);
        const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { totals: { bytes: number } };
        bytes[g] = manifest.totals.bytes;
      });
    });
  }
  const medians = rates.map((runs) => [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)] as number);
  const lines = generators.map(
    (generator, g) =>
      `content CLI JSONL ${fmt(count)} × 1 worker, ${generator.name}: ${fmt(medians[g] as number)} traj/s (median of ${repeats}), ${fmt((bytes[g] as number) / count / 1024, 1)} KiB/trajectory`,
  );
  const [before, now] = medians as [number, number];
  lines.push(
    `content CLI JSONL throughput ratio current/before ×${fmt(now / before, 3)} (${fmt((1 - now / before) * 100, 1)}% slower)`,
  );
  return lines;
}

function perTrajectory(generators: readonly Generator[]): string[] {
  const count = 5000;
  const best = generators.map(() => ({
    generate: Number.POSITIVE_INFINITY,
    stringify: Number.POSITIVE_INFINITY,
    bytes: 0,
  }));
  for (let pass = 0; pass < 6; pass++) {
    generators.forEach((generator, g) => {
      const slot = best[g] as Cost;
      let generateMs = 0;
      let stringifyMs = 0;
      let bytes = 0;
      for (let b = 0; b < count; b += 50) {
        let started = performance.now();
        const objects: unknown[] = [];
        for (let i = b; i < b + 50; i++) objects.push(generator.generate(generator.config, 42, pass * count + i));
        generateMs += performance.now() - started;
        started = performance.now();
        for (const object of objects) bytes += JSON.stringify(object).length;
        stringifyMs += performance.now() - started;
      }
      slot.generate = Math.min(slot.generate, generateMs);
      slot.stringify = Math.min(slot.stringify, stringifyMs);
      slot.bytes = bytes / count;
    });
  }
  const us = (ms: number) => (ms * 1000) / count;
  const lines = generators.map((generator, g) => {
    const slot = best[g] as Cost;
    return `content per trajectory, ${generator.name}: generate ${fmt(us(slot.generate), 1)} µs + JSON.stringify ${fmt(us(slot.stringify), 1)} µs = ${fmt(us(slot.generate + slot.stringify), 1)} µs, ${fmt(slot.bytes / 1024, 1)} KiB (best of 6)`;
  });
  const [before, now] = best as unknown as [Cost, Cost];
  lines.push(
    `content per-trajectory cost ratio current/before ×${fmt((now.generate + now.stringify) / (before.generate + before.stringify), 3)}`,
  );
  return lines;
}
