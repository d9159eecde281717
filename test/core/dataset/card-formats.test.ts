import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { main } from "../../../cli/main.ts";
import { fencedBlock, PYTHON_TIMEOUT_MS, runPython } from "../../helpers/python.ts";

interface Manifest {
  spec: { total: number; format: string };
  config: Record<string, unknown>;
  shards: Array<{ key: string; sha256: string }>;
  statistics: {
    trajectories: number;
    splits: Record<string, { total: number; anomalous: number }>;
    nodes: { histogram: number[]; bin_edges: Array<number | null>; unit: string };
    duration_ms: { histogram: number[]; bin_edges: Array<number | null>; unit: string };
  };
}

const madeDirs: string[] = [];
afterAll(() => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

async function generate(args: string[]): Promise<{ dir: string; card: string; manifest: Manifest }> {
  const dir = mkdtempSync(join(tmpdir(), "agentsynth-card-"));
  madeDirs.push(dir);
  let stderr = "";
  const code = await main(["trajectories", ...args, "--out", dir, "--quiet"], {
    stdout: { write: () => undefined },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
  });
  expect(code, stderr).toBe(0);
  return {
    dir,
    card: readFileSync(join(dir, "README.md"), "utf8"),
    manifest: JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest,
  };
}

function frontMatter(card: string): Record<string, unknown> {
  expect(card.startsWith("---\n")).toBe(true);
  return parseYaml(card.slice(4, card.indexOf("\n---\n", 4))) as Record<string, unknown>;
}

/** A data_files glob as a regular expression over keys relative to the dataset root. */
function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replaceAll(".", "\\.").replaceAll("*", "[^/]*")}$`);
}

const FORMATS = [
  { format: "trajectory", compress: "none" },
  { format: "trajectory", compress: "zstd" },
  { format: "graph", compress: "none" },
  { format: "otlp", compress: "gzip" },
] as const;

const SUFFIXES = { none: "", gzip: ".gz", zstd: ".zst" } as const;

describe.each(FORMATS)("the dataset card of --format $format (compress $compress)", ({ format, compress }) => {
  const made = generate([
    "--count",
    "240",
    "--seed",
    "3",
    "--shard-size",
    "100",
    "--anomaly-ratio",
    "0.3",
    "--format",
    format,
    ...(compress === "none" ? [] : ["--compress", compress]),
  ]);

  it(
    "has Hugging Face front matter whose data files cover every shard",
    async () => {
      const { card, manifest } = await made;
      const meta = frontMatter(card);
      expect(meta.license).toBe("mit");
      expect(meta.task_categories).toEqual(["graph-ml"]);
      expect(meta.size_categories).toEqual(["n<1K"]);
      const configs = meta.configs as Array<{
        config_name: string;
        data_files: Array<{ split: string; path: string }>;
      }>;
      expect(configs).toHaveLength(1);
      const patterns = configs[0]?.data_files.map((entry) => globToRegExp(entry.path)) ?? [];
      for (const shard of manifest.shards) {
        expect(
          patterns.filter((pattern) => pattern.test(shard.key)),
          shard.key,
        ).toHaveLength(1);
      }
    },
    PYTHON_TIMEOUT_MS,
  );

  it("names the shard files as they are written, and the regenerate command compresses them the same way", async () => {
    const { card, manifest } = await made;
    const suffix = SUFFIXES[compress];
    for (const shard of manifest.shards)
      expect(shard.key).toMatch(new RegExp(`^shards/\\d{5}\\.jsonl${suffix.replace(".", "\\.")}$`));
    expect(card).toContain(`- \`shards/NNNNN.jsonl${suffix}\`, in index order`);
    expect(card).toContain(compress === "none" ? "(JSONL, " : `(${compress}-compressed JSONL, `);
    const command = fencedBlock(card, "sh", "Regenerate it").trim();
    expect(command.includes(`--compress ${compress}`)).toBe(compress !== "none");
  });

  it("describes this format's records and files, not another's", async () => {
    const { card, dir } = await made;
    expect(card).toContain(`(${format} format)`);
    expect(card.includes("one trajectory per line")).toBe(format === "trajectory");
    expect(card.includes("graph-vocabularies.json")).toBe(format === "graph");
    expect(readdirSync(dir).includes("graph-vocabularies.json")).toBe(format === "graph");
    if (format !== "trajectory") expect(card).not.toContain("metadata.is_anomalous");
    if (format === "otlp") expect(card).toContain("`gen_ai.provider.name`");
    expect(card).toContain(`--format ${format}`);
    expect(card).toContain("## Intended uses");
    expect(card).toContain("## Limitations");
    expect(card).toContain("Placeholder content");
    expect(card).toContain("has one split, `full`, to filter on that field");
    for (const type of ["infinite_loops", "incomplete_responses"]) expect(card).toContain(`- \`${type}\`: `);
  });

  it(
    "has a loading snippet that runs under Debian's Python and finds the records of each split",
    async () => {
      const { card, dir, manifest } = await made;
      const output = await runPython(fencedBlock(card, "python", "## Loading"), dir);
      const { splits, trajectories } = manifest.statistics;
      const train = splits.train as { total: number; anomalous: number };
      expect(train.total).toBeGreaterThan(0);
      expect(train.anomalous).toBeGreaterThan(0);
      if (format === "graph")
        expect(output).toMatch(new RegExp(`^${train.total} train graphs, ${train.anomalous} anomalous`));
      else {
        const noun = format === "otlp" ? "traces" : "trajectories";
        expect(output).toMatch(
          new RegExp(`^${trajectories} ${noun}, ${train.total} train, ${train.anomalous} anomalous train`),
        );
      }
    },
    PYTHON_TIMEOUT_MS,
  );

  it("generates its field dictionary from the format's schema", async () => {
    const { card } = await made;
    const fields = card.slice(card.indexOf("## Fields"), card.indexOf("## Loading"));
    const expected = {
      trajectory: ["`nodes[].llm_tokens_used`", "`edges[].data_type`", "`metadata.anomaly_types`"],
      graph: ["`edge_index`", "`node_numeric.start_offset`", "`edge_numeric.latency`", "`node_y_type`"],
      otlp: ["`gen_ai.usage.output_tokens`", "`error.type`", "`agentsynth.is_anomalous`"],
    }[format];
    for (const field of expected) expect(fields).toContain(`| ${field} |`);
    if (format === "trajectory") {
      // A node's status is how its step ended, not the trajectory's final-ACTION rule the top-level field has.
      const nodeStatus = fields.split("\n").find((line) => line.startsWith("| `nodes[].status` |")) ?? "";
      expect(nodeStatus).toContain("how the step ended");
      expect(nodeStatus).not.toContain("final ACTION");
      expect(fields).toMatch(/\| `edges\[\]\.anomaly_role` \| .* \| label: root_cause/);
    }
  });
});

