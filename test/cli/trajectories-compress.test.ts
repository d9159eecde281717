import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, zstdDecompressSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "agentsynth-compress-"));
}

const run = runCli;

const shardKeys = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { shards: Array<{ key: string }> }).shards.map(
    (shard) => shard.key,
  );

// Several CLI runs per test: generous timeouts for a loaded two-core machine.
describe("agentsynth trajectories --compress", { timeout: 120_000 }, () => {
  it("writes .jsonl.zst shards that decompress to the plain JSONL, and --compress gzip is --gzip", async () => {
    const [plain, zstd, gzip, gzipFlag] = [tmp(), tmp(), tmp(), tmp()];
    const base = ["trajectories", "--count", "40", "--shard-size", "25", "--seed", "3"];
    await run([...base, "--out", plain]);
    expect((await run([...base, "--compress", "zstd", "--out", zstd])).code).toBe(0);
    await run([...base, "--compress", "gzip", "--out", gzip]);
    await run([...base, "--gzip", "--out", gzipFlag]);
    expect(shardKeys(zstd)).toStrictEqual(["shards/00000.jsonl.zst", "shards/00001.jsonl.zst"]);
    shardKeys(plain).forEach((key, i) => {
      const original = readFileSync(join(plain, key));
      expect(zstdDecompressSync(readFileSync(join(zstd, shardKeys(zstd)[i] as string))).equals(original)).toBe(true);
      expect(gunzipSync(readFileSync(join(gzip, `${key}.gz`))).equals(original)).toBe(true);
    });
    expect(readFileSync(join(gzip, "manifest.json"), "utf8").replace('"compression": "gzip",\n    ', "")).toBe(
      readFileSync(join(gzipFlag, "manifest.json"), "utf8").replace('"gzip": true', '"gzip": false'),
    );
  });

  it("gives shards DuckDB reads directly", async () => {
    const out = tmp();
    await run(["trajectories", "--count", "30", "--compress", "zstd", "--out", out]);
    const db = await DuckDBInstance.create(":memory:");
    const connection = await db.connect();
    const result = await connection.runAndReadAll(
      `SELECT count(*) AS n, count(DISTINCT trajectory_id) AS ids FROM read_json('${join(out, "shards/*.jsonl.zst")}', format = 'newline_delimited')`,
    );
    expect(result.getRowObjectsJson()).toStrictEqual([{ n: "30", ids: "30" }]);
    connection.closeSync();
  });

  it("explains a contradiction or an unknown codec", async () => {
    const both = await run(["trajectories", "--count", "5", "--gzip", "--compress", "zstd", "--out", tmp()]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/gzip: contradicts compression zstd/);
    const unknown = await run(["trajectories", "--count", "5", "--compress", "brotli", "--out", tmp()]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/compression.*gzip.*zstd/);
    const parquet = await run([
      "trajectories",
      "--count",
      "5",
      "--format",
      "parquet",
      "--compress",
      "zstd",
      "--out",
      tmp(),
    ]);
    expect(parquet.stderr).toMatch(/compression: does not apply to format parquet/);
  });
});
