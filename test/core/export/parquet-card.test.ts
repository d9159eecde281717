import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { PARQUET_TABLES, parquetColumns } from "../../../core/export/parquet/index.ts";
import { runCli } from "../../helpers/cli.ts";
import { fencedBlock } from "../../helpers/python.ts";

interface Manifest {
  shards: Array<{ files: Array<{ key: string; table: string; split: string; rows: number }> }>;
  statistics: { nodes: { sum: number }; anomalous_nodes: number; node_types: Record<string, number> };
}

/** A data_files glob as a regular expression over keys relative to the dataset root. */
function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replaceAll(".", "\\.").replaceAll("*", "[^/]*")}$`);
}

describe("the dataset card of --format parquet", { timeout: 120_000 }, () => {
  const made = (async () => {
    const dir = mkdtempSync(join(tmpdir(), "agentsynth-parquet-card-"));
    const args = ["trajectories", "--count", "260", "--shard-size", "100", "--anomaly-ratio", "0.3"];
    const result = await runCli([...args, "--format", "parquet", "--seed", "5", "--out", dir]);
    expect(result.code, result.stderr).toBe(0);
    return {
      dir,
      card: readFileSync(join(dir, "README.md"), "utf8"),
      manifest: JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest,
    };
  })();

  it("has a Hugging Face config per table whose data files of each split are exactly that table's files", async () => {
    const { card, manifest } = await made;
    const meta = parseYaml(card.slice(4, card.indexOf("\n---\n", 4))) as {
      configs: Array<{ config_name: string; default?: boolean; data_files: Array<{ split: string; path: string }> }>;
    };
    expect(meta.configs.map((config) => config.config_name)).toStrictEqual([...PARQUET_TABLES]);
    expect(meta.configs[0]?.default).toBe(true);
    const files = manifest.shards.flatMap((shard) => shard.files);
    expect(files).toHaveLength(3 * PARQUET_TABLES.length * 3);
    for (const file of files) {
      const matches = meta.configs.flatMap((config) =>
        config.data_files
          .filter((entry) => globToRegExp(entry.path).test(file.key))
          .map((entry) => `${config.config_name}/${entry.split}`),
      );
      expect(matches, file.key).toStrictEqual([`${file.table}/${file.split}`]);
    }
  });

  it("lists every column of every table in its field dictionary", async () => {
    const { card } = await made;
    const fields = card.slice(card.indexOf("## Fields"), card.indexOf("## Loading"));
    for (const table of PARQUET_TABLES) {
      const section = fields.slice(fields.indexOf(`### ${table}/{split}/NNNNN.parquet`));
      const rows = section.slice(0, section.indexOf("\n\n", section.indexOf("|---")));
      const names = [...rows.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]);
      expect(names, table).toStrictEqual(parquetColumns(table).map((column) => column.name));
    }
  });

  it("gives each column the type a reader finds: timestamps typed, categories dictionary-encoded, JSON that parses", async () => {
    const { card, dir } = await made;
    const db = await DuckDBInstance.create(":memory:");
    const connection = await db.connect();
    try {
      for (const table of PARQUET_TABLES) {
        const section = card.slice(card.indexOf(`### ${table}/{split}/NNNNN.parquet`));
        const rows = section.slice(0, section.indexOf("\n\n", section.indexOf("|---")));
        const file = join(dir, table, "train", "00000.parquet");
        const read = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJson();
        const types = new Map(
          (await read(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).map((r) => [r.column_name, r.column_type]),
        );
        const encodings = new Map<unknown, string>();
        for (const r of await read(`SELECT path_in_schema, encodings FROM parquet_metadata('${file}')`)) {
          encodings.set(r.path_in_schema, `${encodings.get(r.path_in_schema) ?? ""} ${r.encodings}`);
        }
        for (const [, name, type] of rows.matchAll(/^\| `([^`]+)` \| ([^|]+) \|/gm)) {
          const where = `${table}.${name}: ${type}`;
          expect(types.get(name as string) === "TIMESTAMP WITH TIME ZONE", where).toBe(type?.startsWith("timestamp"));
          if (type?.includes("dictionary-encoded")) expect(encodings.get(name), where).toMatch(/DICTIONARY/);
          if (type?.includes("JSON")) {
            for (const r of await read(
              `SELECT "${name}" AS v FROM read_parquet('${file}') WHERE "${name}" IS NOT NULL`,
            )) {
              // A column said to hold a JSON object holds objects, not lists (metadata.anomalies is a list).
              const value = JSON.parse(r.v as string) as unknown;
              if (type.includes("JSON object")) expect(Array.isArray(value), where).toBe(false);
            }
          }
        }
      }
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });

  it("has a DuckDB query that runs on the dataset and agrees with the statistics of the generated trajectories", async () => {
    const { card, dir, manifest } = await made;
    expect(card).toContain('pd.read_parquet("node_details/train"');
    const db = await DuckDBInstance.create(":memory:");
    const connection = await db.connect();
    try {
      // The card's paths are relative to the dataset directory, where a reader runs it.
      await connection.run(`SET file_search_path = '${dir}'`);
      const rows = (await connection.runAndReadAll(fencedBlock(card, "sql", "## Loading"))).getRowObjectsJson();
      const { statistics } = manifest;
      const types = Object.entries(statistics.node_types).filter(([, count]) => count > 0);
      expect(rows.map((row) => [row.node_type, Number(row.nodes)])).toStrictEqual(
        types.sort(([a], [b]) => (a < b ? -1 : 1)),
      );
      expect(rows.reduce((sum, row) => sum + Number(row.anomalous_nodes), 0)).toBe(statistics.anomalous_nodes);
      for (const row of rows) expect(typeof row.example).toBe("string");
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });
});
