import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRandomizer } from "../../core/random.ts";
import {
  METADATA_LABEL_KEYS,
  PART_LABEL_KEYS,
  TRAJECTORY_LABEL_KEYS,
  type TrajectoryLabels,
  TrajectoryLabelsSchema,
} from "../../core/trajectory/labels.ts";
import { runCli } from "../helpers/cli.ts";
import { readParquetRows } from "../helpers/duckdb.ts";

const SECRET = "5f0c3a9d2b7e41c68f1a0d9e3c7b5a2f4e6d8c0b1a3f5e7d9c2b4a6f8e0d1c3b";

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "agentsynth-eval-"));
}

const run = runCli;

async function generate(extra: string[], count = 60): Promise<string> {
  const out = tmp();
  const result = await run([
    "trajectories",
    "--count",
    String(count),
    "--seed",
    "7",
    "--anomaly-ratio",
    "0.5",
    "--out",
    out,
    "--quiet",
    "--workers",
    "1",
    ...extra,
  ]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return out;
}

function readLines(dir: string, folder: string): string[] {
  return readdirSync(join(dir, folder))
    .filter((name) => name.endsWith(".jsonl"))
    .sort()
    .flatMap((name) =>
      readFileSync(join(dir, folder, name), "utf8")
        .split("\n")
        .filter((line) => line.length > 0),
    );
}

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysOf(item, into);
  else if (value !== null && typeof value === "object")
    for (const [key, inner] of Object.entries(value)) {
      into.add(key);
      keysOf(inner, into);
    }
  return into;
}

