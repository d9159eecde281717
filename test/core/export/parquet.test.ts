import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { generateTrajectory } from "../../../core/dataset/generate-trajectory.ts";
import { produceTrajectoryShard } from "../../../core/dataset/produce-shard.ts";
import { resolveDatasetConfig } from "../../../core/dataset/resolve-config.ts";
import { parseTrajectoryDatasetSpec } from "../../../core/dataset/spec.ts";
import { isoToMs, PARQUET_TABLES, ParquetShardWriter, parquetColumns } from "../../../core/export/parquet/index.ts";
import { createFsObjectStore } from "../../../core/storage/drivers/fs.ts";
import {
  type Trajectory,
  TrajectoryEdgeSchema,
  TrajectoryNodeSchema,
  TrajectorySchema,
} from "../../../core/trajectory/index.ts";
import { parquetColumnTypes, readParquetRows } from "../../helpers/duckdb.ts";

type Row = Record<string, unknown>;
type AnySchema = z.ZodType & { def: { type: string; innerType?: AnySchema; shape?: Record<string, AnySchema> } };

/** A field's schema without nullable/optional wrappers. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  while ((current.def.type === "nullable" || current.def.type === "optional") && current.def.innerType) {
    current = current.def.innerType;
  }
  return current;
}

/**
 * The flat columns a record's fields become, read from the model's zod schemas (not from the Parquet column list):
 * an object with fixed fields is flattened with `_`, everything else is one column.
 */
function flatFields(shape: Record<string, AnySchema>, prefix = ""): string[] {
  return Object.entries(shape).flatMap(([key, schema]) => {
    const inner = unwrap(schema);
    return inner.def.type === "object" && inner.def.shape
      ? flatFields(inner.def.shape, `${prefix}${key}_`)
      : [`${prefix}${key}`];
  });
}

function unionFields(options: readonly AnySchema[]): Set<string> {
  return new Set(options.flatMap((option) => flatFields(option.def.shape ?? {})));
}

/** Columns the writer adds that are not model fields: join keys and positions. */
const DERIVED = {
  trajectories: [],
  nodes: ["trajectory_id", "node_index"],
  edges: ["trajectory_id", "edge_index", "source_node_index", "target_node_index"],
} as const;
/** Model fields of an edge given by position instead: `node_details.node_id` at `source_node_index` / `target_node_index`. */
const EDGE_ENDS = ["source_node_id", "target_node_id"];

/** A model value as the Parquet reader should give it back: times as epoch ms, free-form records as JSON text. */
function expected(value: unknown, key: string): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" && /_time$/.test(key)) return isoToMs(value);
  if (typeof value === "object" && !Array.isArray(value)) return JSON.stringify(value);
  return value;
}

/** A record flattened the way `flatFields` names its columns. */
function flatten(record: Row, nested: ReadonlySet<string>, prefix = ""): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(record)) {
    if (nested.has(key) && value !== null && typeof value === "object") {
      Object.assign(out, flatten(value as Row, new Set(), `${prefix}${key}_`));
    } else if (nested.has(key) && value === null) {
      // A null nested object (a delete's memory_value) nulls every flattened column; they are filled below.
    } else {
      out[`${prefix}${key}`] = expected(value, key);
    }
  }
  return out;
}

const NESTED_NODE_OBJECTS = new Set(
  (TrajectoryNodeSchema.options as unknown as AnySchema[]).flatMap((option) =>
    Object.entries(option.def.shape ?? {})
      .filter(([, schema]) => unwrap(schema).def.type === "object")
      .map(([key]) => key),
  ),
);

function withNulls(row: Row, columns: readonly string[]): Row {
  return Object.fromEntries(columns.map((name) => [name, row[name] ?? null]));
}

