import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { readParquetRows } from "../helpers/duckdb.ts";

interface Manifest {
  shards: Array<{
    key: string;
    bytes: number;
    sha256: string;
    files: Array<{ key: string; table: string; split: string; rows: number; bytes: number; sha256: string }>;
  }>;
  totals: { trajectories: number; bytes: number; shards: number };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "agentsynth-parquet-cli-"));
}

const run = runCli;

const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

// Several CLI runs per test: generous timeouts for a loaded two-core machine.
describe("agentsynth trajectories --format parquet", { timeout: 120_000 }, () => {
  it("writes a file per table and split of each shard, whose sizes and sha256 the manifest records", async () => {
    const out = tmp();
    const result = await run([
      "trajectories",
      "--count",
      "150",
      "--shard-size",
      "100",
      "--format",
      "parquet",
      "--out",
      out,
    ]);
    expect(result.code).toBe(0);
    const manifest = readManifest(out);
    expect(manifest.shards.map((shard) => shard.key)).toStrictEqual([
      "{table}/{split}/00000.parquet",
      "{table}/{split}/00001.parquet",
    ]);
    for (const shard of manifest.shards) {
      expect(shard.files.map((file) => file.key)).toHaveLength(12);
      let listing = "";
      for (const file of shard.files) {
        const bytes = readFileSync(join(out, file.key));
        expect(file.key).toBe(`${file.table}/${file.split}/${shard.key.slice(-13)}`);
        expect(bytes.byteLength).toBe(file.bytes);
        expect(sha256(bytes)).toBe(file.sha256);
        expect(bytes.subarray(0, 4).toString("latin1")).toBe("PAR1");
        listing += `${file.sha256}  ${file.key}\n`;
      }
      expect(shard.sha256).toBe(sha256(listing));
      expect(shard.bytes).toBe(shard.files.reduce((sum, file) => sum + file.bytes, 0));
    }
    const trajectoryRows = manifest.shards.flatMap((s) => s.files.filter((f) => f.table === "trajectories"));
    expect(trajectoryRows.reduce((sum, file) => sum + file.rows, 0)).toBe(150);
  });

  it("gives byte-identical files whatever the number of workers", async () => {
    const [one, two] = [tmp(), tmp()];
    const base = ["trajectories", "--count", "200", "--shard-size", "60", "--format", "parquet"];
    await run([...base, "--out", one, "--workers", "1"]);
    await run([...base, "--out", two, "--workers", "2"]);
    expect(readFileSync(join(two, "manifest.json"), "utf8")).toBe(readFileSync(join(one, "manifest.json"), "utf8"));
    for (const file of readManifest(one).shards.flatMap((shard) => shard.files)) {
      expect(readFileSync(join(two, file.key)).equals(readFileSync(join(one, file.key)))).toBe(true);
    }
  });

  it("gives the same rows whatever the shard size", async () => {
    const small = tmp();
    const large = tmp();
    await run([
      "trajectories",
      "--count",
      "60",
      "--shard-size",
      "8",
      "--format",
      "parquet",
      "--out",
      small,
      "--workers",
      "2",
    ]);
    await run(["trajectories", "--count", "60", "--shard-size", "1000", "--format", "parquet", "--out", large]);
    for (const [table, order] of [
      ["trajectories", '"index"'],
      ["nodes", "trajectory_id, node_index"],
      ["node_details", "trajectory_id, node_index"],
      ["edges", "trajectory_id, edge_index"],
    ] as const) {
      const fromSmall = await readParquetRows(join(small, `${table}/*/*.parquet`), order);
      expect(fromSmall.length).toBeGreaterThan(0);
      expect(fromSmall).toStrictEqual(await readParquetRows(join(large, `${table}/*/*.parquet`), order));
    }
  });

  it("verify names a damaged or missing file of any table, and --resume writes it again byte for byte", async () => {
    const out = tmp();
    const flags = ["trajectories", "--count", "120", "--shard-size", "50", "--format", "parquet", "--out", out];
    expect((await run(flags)).code).toBe(0);
    const files = readManifest(out).shards.flatMap((shard) => shard.files);
    const damaged = files.find((file) => file.key === "node_details/train/00001.parquet");
    const missing = files.find((file) => file.key === "edges/test/00002.parquet");
    if (damaged === undefined || missing === undefined) throw new Error("expected files are not in the manifest");
    const original = readFileSync(join(out, damaged.key));
    const flipped = Buffer.from(original);
    flipped[100] = (flipped[100] as number) ^ 0xff;
    writeFileSync(join(out, damaged.key), flipped);
    rmSync(join(out, missing.key));
    const verify = await run(["verify", out]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(damaged.key);
    expect(verify.stdout).toContain(missing.key);
    expect((await run([...flags, "--resume"])).code).toBe(0);
    expect(readFileSync(join(out, damaged.key)).equals(original)).toBe(true);
    expect(sha256(readFileSync(join(out, missing.key)))).toBe(missing.sha256);
    expect((await run(["verify", out])).code).toBe(0);
  });

  it("refuses --gzip, which does not apply to Parquet files", async () => {
    const result = await run(["trajectories", "--count", "5", "--format", "parquet", "--gzip", "--out", tmp()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/gzip: does not apply to format parquet/);
  });
});
