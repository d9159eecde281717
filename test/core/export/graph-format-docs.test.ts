import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { renderFieldTables } from "../../../core/dataset/card.ts";
import { GRAPH_CARD } from "../../../core/export/format-cards.ts";
import { graphExportVocabularies } from "../../../core/export/graph.ts";
import { GRAPH_SCHEMA_PATH } from "../../../core/export/graph-json-schema.ts";
import { fencedBlock, PYTHON_TIMEOUT_MS, runPython } from "../../helpers/python.ts";

const DOC = readFileSync(new URL("../../../docs/graph-format.md", import.meta.url), "utf8");
const SCHEMA = new URL(`../../../${GRAPH_SCHEMA_PATH}`, import.meta.url).pathname;

/** Validates every record of the dataset in `cwd` against the JSON Schema with Python's jsonschema, then a broken one. */
const VALIDATE = `
import glob, json, sys
from jsonschema import Draft202012Validator
validator = Draft202012Validator(json.load(open(sys.argv[1])))
count = 0
for path in sorted(glob.glob("shards/*.jsonl")):
    for line in open(path):
        record = json.loads(line)
        validator.validate(record)
        assert len(record["edge_index"][0]) == len(record["edge_index"][1]) == record["num_edges"]
        assert all(len(column) == record["num_nodes"] for column in record["node_numeric"].values())
        count += 1
broken = dict(record, edge_index=[["0"], [1]])
print(count, "valid;", "broken rejected" if not validator.is_valid(broken) else "broken accepted")
`;

describe("docs/graph-format.md", () => {
  const made = (async () => {
    const dir = mkdtempSync(join(tmpdir(), "agentsynth-graph-doc-"));
    const args = ["trajectories", "--count", "240", "--seed", "5", "--shard-size", "80", "--anomaly-ratio", "0.3"];
    const code = await main([...args, "--format", "graph", "--out", dir, "--quiet"], {
      stdout: { write: () => undefined },
      stderr: { write: () => undefined },
      env: {},
    });
    expect(code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as {
      statistics: { splits: { train: { total: number; anomalous: number } } };
    };
    return { dir, train: manifest.statistics.splits.train };
  })();

  it(
    "has a PyTorch example that loads a generated dataset into tensors under Debian's python3-torch",
    async () => {
      const { dir, train } = await made;
      const output = await runPython(fencedBlock(DOC, "python", "## Loading into PyTorch"), dir);
      expect(output).toMatch(
        new RegExp(`^${train.total} train graphs, ${train.anomalous} anomalous; x \\(\\d+, \\d+\\)`),
      );
    },
    PYTHON_TIMEOUT_MS,
  );

  it(
    "has a JSON Schema that every generated record satisfies and a broken one does not (Python jsonschema)",
    async () => {
      const { dir } = await made;
      const output = await runPython(VALIDATE.replace("sys.argv[1]", JSON.stringify(SCHEMA)), dir);
      expect(output.trim()).toBe("240 valid; broken rejected");
    },
    PYTHON_TIMEOUT_MS,
  );

  it("lists the field reference and the vocabularies the code has", () => {
    for (const line of renderFieldTables(GRAPH_CARD.fields())) expect(DOC).toContain(line);
    for (const [name, values] of Object.entries(graphExportVocabularies())) {
      expect(DOC).toContain(`| \`${name}\` | ${values.map((value) => `\`${value}\``).join(", ")} |`);
    }
  });
});
