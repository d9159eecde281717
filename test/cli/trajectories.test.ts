import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";

const exec = promisify(execFile);

interface Manifest {
  spec: { seed: number; total: number; shard_size: number };
  shards: Array<{ index: number; key: string; start_index: number; count: number; bytes: number; sha256: string }>;
  totals: { trajectories: number; bytes: number; shards: number };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "agentsynth-cli-"));
}

const run = runCli;

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
}

/** All JSONL lines of a dataset in index order, decompressing gzip shards. */
function allLines(dir: string): string[] {
  const manifest = readManifest(dir);
  return manifest.shards.flatMap((shard) => {
    const raw = readFileSync(join(dir, shard.key));
    const text = shard.key.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
    return text.split("\n").filter((line) => line.length > 0);
  });
}

describe("agentsynth trajectories", () => {
  it("writes shards whose sizes and sha256 match the manifest", async () => {
    const out = tmp();
    const result = await run([
      "trajectories",
      "--count",
      "250",
      "--shard-size",
      "100",
      "--seed",
      "7",
      "--out",
      out,
      "--workers",
      "1",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/wrote 250 trajectories in 3 shard\(s\)/);
    const manifest = readManifest(out);
    expect(manifest.totals).toStrictEqual({ trajectories: 250, shards: 3, bytes: manifest.totals.bytes });
    expect(manifest.shards.map((s) => [s.key, s.start_index, s.count])).toStrictEqual([
      ["shards/00000.jsonl", 0, 100],
      ["shards/00001.jsonl", 100, 100],
      ["shards/00002.jsonl", 200, 50],
    ]);
    for (const shard of manifest.shards) {
      const bytes = readFileSync(join(out, shard.key));
      expect(bytes.byteLength).toBe(shard.bytes);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(shard.sha256);
    }
    const lines = allLines(out);
    expect(lines).toHaveLength(250);
    expect(lines.map((line) => (JSON.parse(line) as { index: number }).index)).toStrictEqual(
      Array.from({ length: 250 }, (_, i) => i),
    );
    // No anomalies (the default ratio is 0): nothing to separate, so no separability section or card table.
    expect(manifest).not.toHaveProperty("separability");
    expect(readFileSync(join(out, "README.md"), "utf8")).not.toContain("How hard");
  });

  it("gives byte-identical output whatever the number of workers", async () => {
    const one = tmp();
    const two = tmp();
    // With anomalies, so the merged statistics include the separability histograms of every shard.
    const args = ["trajectories", "--count", "300", "--shard-size", "70", "--anomaly-ratio", "0.5"];
    await run([...args, "--out", one, "--workers", "1"]);
    await run([...args, "--out", two, "--workers", "2"]);
    expect(readFileSync(join(two, "manifest.json"), "utf8")).toBe(readFileSync(join(one, "manifest.json"), "utf8"));
    expect(readFileSync(join(two, "README.md"), "utf8")).toBe(readFileSync(join(one, "README.md"), "utf8"));
    expect(readManifest(one)).toHaveProperty("separability.types");
    for (const name of readdirSync(join(one, "shards"))) {
      expect(readFileSync(join(two, "shards", name)).equals(readFileSync(join(one, "shards", name)))).toBe(true);
    }
  });

  it("gives the same trajectories whatever the shard size, plain or gzip", async () => {
    const small = tmp();
    const large = tmp();
    const gz = tmp();
    await run(["trajectories", "--count", "120", "--shard-size", "7", "--out", small, "--workers", "2"]);
    await run(["trajectories", "--count", "120", "--shard-size", "1000", "--out", large, "--workers", "1"]);
    await run(["trajectories", "--count", "120", "--shard-size", "50", "--out", gz, "--gzip", "--workers", "1"]);
    expect(allLines(small)).toStrictEqual(allLines(large));
    expect(allLines(gz)).toStrictEqual(allLines(large));
    expect(readManifest(gz).shards[0]?.key).toBe("shards/00000.jsonl.gz");
  });

  it("refuses a non-empty output directory unless --force", async () => {
    const out = tmp();
    writeFileSync(join(out, "keep.txt"), "mine");
    const refused = await run(["trajectories", "--count", "5", "--out", out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is not empty.*--force/);
    expect(readFileSync(join(out, "keep.txt"), "utf8")).toBe("mine");
    const forced = await run(["trajectories", "--count", "5", "--out", out, "--force"]);
    expect(forced.code).toBe(0);
  });

  it("explains bad flags and values", async () => {
    const unknown = await run(["trajectories", "--cont", "5", "--out", tmp()]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--cont.*--help/);
    const badCount = await run(["trajectories", "--count", "lots", "--out", tmp()]);
    expect(badCount.stderr).toMatch(/--count: must be a whole number in decimal digits \(got "lots"\)/);
    const missing = await run(["trajectories", "--out", tmp()]);
    expect(missing).toMatchObject({
      code: 2,
      stderr: "error [config_invalid]: Missing --count N: the number of trajectories to write.\n",
    });
    const noOut = await run(["trajectories", "--count", "3"]);
    expect(noOut.stderr).toMatch(/Missing --out/);
    const badConfig = await run(["trajectories", "--count", "3", "--out", tmp(), "--config", "/nonexistent.yaml"]);
    expect(badConfig.stderr).toMatch(/Cannot read --config \/nonexistent\.yaml: ENOENT/);
  });

  it("lists each problem of an invalid config file once, with field, value and what is allowed", async () => {
    const dir = tmp();
    const config = join(dir, "bad.yaml");
    writeFileSync(
      config,
      "data_generation:\n  trajectory_patterns:\n    simple_linear: {min_nodes: 9, max_nodes: 6}\n  tool_transitions:\n    WEB_SEARCH: {TELEPORT: 1}\n",
    );
    const result = await run(["trajectories", "--count", "3", "--config", config, "--out", join(dir, "out")]);
    expect(result.code).toBe(2);
    expect(result.stderr.match(/min_nodes \(9\) must not exceed max_nodes \(6\)/g)).toHaveLength(1);
    expect(result.stderr.match(/TELEPORT: unknown tool; allowed: WEB_SEARCH, READ_DOCUMENT/g)).toHaveLength(1);
  });

  it("reads the seed and patterns from a YAML config", async () => {
    const dir = tmp();
    const config = join(dir, "config.yaml");
    writeFileSync(
      config,
      "random_seed: 99\ndata_generation:\n  trajectory_patterns:\n    simple_linear: {min_nodes: 5, max_nodes: 6, weight: 1}\n",
    );
    const out = join(dir, "out");
    const result = await run(["trajectories", "--count", "20", "--config", config, "--out", out]);
    expect(result.stderr).toBe("");
    const manifest = readManifest(out);
    expect(manifest.spec.seed).toBe(99);
    for (const line of allLines(out)) {
      const trajectory = JSON.parse(line) as { pattern: string; nodes: unknown[] };
      expect(trajectory.pattern).toBe("simple_linear");
      expect(trajectory.nodes.length).toBeGreaterThanOrEqual(5);
      expect(trajectory.nodes.length).toBeLessThanOrEqual(6);
    }
  });

  it("writes a dataset card and statistics, with anomalies and splits, when asked for anomalies", async () => {
    const out = tmp();
    const result = await run([
      "trajectories",
      "--count",
      "400",
      "--anomaly-ratio",
      "0.25",
      "--shard-size",
      "150",
      "--out",
      out,
    ]);
    expect(result.stderr).toBe("");
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as {
      spec: { anomaly_ratio: number };
      statistics: { trajectories: number; anomalous: number };
      splits: unknown;
      anomaly_injection: { ratio: number };
      separability: { feature_set: string; normal_trajectories: number; types: Array<{ anomaly_type: string }> };
    };
    expect(manifest.spec.anomaly_ratio).toBe(0.25);
    expect(manifest.anomaly_injection.ratio).toBe(0.25);
    expect(manifest.statistics.trajectories).toBe(400);
    const anomalous = allLines(out).filter(
      (line) => (JSON.parse(line) as { metadata: { is_anomalous: boolean } }).metadata.is_anomalous,
    );
    expect(anomalous.length).toBeGreaterThan(60);
    expect(anomalous.length).toBeLessThan(140);
    expect(manifest.statistics.anomalous).toBe(anomalous.length);
    expect(manifest.splits).toBeDefined();
    // How hard each anomaly type is, over the whole dataset: a row per type present, in the manifest and the card.
    expect(manifest.separability.feature_set).toBe("agentsynth.trajectory-features/v1");
    expect(manifest.separability.normal_trajectories).toBe(400 - anomalous.length);
    const types = new Set(
      anomalous.flatMap(
        (line) => (JSON.parse(line) as { metadata: { anomaly_types: string[] } }).metadata.anomaly_types,
      ),
    );
    expect(new Set(manifest.separability.types.map((row) => row.anomaly_type))).toStrictEqual(types);
    expect("separability" in (manifest.statistics as object)).toBe(false);
    const card = readFileSync(join(out, "README.md"), "utf8");
    expect(card).toMatch(/400/);
    expect(card).toMatch(/train/);
    expect(card).toContain("## How hard is this dataset");
    for (const type of types) expect(card).toMatch(new RegExp(`\\n\\| ${type}( \\(text only\\))? \\| \\d+ \\| \``));
  });

  it("writes graph records with their vocabularies, and OTLP traces, in the same order", async () => {
    const graph = tmp();
    const otlp = tmp();
    await run([
      "trajectories",
      "--count",
      "30",
      "--format",
      "graph",
      "--out",
      graph,
      "--workers",
      "2",
      "--shard-size",
      "10",
    ]);
    await run(["trajectories", "--count", "30", "--format", "otlp", "--out", otlp]);
    const vocabularies = JSON.parse(readFileSync(join(graph, "graph-vocabularies.json"), "utf8")) as Record<
      string,
      string[]
    >;
    expect(Object.keys(vocabularies).length).toBeGreaterThan(2);
    const records = allLines(graph).map((line) => JSON.parse(line) as { edge_index: number[][] });
    expect(records).toHaveLength(30);
    expect(records[0]?.edge_index).toHaveLength(2);
    const traces = allLines(otlp).map((line) => JSON.parse(line) as { resourceSpans: unknown[] });
    expect(traces).toHaveLength(30);
    expect(traces[0]?.resourceSpans.length).toBeGreaterThan(0);
    const bad = await run(["trajectories", "--count", "3", "--format", "csv", "--out", tmp()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/format/);
  });

  it("runs as a real process from the package bin, compiled", async () => {
    const out = tmp();
    const { stdout } = await exec(process.execPath, [
      "bin/agentsynth.js",
      "trajectories",
      "--count",
      "10",
      "--out",
      out,
    ]);
    expect(stdout).toMatch(/wrote 10 trajectories/);
    const help = await exec(process.execPath, ["bin/agentsynth.js", "--help"]);
    expect(help.stdout).toMatch(/agentsynth trajectories/);
    const bad = await exec(process.execPath, [
      "bin/agentsynth.js",
      "trajectories",
      "--count",
      "0",
      "--out",
      tmp(),
    ]).catch((error: { code: number; stderr: string }) => error);
    expect(bad).toMatchObject({ code: 2 });
    // The message names the flag as typed, not the spec field behind it.
    expect((bad as { stderr: string }).stderr).toMatch(/--count: Too small: expected number to be >=1 \(got 0\)/);
    expect((bad as { stderr: string }).stderr).not.toMatch(/total/);
  });
});