describe("the manifest and the regenerate command", () => {
  it(
    "regenerates the dataset byte for byte from the card's command and the config.yaml beside it",
    async () => {
      const configDir = mkdtempSync(join(tmpdir(), "agentsynth-config-"));
      madeDirs.push(configDir);
      const configPath = join(configDir, "my config.yaml");
      writeFileSync(
        configPath,
        "# a comment the regenerate command must not carry\nrandom_seed: 9\ndata_generation:\n  trajectory_patterns:\n    simple_linear: { min_nodes: 5, max_nodes: 8, weight: 1 }\n    error_recovery: { weight: 2 }\nsplits: { train: 0.5, validation: 0.25, test: 0.25 }\n",
      );
      const first = await generate([
        "--count",
        "150",
        "--shard-size",
        "60",
        "--config",
        configPath,
        "--epoch",
        "2026-11-01",
        "--anomaly-ratio",
        "0.25",
        "--format",
        "otlp",
        "--gzip",
      ]);
      const command = fencedBlock(first.card, "sh", "Regenerate it").trim();
      expect(command).not.toContain("#");
      // `agentsynth` is on no PATH by default (the package is not published): the card says how to run it.
      expect(first.card).toContain("`npx --prefix /path/to/agentsynth agentsynth`");
      expect(command).toMatch(
        /^agentsynth trajectories .*--format otlp --anomaly-ratio 0\.25 --gzip --config config\.yaml --out DIR$/,
      );
      const args = command
        .split(" ")
        .slice(2, -2)
        .map((arg) => (arg === "config.yaml" ? join(first.dir, "config.yaml") : arg));
      const second = await generate(args);
      expect(second.manifest).toStrictEqual(first.manifest);
      expect(second.card).toBe(first.card);
      expect(readFileSync(join(second.dir, "config.yaml"), "utf8")).toBe(
        readFileSync(join(first.dir, "config.yaml"), "utf8"),
      );
      const start = readFileSync(join(first.dir, "README.md"), "utf8");
      expect(start).toContain("here 2026-11-01T00:00:00.000Z");
    },
    PYTHON_TIMEOUT_MS,
  );

  it("records the user-facing config in snake_case and every histogram with its bin edges", async () => {
    const { manifest } = await generate(["--count", "50", "--anomaly-ratio", "0.2"]);
    expect(Object.keys(manifest.config)).toEqual(["data_generation", "anomaly_injection", "splits"]);
    const keys: string[] = [];
    const walk = (value: unknown) => {
      if (value === null || typeof value !== "object") return;
      for (const [key, child] of Object.entries(value)) {
        keys.push(key);
        walk(child);
      }
    };
    walk(manifest.config);
    expect(keys.filter((key) => /[a-z][A-Z]/.test(key))).toEqual([]);
    expect(keys).toContain("trajectory_patterns");
    expect(keys).toContain("min_nodes");
    for (const distribution of [manifest.statistics.nodes, manifest.statistics.duration_ms]) {
      expect(distribution.bin_edges).toHaveLength(distribution.histogram.length + 1);
      expect(distribution.bin_edges.at(-1)).toBeNull();
      const bounds = distribution.bin_edges.slice(0, -1) as number[];
      expect(bounds).toEqual([...bounds].sort((a, b) => a - b));
    }
    expect(manifest.statistics.duration_ms.unit).toBe("milliseconds");
  });
});
