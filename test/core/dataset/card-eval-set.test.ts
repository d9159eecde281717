import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.ts";
import { fencedBlock, PYTHON_TIMEOUT_MS, runPython } from "../../helpers/python.ts";

const exec = promisify(execFile);
const SECRET = "0123456789abcdef0123456789abcdef";

const madeDirs: string[] = [];
afterAll(() => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

async function generate(args: string[], dir = mkdtempSync(join(tmpdir(), "agentsynth-eval-card-"))) {
  madeDirs.push(dir);
  const { code, stderr } = await runCli(["trajectories", ...args, "--out", dir, "--quiet", "--workers", "1"]);
  expect(code, stderr).toBe(0);
  return {
    dir,
    card: readFileSync(join(dir, "README.md"), "utf8"),
    manifest: readFileSync(join(dir, "manifest.json")),
  };
}

/** The names of the card's field dictionary (a row may name several fields, `a, b`). */
function dictionary(card: string): string[] {
  const fields = card.slice(card.indexOf("## Fields"), card.indexOf("## Loading"));
  return [...fields.matchAll(/^\| `([^`]+)` \|/gm)].flatMap((match) => (match[1] as string).split(", "));
}

/** Every field path of a JSON record, as the trajectory card names them (`metadata.x`, `nodes[].x`). */
function paths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => (item !== null && typeof item === "object" ? paths(item, `${prefix}[]`) : []));
  }
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const name = prefix === "" ? key : `${prefix}.${key}`;
    // Free-form records are one field each in the dictionary.
    const free = ["tool_parameters", "tool_result", "memory_value"].includes(key);
    return [name, ...(free ? [] : paths(child, name))];
  });
}

const FORMATS = ["trajectory", "graph", "otlp", "parquet"] as const;
const LABEL_NAMES = /(^|[.\]])(is_anomalous|anomaly_\w+|anomalies|seed|index|split|y|node_y\w*|edge_y\w*)$/;

describe.each(FORMATS)("the dataset card of an evaluation set in --format %s", (format) => {
  const args = ["--count", "90", "--seed", "4", "--shard-size", "40", "--anomaly-ratio", "0.4", "--format", format];
  const made = generate([...args, "--eval-secret", SECRET]);

  it("lists no field its records lack: no labels, seed, index or split", async () => {
    const { card } = await made;
    const names = dictionary(card);
    expect(names.length).toBeGreaterThan(10);
    const labels = names.filter((name) => LABEL_NAMES.test(name) || name.startsWith("agentsynth.anomaly"));
    // The graph record keeps its split column, 0 (`<none>`) in an evaluation set.
    expect(labels).toStrictEqual(format === "graph" ? ["split"] : []);
    expect(card).toContain("This is an evaluation set");
    if (format === "trajectory") {
      // Every field it lists is in the records (all node types occur in 90 trajectories).
      const { dir } = await made;
      const present = new Set<string>();
      for (const file of readdirSync(join(dir, "shards"))) {
        for (const line of readFileSync(join(dir, "shards", file), "utf8").split("\n")) {
          if (line !== "") for (const name of paths(JSON.parse(line))) present.add(name);
        }
      }
      expect(names.filter((name) => !present.has(name))).toStrictEqual([]);
    }
  });

  it(
    "has loading code that runs on it as pasted",
    async () => {
      const { card, dir } = await made;
      if (format === "parquet") {
        const db = await DuckDBInstance.create(":memory:");
        const connection = await db.connect();
        try {
          await connection.run(`SET file_search_path = '${dir}'`);
          const rows = (await connection.runAndReadAll(fencedBlock(card, "sql", "## Loading"))).getRowObjectsJson();
          expect(rows.reduce((sum, row) => sum + Number(row.nodes), 0)).toBeGreaterThan(90 * 4);
        } finally {
          connection.closeSync();
          db.closeSync();
        }
        return;
      }
      const output = await runPython(fencedBlock(card, "python", "## Loading"), dir);
      const noun = { trajectory: "trajectories", graph: "graphs", otlp: "traces" }[format];
      expect(output).toMatch(new RegExp(`^90 ${noun}, .*no labels \\(an evaluation set\\)`));
    },
    PYTHON_TIMEOUT_MS,
  );

  it(
    "regenerates the same bytes with its command, pasted in a shell beside the private labels/",
    async () => {
      const { card, dir, manifest } = await made;
      const command = fencedBlock(card, "sh", "Regenerate it").trim();
      expect(command).not.toContain(SECRET);
      expect(command).toMatch(/^agentsynth trajectories .* --eval-secret .* --out DIR$/);
      // The shell reads the secret from labels/manifest.json; printf shows the arguments it would pass.
      const { stdout } = await exec("sh", ["-c", command.replace(/^agentsynth /, "printf '%s\\n' ")], { cwd: dir });
      const argv = stdout.trimEnd().split("\n");
      expect(argv[argv.indexOf("--eval-secret") + 1]).toBe(SECRET);
      const again = await generate(argv.slice(1, -2));
      expect(again.manifest.equals(manifest)).toBe(true);
      expect(again.card).toBe(card);
      expect(readdirSync(again.dir).sort()).toStrictEqual(readdirSync(dir).sort());
    },
    PYTHON_TIMEOUT_MS,
  );
});
