import { type AnomalyInjectionConfig, describeAnomalyInjectionConfig } from "../anomalies/config.ts";
import { ANOMALY_TYPES, PATTERN_NAMES, SEVERITY_LEVELS } from "../trajectory/vocabulary.ts";
import type { DatasetManifest } from "./manifest.ts";
import { SPLIT_NAMES, type SplitConfig, splitsManifestSection } from "./splits.ts";
import {
  approximateQuantile,
  type DatasetStatsJSON,
  type Distribution,
  DURATION_BINS_MS,
  mean,
  NODE_COUNT_BINS,
} from "./stats.ts";

const BAR_WIDTH = 30;

/**
 * The dataset card: a README.md for the directory holding the shards. It says what the dataset is, how it was made
 * (the spec, enough to regenerate it), what is in it (counts per pattern, per anomaly type and split, size and
 * duration distributions) and how to load it. Deterministic: the same manifest and stats give the same bytes.
 * @example
 * await store.put("README.md", renderDatasetCard(manifest, stats.toJSON()), { contentType: "text/markdown" });
 */
export function renderDatasetCard(manifest: DatasetManifest, stats: DatasetStatsJSON): string {
  const spec = manifest.spec;
  const total = stats.trajectories;
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);
  push(
    "# agentsynth trajectory dataset",
    "",
    `${fmt(total)} synthetic agent trajectories (${pct(stats.anomalous, total)} with labelled anomalies) made by agentsynth ` +
      `${manifest.generator.version} from seed ${spec.seed}. Every trajectory is a graph of agent steps (nodes) and the ` +
      "control, handoff and data flow between them (edges), with timings, resource use and outcome fields.",
    "",
    "| | |",
    "|---|---|",
    `| trajectories | ${fmt(total)} |`,
    `| anomalous | ${fmt(stats.anomalous)} (${pct(stats.anomalous, total)}) |`,
    `| nodes | ${fmt(stats.nodes.sum)} (mean ${fixed(mean(stats.nodes), 1)} per trajectory) |`,
    `| edges | ${fmt(stats.edges)} |`,
    `| shards | ${fmt(manifest.totals.shards)} (${spec.gzip ? "gzip-compressed " : ""}JSONL, ${fmt(spec.shard_size)} per shard) |`,
    `| size | ${mb(manifest.totals.bytes)} |`,
    `| format | \`${manifest.format}\` |`,
    "",
    "## How it was made",
    "",
    "Trajectory *i* depends only on the seed, the config and *i*, so any shard can be regenerated alone and the same",
    "spec always gives the same bytes (the shard hashes are in `manifest.json`). The spec:",
    "",
    "```json",
    JSON.stringify(spec, null, 2),
    "```",
    "",
    "Regenerate with:",
    "",
    "```sh",
    regenerateCommand(manifest),
    "```",
    "",
    "## Files",
    "",
    "- `manifest.json`: the spec, the resolved config, and every shard with its trajectory range, byte size and sha256.",
    `- \`shards/NNNNN.jsonl${spec.gzip ? ".gz" : ""}\`: one trajectory per line, in index order.`,
    "- `README.md`: this card.",
    "",
  );
  pushSplits(push, manifest, stats);
  pushAnomalies(push, manifest, stats);
  push("## Patterns", "", "| pattern | trajectories | share | anomalous |", "|---|---:|---:|---:|");
  for (const pattern of PATTERN_NAMES) {
    const row = stats.patterns[pattern];
    if (row.total === 0) continue;
    push(`| ${pattern} | ${fmt(row.total)} | ${pct(row.total, total)} | ${fmt(row.anomalous)} |`);
  }
  push("");
  pushDistribution(
    push,
    "Nodes per trajectory",
    stats.nodes,
    NODE_COUNT_BINS,
    (value) => (Number.isInteger(value) ? fmt(value) : value.toFixed(1)),
    "nodes",
  );
  pushDistribution(
    push,
    "Trajectory duration",
    stats.duration_ms,
    DURATION_BINS_MS,
    (value) => seconds(value),
    "duration",
  );
  push("## Node types", "", "| node type | nodes | share |", "|---|---:|---:|");
  for (const [type, count] of Object.entries(stats.node_types)) {
    if (count > 0) push(`| ${type} | ${fmt(count)} | ${pct(count, stats.nodes.sum)} |`);
  }
  push(
    "",
    "## Labels",
    "",
    "- Trajectory: `metadata.is_anomalous`, `metadata.anomaly_types`, `metadata.anomaly_severity`, and",
    "  `metadata.anomaly_metadata` (the injection parameters).",
    "- Node and edge: `is_anomalous`, `anomaly_type`, and `anomaly_metadata` (its role in the anomaly) on exactly the",
    "  nodes and edges the anomaly added or changed, so detectors can be scored per trajectory, node and step.",
    `- ${fmt(stats.anomalous_nodes)} nodes and ${fmt(stats.anomalous_edges)} edges are labelled anomalous.`,
    "",
    "## Loading",
    "",
    "```python",
    "import json, glob",
    "",
    "def trajectories(split=None):",
    `    for path in sorted(glob.glob("shards/*.jsonl${spec.gzip ? ".gz" : ""}")):`,
    spec.gzip ? "        import gzip; lines = gzip.open(path, 'rt')" : "        lines = open(path)",
    "        for line in lines:",
    "            t = json.loads(line)",
    "            if split is None or t.get('split') == split:",
    "                yield t",
    "",
    "train = list(trajectories('train'))",
    "labels = [t['metadata']['is_anomalous'] for t in train]",
    "```",
    "",
  );
  return `${lines.join("\n")}\n`;
}