describe("evaluation-set mode", () => {
  it("writes shards without labels, seed or index, and the labels beside them keyed by trajectory id", async () => {
    const out = await generate(["--eval-secret", SECRET, "--shard-size", "20"]);
    const records = readLines(out, "shards").map((line) => JSON.parse(line) as Record<string, unknown>);
    const labels = readLines(out, "labels").map((line) => TrajectoryLabelsSchema.parse(JSON.parse(line)));
    expect(records).toHaveLength(60);
    expect(labels).toHaveLength(60);
    const forbidden = new Set<string>([...TRAJECTORY_LABEL_KEYS, ...METADATA_LABEL_KEYS, ...PART_LABEL_KEYS]);
    for (const record of records) expect([...keysOf(record)].filter((key) => forbidden.has(key))).toEqual([]);
    records.forEach((record, i) => {
      const label = labels[i] as TrajectoryLabels;
      expect(label.trajectory_id).toBe(record.trajectory_id);
      expect(label.index).toBe(i);
      expect(label.nodes.map((node) => node.node_id)).toEqual(
        (record.nodes as Array<{ node_id: string }>).map((node) => node.node_id),
      );
      expect(label.edges.map((edge) => edge.edge_id)).toEqual(
        (record.edges as Array<{ edge_id: string }>).map((edge) => edge.edge_id),
      );
      // A trajectory is anomalous exactly when one of its parts is labelled (the labels agree with each other).
      if (label.is_anomalous) expect(label.nodes.some((node) => node.is_anomalous)).toBe(true);
    });
    const anomalous = labels.filter((label) => label.is_anomalous).length;
    expect(anomalous).toBeGreaterThan(15);
    expect(anomalous).toBeLessThan(45);
  });

  it("keeps the secret and the label files out of everything public", async () => {
    const out = await generate(["--eval-secret", SECRET]);
    const manifest = readFileSync(join(out, "manifest.json"), "utf8");
    const card = readFileSync(join(out, "README.md"), "utf8");
    const spec = readFileSync(join(out, "spec.json"), "utf8");
    for (const text of [manifest, card, spec, ...readLines(out, "shards")]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain("labels/0");
    }
    expect(JSON.parse(manifest).spec.eval_set).toEqual({});
    const private_ = JSON.parse(readFileSync(join(out, "labels", "manifest.json"), "utf8"));
    expect(private_.spec.eval_set.secret).toBe(SECRET);
    expect(private_.shards[0]).toMatchObject({ shard_key: "shards/00000.jsonl", key: "labels/00000.jsonl" });
  });

  it("is byte-identical for the same seed and secret, whatever the shard size", async () => {
    const a = await generate(["--eval-secret", SECRET, "--shard-size", "60"]);
    const b = await generate(["--eval-secret", SECRET, "--shard-size", "7"]);
    expect(readLines(b, "shards")).toEqual(readLines(a, "shards"));
    expect(readLines(b, "labels")).toEqual(readLines(a, "labels"));
  });

  it("cannot be reproduced from the public seed: ids, tasks and content differ from a plain run and another secret", async () => {
    const secret = await generate(["--eval-secret", SECRET]);
    const plain = await generate([]);
    const other = await generate(["--eval-secret", SECRET.replace(/^5/, "6")]);
    const published = readLines(secret, "shards").map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const dir of [plain, other]) {
      const lines = readLines(dir, "shards");
      const ids = new Set(lines.map((line) => (JSON.parse(line) as { trajectory_id: string }).trajectory_id));
      expect(published.filter((record) => ids.has(record.trajectory_id as string))).toEqual([]);
      const tasks = lines.map((line) => (JSON.parse(line) as { task_description: string }).task_description);
      const same = published.filter((record, i) => record.task_description === tasks[i]).length;
      expect(same).toBeLessThan(5);
    }
  });

  it("generates a secret when none is given, so two runs differ", async () => {
    const a = await generate(["--eval-set"], 5);
    const b = await generate(["--eval-set"], 5);
    expect(readLines(a, "shards")).not.toEqual(readLines(b, "shards"));
    const secret = JSON.parse(readFileSync(join(a, "labels", "manifest.json"), "utf8")).spec.eval_set.secret;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(["graph", "otlp"])("publishes %s records without label columns or attributes", async (format) => {
    const out = await generate(["--eval-secret", SECRET, "--format", format], 30);
    const text = readLines(out, "shards").join("\n");
    for (const label of [
      '"y"',
      '"node_y"',
      '"edge_y_type"',
      '"index"',
      "agentsynth.is_anomalous",
      "agentsynth.anomaly",
      "agentsynth.index",
      "agentsynth.split",
    ])
      expect(text).not.toContain(label);
    expect(readLines(out, "labels")).toHaveLength(30);
  });

  it("publishes Parquet tables without label, seed or index columns, labels beside them", async () => {
    const out = await generate(["--eval-secret", SECRET, "--format", "parquet"], 30);
    const forbidden = new Set<string>([...TRAJECTORY_LABEL_KEYS, ...METADATA_LABEL_KEYS, ...PART_LABEL_KEYS]);
    for (const table of ["trajectories", "nodes", "edges"]) {
      const rows = await readParquetRows(join(out, table, "*", "*.parquet"), "1");
      expect(rows.length).toBeGreaterThan(0);
      const columns = Object.keys(rows[0] ?? {});
      expect(columns.filter((column) => forbidden.has(column) || column.startsWith("anomaly"))).toEqual([]);
    }
    const labels = readLines(out, "labels").map((line) => TrajectoryLabelsSchema.parse(JSON.parse(line)));
    const ids = (await readParquetRows(join(out, "trajectories", "*", "*.parquet"), "trajectory_id")).map(
      (row) => row.trajectory_id,
    );
    expect(labels.map((label) => label.trajectory_id).sort()).toEqual(ids);
  });

  it("resumes an interrupted evaluation set with its recorded secret, and refuses another one", async () => {
    const whole = await generate(["--eval-set", "--shard-size", "10"], 30);
    const secret = JSON.parse(readFileSync(join(whole, "labels", "manifest.json"), "utf8")).spec.eval_set.secret;
    const cut = await generate(["--eval-secret", secret, "--shard-size", "10"], 30);
    const { rmSync } = await import("node:fs");
    rmSync(join(cut, "shards", "00001.jsonl"));
    rmSync(join(cut, "labels", "00002.jsonl"));
    rmSync(join(cut, "manifest.json"));
    const base = ["trajectories", "--count", "30", "--seed", "7", "--anomaly-ratio", "0.5", "--out", cut];
    const other = await run([...base, "--quiet", "--shard-size", "10", "--resume", "--eval-secret", SECRET]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("another --eval-secret");
    const resumed = await run([...base, "--quiet", "--shard-size", "10", "--resume", "--eval-set"]);
    expect(resumed.code).toBe(0);
    expect(readLines(cut, "shards")).toEqual(readLines(whole, "shards"));
    expect(readLines(cut, "labels")).toEqual(readLines(whole, "labels"));
  });

  it("rejects a short or non-hex secret, naming the field and how to make one", async () => {
    const result = await run(["trajectories", "--count", "2", "--out", tmp(), "--eval-secret", "hunter2"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("eval_set.secret");
    expect(result.stderr).toContain("openssl rand -hex 32");
  });
});

describe("keyed randomness", () => {
  it("draws the same values for the same seed and secret, and others for another secret or the seed alone", () => {
    const draw = (seed: Parameters<typeof createRandomizer>[0]) => {
      const rng = createRandomizer(seed, "trajectory", 3);
      return Array.from({ length: 50 }, () => rng.next());
    };
    const keyed = draw({ seed: 7, secret: SECRET });
    expect(draw({ seed: 7, secret: SECRET })).toEqual(keyed);
    expect(draw({ seed: 7, secret: `${SECRET}0` })).not.toEqual(keyed);
    expect(draw(7)).not.toEqual(keyed);
    for (const value of keyed) expect(value >= 0 && value < 1).toBe(true);
    const forked = createRandomizer({ seed: 7, secret: SECRET }, "x").fork("y");
    expect(forked.uuid()).toBe(createRandomizer({ seed: 7, secret: SECRET }, "x").fork("y").uuid());
  });
});