describe("Parquet tables", () => {
  it("have a column for every model field, named as the model flattens (nothing dropped, nothing renamed)", () => {
    const nodeFields = unionFields(TrajectoryNodeSchema.options as unknown as AnySchema[]);
    const edgeFields = unionFields(TrajectoryEdgeSchema.options as unknown as AnySchema[]);
    const {
      nodes: _nodes,
      edges: _edges,
      metadata,
      ...top
    } = (TrajectorySchema as unknown as AnySchema).def.shape ?? {};
    const trajectoryFields = new Set([
      ...flatFields(top),
      ...flatFields((unwrap(metadata as AnySchema).def.shape ?? {}) as Record<string, AnySchema>),
    ]);
    const columnsOf = (table: (typeof PARQUET_TABLES)[number]) =>
      new Set(parquetColumns(table).map((column) => column.name));
    // The two node tables share their key and split every other field between them.
    const nodes = columnsOf("nodes");
    const details = columnsOf("node_details");
    expect(new Set([...nodes, ...details])).toStrictEqual(new Set([...DERIVED.nodes, ...nodeFields]));
    expect(new Set([...nodes].filter((name) => details.has(name)))).toStrictEqual(new Set(DERIVED.nodes));
    expect(columnsOf("edges")).toStrictEqual(
      new Set([...DERIVED.edges, ...[...edgeFields].filter((name) => !EDGE_ENDS.includes(name))]),
    );
    expect(columnsOf("trajectories")).toStrictEqual(trajectoryFields);
  });

  it("keep text and ids out of the node feature table, and every label in it", () => {
    const nodes = parquetColumns("nodes");
    const text = nodes.filter((column) => ["string", "json", "string_list"].includes(column.type) && !column.label);
    expect(text).toStrictEqual([]);
    expect(nodes.filter((column) => column.label).map((column) => column.name)).toStrictEqual([
      "is_anomalous",
      "anomaly_type",
      "anomaly_metadata",
      "anomaly_role",
    ]);
    expect(parquetColumns("node_details").filter((column) => column.label)).toStrictEqual([]);
  });

  it("for an evaluation set leave out the label columns and seed and index, and still write stripped records", () => {
    expect(parquetColumns("trajectories", { evaluation: true }).map((column) => column.name)).not.toContain("seed");
    const writer = new ParquetShardWriter(0, { evaluation: true });
    const config = resolveDatasetConfig(parseTrajectoryDatasetSpec({ seed: 2, total: 3, anomaly_ratio: 1 }));
    for (let i = 0; i < 3; i++) {
      const { seed: _seed, index: _index, ...record } = generateTrajectory(config, 2, i);
      writer.add(record as Trajectory);
    }
    const files = writer.finish();
    expect(files.filter((file) => file.table === "trajectories").reduce((sum, file) => sum + file.rows, 0)).toBe(3);
    for (const table of PARQUET_TABLES) {
      const names = parquetColumns(table, { evaluation: true }).map((column) => column.name);
      expect(names.filter((name) => /^(is_anomalous|anomaly_\w+|seed|index)$/.test(name))).toStrictEqual([]);
    }
  });

  it("without labels leave out exactly the anomaly label columns", () => {
    for (const table of PARQUET_TABLES) {
      const all = parquetColumns(table).map((column) => column.name);
      const unlabelled = parquetColumns(table, { labels: false }).map((column) => column.name);
      const dropped = all.filter((name) => !unlabelled.includes(name));
      expect(dropped.length > 0, table).toBe(table !== "node_details");
      for (const name of dropped) expect(name).toMatch(/anomal/);
    }
  });

  describe("read back by DuckDB", { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), "agentsynth-parquet-"));
    const trajectories: Trajectory[] = [];
    const spec = parseTrajectoryDatasetSpec({
      seed: 11,
      total: 240,
      shard_size: 100,
      anomaly_ratio: 0.4,
      format: "parquet",
    });

    beforeAll(async () => {
      const store = createFsObjectStore({ baseDir: dir, fsync: false });
      const config = resolveDatasetConfig(spec);
      for (const shard of [
        { shard: 0, start_index: 0, count: 100 },
        { shard: 1, start_index: 100, count: 100 },
        { shard: 2, start_index: 200, count: 40 },
      ]) {
        const { entry } = await produceTrajectoryShard(store, spec, config, shard);
        expect(entry.files).toHaveLength(PARQUET_TABLES.length * 3);
      }
      // The same spec as JSONL: the rows must match its lines.
      const jsonl = createFsObjectStore({ baseDir: join(dir, "jsonl"), fsync: false });
      const jsonSpec = { ...spec, format: "trajectory" as const, shard_size: 240 };
      const { entry } = await produceTrajectoryShard(jsonl, jsonSpec, config, { shard: 0, start_index: 0, count: 240 });
      for (const line of readFileSync(join(dir, "jsonl", entry.key), "utf8").split("\n")) {
        if (line !== "") trajectories.push(JSON.parse(line) as Trajectory);
      }
    }, 120_000);

    it("gives one trajectory row per JSONL line, field for field", async () => {
      const rows = await readParquetRows(join(dir, "trajectories/*/*.parquet"), '"index"');
      const columns = parquetColumns("trajectories").map((column) => column.name);
      expect(rows).toHaveLength(240);
      expect(rows.map((row) => row.index)).toStrictEqual(trajectories.map((t) => t.index));
      const lists = new Set(["agent_types", "tool_usage", "anomaly_types", "tags"]);
      rows.forEach((row, i) => {
        const { nodes: _n, edges: _e, metadata, ...top } = trajectories[i] as Trajectory;
        const flat: Row = {};
        for (const [key, value] of Object.entries({ ...top, ...metadata })) {
          // metadata.anomalies, a list of records, is one JSON column.
          flat[key] = lists.has(key) ? value : key === "anomalies" ? JSON.stringify(value) : expected(value, key);
        }
        expect(row).toStrictEqual(withNulls(flat, columns));
      });
      expect(rows.some((row) => row.is_anomalous === true && row.anomaly_metadata !== null)).toBe(true);
    });

    it("gives one row per JSONL node in each node table, together its type's fields and nulls elsewhere", async () => {
      const order = "trajectory_id, node_index";
      const rows = await readParquetRows(join(dir, "nodes/*/*.parquet"), order);
      const details = await readParquetRows(join(dir, "node_details/*/*.parquet"), order);
      const columns = parquetColumns("nodes").map((column) => column.name);
      const detailColumns = parquetColumns("node_details").map((column) => column.name);
      const byId = new Map(trajectories.map((t) => [t.trajectory_id, t]));
      expect(rows).toHaveLength(trajectories.reduce((sum, t) => sum + t.nodes.length, 0));
      expect(details).toHaveLength(rows.length);
      rows.forEach((row, i) => {
        const trajectory = byId.get(row.trajectory_id as string) as Trajectory;
        const node = trajectory.nodes[row.node_index as number] as unknown as Row;
        const flat = flatten(node, NESTED_NODE_OBJECTS);
        if (Array.isArray(node.validation_criteria)) flat.validation_criteria = node.validation_criteria;
        const keyed = { ...flat, trajectory_id: trajectory.trajectory_id, node_index: row.node_index };
        expect(row).toStrictEqual(withNulls(keyed, columns));
        expect(details[i]).toStrictEqual(withNulls(keyed, detailColumns));
      });
      expect(new Set(rows.map((row) => row.node_type)).size).toBe(10);
    });

    it("gives one edge row per JSONL edge, with the node positions of its ends", async () => {
      const rows = await readParquetRows(join(dir, "edges/*/*.parquet"), "trajectory_id, edge_index");
      const columns = parquetColumns("edges").map((column) => column.name);
      const byId = new Map(trajectories.map((t) => [t.trajectory_id, t]));
      expect(rows).toHaveLength(trajectories.reduce((sum, t) => sum + t.edges.length, 0));
      for (const row of rows) {
        const trajectory = byId.get(row.trajectory_id as string) as Trajectory;
        const edge = trajectory.edges[row.edge_index as number] as unknown as Row;
        const position = (id: unknown) => trajectory.nodes.findIndex((node) => node.node_id === id);
        const { source_node_id: _source, target_node_id: _target, ...rest } = edge;
        const flat = flatten(rest, new Set());
        expect(row).toStrictEqual(
          withNulls(
            {
              ...flat,
              trajectory_id: trajectory.trajectory_id,
              edge_index: row.edge_index,
              source_node_index: position(edge.source_node_id),
              target_node_index: position(edge.target_node_id),
            },
            columns,
          ),
        );
      }
    });

    it("gives the UUIDs of an edge's ends as node_details.node_id at its node positions", async () => {
      const source = (glob: string) => `read_parquet('${join(dir, glob)}')`;
      const db = await DuckDBInstance.create(":memory:");
      const connection = await db.connect();
      const result = await connection.runAndReadAll(
        `SELECT e.trajectory_id, e.edge_index, s.node_id AS source_node_id, t.node_id AS target_node_id
         FROM ${source("edges/*/*.parquet")} e
         JOIN ${source("node_details/*/*.parquet")} s ON s.trajectory_id = e.trajectory_id AND s.node_index = e.source_node_index
         JOIN ${source("node_details/*/*.parquet")} t ON t.trajectory_id = e.trajectory_id AND t.node_index = e.target_node_index
         ORDER BY e.trajectory_id, e.edge_index`,
      );
      const ends = result.getRowObjectsJson();
      connection.closeSync();
      db.closeSync();
      const expected = trajectories
        .flatMap((t) =>
          t.edges.map((edge, i) => ({
            trajectory_id: t.trajectory_id,
            edge_index: i,
            source_node_id: edge.source_node_id,
            target_node_id: edge.target_node_id,
          })),
        )
        .sort((a, b) =>
          a.trajectory_id < b.trajectory_id ? -1 : a.trajectory_id > b.trajectory_id ? 1 : a.edge_index - b.edge_index,
        );
      expect(ends).toStrictEqual(expected);
    });

    it("puts each trajectory's rows in the folder of its split", async () => {
      for (const table of PARQUET_TABLES) {
        for (const split of ["train", "validation", "test"]) {
          const rows = await readParquetRows(join(dir, `${table}/${split}/*.parquet`), "trajectory_id");
          const ids = new Set(trajectories.filter((t) => t.split === split).map((t) => t.trajectory_id));
          expect(rows.length).toBeGreaterThan(0);
          for (const row of rows) expect(ids.has(row.trajectory_id as string)).toBe(true);
        }
      }
    });

    it("types timestamps as UTC timestamps and categories as text", async () => {
      const types = new Map(
        (await parquetColumnTypes(join(dir, "nodes/train/00000.parquet"))).map((c) => [c.name, c.type]),
      );
      expect(types.get("start_time")).toBe("TIMESTAMP WITH TIME ZONE");
      expect(types.get("node_type")).toBe("VARCHAR");
      expect(types.get("duration")).toBe("DOUBLE");
      expect(types.get("is_anomalous")).toBe("BOOLEAN");
      const details = new Map(
        (await parquetColumnTypes(join(dir, "node_details/train/00000.parquet"))).map((c) => [c.name, c.type]),
      );
      expect(details.get("validation_criteria")).toBe("VARCHAR[]");
      expect(details.get("node_index")).toBe("INTEGER");
    });
  });
});