function pushSplits(push: (...lines: string[]) => void, manifest: DatasetManifest, stats: DatasetStatsJSON): void {
  const configured = manifest.splits as { fractions?: Record<string, number> } | undefined;
  push("## Splits", "");
  if (configured?.fractions !== undefined) {
    const shares = SPLIT_NAMES.map((name) => `${name} ${configured.fractions?.[name] ?? 0}`).join(", ");
    push(
      `Configured fractions: ${shares}. Each trajectory's \`split\` field is assigned from (seed, index, config) alone,`,
      "stratified by anomaly type, so every type appears in every split once the dataset holds a few dozen of it.",
      "",
    );
  }
  push("| split | trajectories | normal | anomalous |", "|---|---:|---:|---:|");
  for (const split of [...SPLIT_NAMES, "unassigned"] as const) {
    const row = stats.splits[split];
    if (row.total === 0) continue;
    push(`| ${split} | ${fmt(row.total)} | ${fmt(row.total - row.anomalous)} | ${fmt(row.anomalous)} |`);
  }
  push("");
}

function pushAnomalies(push: (...lines: string[]) => void, manifest: DatasetManifest, stats: DatasetStatsJSON): void {
  const injection = manifest.anomaly_injection as { ratio?: number } | undefined;
  push("## Anomalies", "");
  if (injection?.ratio !== undefined) {
    push(
      `Each trajectory is anomalous with probability ${injection.ratio}; type, severity and effect size are drawn per`,
      "trajectory from the `anomaly_injection` section recorded in `manifest.json`.",
      "",
    );
  }
  push(
    "Definitions of each type: docs/anomalies.md in the agentsynth repository.",
    "",
    `| type | trajectories | ${SPLIT_NAMES.join(" | ")} | ${SEVERITY_LEVELS.join(" | ")} |`,
    `|---|---:|${SPLIT_NAMES.map(() => "---:").join("|")}|${SEVERITY_LEVELS.map(() => "---:").join("|")}|`,
  );
  for (const type of ANOMALY_TYPES) {
    const row = stats.anomaly_types[type];
    const splits = SPLIT_NAMES.map((split) => fmt(row.by_split[split]));
    const severities = SEVERITY_LEVELS.map((level) => fmt(row.by_severity[level]));
    push(`| ${type} | ${fmt(row.total)} | ${splits.join(" | ")} | ${severities.join(" | ")} |`);
  }
  push("");
}

function pushDistribution(
  push: (...lines: string[]) => void,
  title: string,
  distribution: Distribution,
  bins: readonly number[],
  show: (value: number) => string,
  unit: string,
): void {
  push(`## ${title}`, "");
  if (distribution.count === 0) {
    push("No trajectories.", "");
    return;
  }
  const median = approximateQuantile(distribution, bins, 0.5) as number;
  const p90 = approximateQuantile(distribution, bins, 0.9) as number;
  push(
    `min ${show(distribution.min as number)}, mean ${show(mean(distribution) as number)}, max ${show(distribution.max as number)}; ` +
      `median in the bin from ${show(median)}, 90th percentile in the bin from ${show(p90)}.`,
    "",
    `| ${unit} | trajectories | |`,
    "|---|---:|---|",
  );
  const largest = Math.max(...distribution.histogram);
  distribution.histogram.forEach((count, k) => {
    if (count === 0) return;
    const upper = bins[k + 1];
    const label = upper === undefined ? `${show(bins[k] as number)}+` : `${show(bins[k] as number)} – <${show(upper)}`;
    push(`| ${label} | ${fmt(count)} | ${"█".repeat(Math.max(1, Math.round((count / largest) * BAR_WIDTH)))} |`);
  });
  push("");
}

function regenerateCommand(manifest: DatasetManifest): string {
  const spec = manifest.spec;
  const parts = [
    "agentsynth trajectories",
    `--count ${spec.total}`,
    `--seed ${spec.seed}`,
    `--shard-size ${spec.shard_size}`,
  ];
  if (spec.anomaly_ratio !== undefined) parts.push(`--anomaly-ratio ${spec.anomaly_ratio}`);
  if (spec.gzip) parts.push("--gzip");
  if (spec.config !== undefined) parts.push("--config config.yaml  # the spec's config, as YAML");
  return `${parts.join(" ")} --out DIR`;
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

function fixed(value: number | null, digits: number): string {
  return value === null ? "n/a" : value.toFixed(digits);
}

function pct(part: number, whole: number): string {
  return whole === 0 ? "0%" : `${((100 * part) / whole).toFixed(1)}%`;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}

/**
 * The manifest sections this stage adds, for `buildManifest({ ..., sections })`: the anomaly settings and the split
 * fractions the dataset was made with, and its statistics (so the card can be re-rendered from the manifest alone).
 * @example
 * buildManifest({ spec, config, shards, sections: datasetManifestSections(config, stats.toJSON()) });
 */
export function datasetManifestSections(
  config: { anomalies: AnomalyInjectionConfig; splits: SplitConfig },
  stats: DatasetStatsJSON,
): {
  anomaly_injection: Record<string, unknown>;
  splits: ReturnType<typeof splitsManifestSection>;
  statistics: DatasetStatsJSON;
} {
  return {
    anomaly_injection: describeAnomalyInjectionConfig(config.anomalies),
    splits: splitsManifestSection(config.splits),
    statistics: stats,
  };
}
