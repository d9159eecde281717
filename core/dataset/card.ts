import { stringify as toYaml } from "yaml";
import type { FieldSection } from "../export/field-docs.ts";
import { trajectoryFormat } from "../export/formats.ts";
import { COMPRESSION_SUFFIXES } from "../storage/keys.ts";
import { type AnomalyInjectionConfig, describeAnomalyInjectionConfig } from "../trajectory/anomaly-config.ts";
import { SPLIT_NAMES, type SplitConfig, splitsManifestSection } from "../trajectory/splits.ts";
import { ANOMALY_TYPES, PATTERN_NAMES, SEVERITY_LEVELS } from "../trajectory/vocabulary.ts";
import { ANOMALY_SUMMARIES, TEXT_ONLY_TYPES } from "./anomaly-summaries.ts";
import { CONFIG_FILE_KEY } from "./config-document.ts";
import type { DatasetManifest } from "./manifest.ts";
import { type SeparabilitySection, separabilitySection } from "./separability.ts";
import { shardCompression } from "./spec.ts";
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
 * The dataset card: a README.md for the directory holding the shards, with Hugging Face front matter. It says what
 * the dataset is, what it is for and where it falls short, how it was made (the spec, and a command that regenerates
 * it from the `config.yaml` beside it), what is in it (counts per pattern, anomaly type and split, size and duration
 * distributions), every field of the format (generated from its schema), where the labels are, and Python that loads
 * it. What depends on the format comes from the format registry. Deterministic: the same manifest and stats give the
 * same bytes.
 * @example
 * await store.put("README.md", renderDatasetCard(manifest, stats.toJSON()), { contentType: "text/markdown" });
 */
export function renderDatasetCard(manifest: DatasetManifest, stats: DatasetStatsJSON): string {
  const spec = manifest.spec;
  const format = trajectoryFormat(spec.format);
  const card = format.card;
  // An evaluation set's records carry no labels, split, seed or index: its fields, labels and code say so.
  const evaluation = spec.eval_set !== undefined;
  const layout = { compression: shardCompression(spec), evaluation };
  const total = stats.trajectories;
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);
  const dataFiles = card.dataFiles(layout);
  push(frontMatter(manifest, dataFiles, card.configs?.()));
  push(
    `# agentsynth trajectory dataset (${spec.format} format)`,
    "",
    `${fmt(total)} synthetic agent trajectories (${pct(stats.anomalous, total)} with labelled anomalies) made by agentsynth ` +
      `${manifest.generator.version} from seed ${spec.seed}. Every trajectory is a graph of agent steps (nodes) and the ` +
      "control, handoff and data flow between them (edges), with timings, resource use and outcome fields. " +
      `Format \`${spec.format}\`: ${card.record}.`,
    "",
    "| | |",
    "|---|---|",
    `| trajectories | ${fmt(total)} |`,
    `| anomalous | ${fmt(stats.anomalous)} (${pct(stats.anomalous, total)}) |`,
    `| nodes | ${fmt(stats.nodes.sum)} (mean ${fixed(mean(stats.nodes), 1)} per trajectory) |`,
    `| edges | ${fmt(stats.edges)} |`,
    `| shards | ${fmt(manifest.totals.shards)} (${format.layout === "tables" ? "Parquet tables" : `${layout.compression === "none" ? "" : `${layout.compression}-compressed `}JSONL`}, ${fmt(spec.shard_size)} per shard) |`,
    `| size | ${mb(manifest.totals.bytes)} |`,
    `| licence | MIT |`,
    "",
    "## Intended uses",
    "",
    "- Training and evaluating anomaly detectors for agent executions, at trajectory, node and edge level (graph",
    "  classification, node classification, trace analytics), with exact labels of what each anomaly added or changed.",
    "- Testing pipelines that ingest agent traces (loaders, feature extraction, dashboards, alert rules) at any scale,",
    "  with data that is the same byte for byte every time.",
    "",
    "## Limitations",
    "",
    "- Placeholder content: task descriptions, prompts, responses and tool parameters and results are drawn from",
    "  templates and fixed vocabularies, not written by models. They keep the records realistic in shape but carry no",
    "  meaning a detector should learn from; use the structure, timings and outcomes.",
    `- Difficulty: each anomaly type is a rule-made change (see [Anomalies](#anomalies)), sized by its severity; a low`,
    "  severity is subtle, a critical one is not. A detector that learns these rules scores higher here than it would",
    "  on real agent traces, so treat results as a test of the method, not an estimate of production accuracy.",
    `- Rates: the anomalous share (${pct(stats.anomalous, total)}) is a setting of the spec, not a base rate observed in`,
    "  practice; timings, resource use and error rates come from parametric distributions.",
    `- Time: timestamps start at \`data_generation.epoch\` (here ${epochOf(manifest)}) plus seeded offsets. Trace stores with`,
    "  retention drop old spans: regenerate with `--epoch` set to a recent date to load the OTLP export into one.",
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
    regenerateIntro(manifest),
    "",
    "```sh",
    regenerateCommand(manifest),
    "```",
    "",
    // The package is not published, so `agentsynth` is on no PATH by default: say how to paste the command anyway.
    "`agentsynth` is the CLI of an agentsynth checkout: `npm link` there puts it on the PATH, or replace it with",
    "`npx --prefix /path/to/agentsynth agentsynth` (the command still runs in, and writes to, this directory).",
    "",
  );
  if (spec.start_index !== 0) {
    push(
      `This dataset starts at trajectory ${spec.start_index}; the command above starts at 0, so the trajectories of`,
      `this one are its lines from index ${spec.start_index} on (request a batch with \`start_index\` for exactly these).`,
      "",
    );
  }
  push(
    "## Files",
    "",
    "- `manifest.json`: the spec, the resolved config, and every shard with its trajectory range, byte size and sha256.",
    ...(spec.config === undefined
      ? []
      : [`- \`${CONFIG_FILE_KEY}\`: the generator config of the spec, as given (the regenerate command reads it).`]),
    card.shardFiles === undefined
      ? `- \`shards/NNNNN.jsonl${COMPRESSION_SUFFIXES[layout.compression]}\`, in index order: ${card.record}.`
      : `- \`${card.shardFiles.pattern}\`: ${card.shardFiles.description}.`,
    ...(format.datasetFiles?.() ?? []).map((file) => `- \`${file.key}\`: ${file.description ?? file.contentType}.`),
    "- `README.md`: this card.",
    "",
  );
  pushSplits(push, manifest, stats);
  if (dataFiles.every((files) => files.split === "full")) {
    push(
      ...(evaluation
        ? [
            "The shards hold every split and, in this evaluation set, no record says its own, so the Hugging Face config",
            "at the top of this card has one split, `full`.",
          ]
        : [
            "The shards hold every split, each record saying its own (see [Fields](#fields)), so the Hugging Face config",
            "at the top of this card has one split, `full`, to filter on that field; the loading code below does.",
          ]),
      "",
    );
  }
  pushAnomalies(push, manifest, stats);
  pushSeparability(push, manifest);
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
    ...(evaluation ? EVALUATION_LABELS : card.labels),
    `- ${fmt(stats.anomalous_nodes)} nodes and ${fmt(stats.anomalous_edges)} edges are labelled anomalous.`,
    "",
  );
  pushFields(push, card.fields({ evaluation }), card.schema, evaluation);
  push(
    "## Loading",
    "",
    card.snippetIntro ??
      "Run from this directory with Python 3 and pandas (the agentsynth tests run this code on a generated dataset):",
    "",
    "```python",
    card.snippet(layout).trimEnd(),
    "```",
    "",
  );
  if (card.sql !== undefined) {
    const sql = card.sql(layout);
    push(
      "Or in DuckDB (its CLI, or `duckdb.sql(...)` in Python), from this directory (the tests run this query too):",
      "",
      "```sql",
      sql.trimEnd(),
      "```",
      "",
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Hugging Face front matter: licence, task, size category, tags, and the data files of each split. */
function frontMatter(
  manifest: DatasetManifest,
  dataFiles: ReadonlyArray<{ split: string; path: string }>,
  tables?: ReadonlyArray<{ name: string; dataFiles: ReadonlyArray<{ split: string; path: string }> }>,
): string {
  // A format of several tables has a config per table (the first the default); otherwise one config, `default`.
  const configs =
    tables === undefined
      ? [{ config_name: "default", data_files: dataFiles.map(({ split, path }) => ({ split, path })) }]
      : tables.map((table, position) => ({
          config_name: table.name,
          data_files: table.dataFiles.map(({ split, path }) => ({ split, path })),
          ...(position === 0 ? { default: true } : {}),
        }));
  const document = {
    license: "mit",
    pretty_name: `agentsynth agent trajectories (${manifest.spec.format})`,
    task_categories: ["graph-ml"],
    tags: ["synthetic", "anomaly-detection", "agents", ...(manifest.spec.format === "otlp" ? ["opentelemetry"] : [])],
    size_categories: [sizeCategory(manifest.totals.trajectories)],
    configs,
  };
  return `---\n${toYaml(document, { lineWidth: 0 })}---\n`;
}

/** Hugging Face `size_categories` value for a number of examples. */
export function sizeCategory(count: number): string {
  const bounds: Array<[number, string]> = [
    [1e3, "n<1K"],
    [1e4, "1K<n<10K"],
    [1e5, "10K<n<100K"],
    [1e6, "100K<n<1M"],
    [1e7, "1M<n<10M"],
    [1e8, "10M<n<100M"],
    [1e9, "100M<n<1B"],
  ];
  return bounds.find(([bound]) => count < bound)?.[1] ?? "1B<n<10B";
}

function epochOf(manifest: DatasetManifest): string {
  const generation = (manifest.config as { data_generation?: { epoch?: string } } | null)?.data_generation;
  return generation?.epoch ?? "the configured epoch";
}

/** The field dictionary: one table per section of the format's fields. */
function pushFields(
  push: (...lines: string[]) => void,
  sections: readonly FieldSection[],
  schema: string | undefined,
  evaluation: boolean,
): void {
  push("## Fields", "");
  if (schema !== undefined) {
    push(
      evaluation
        ? `Generated from the JSON Schema \`${schema}\` of the agentsynth source, without the label fields an evaluation set keeps apart.`
        : `Generated from the JSON Schema \`${schema}\` of the agentsynth source.`,
      "",
    );
  }
  push(...renderFieldTables(sections));
}

/** Markdown tables of a field dictionary, one per section under a `###` title (also used by docs/graph-format.md). */
export function renderFieldTables(sections: readonly FieldSection[]): string[] {
  const lines: string[] = [];
  for (const section of sections) {
    lines.push(`### ${section.title}`, "", "| field | type | description |", "|---|---|---|");
    for (const row of section.rows) {
      lines.push(`| \`${cell(row.name)}\` | ${text(row.type)} | ${text(row.description)} |`);
    }
    lines.push("");
  }
  return lines;
}

/** Table cell text: pipes escaped (also inside code spans, which GitHub tables require), no line breaks. */
function cell(value: string): string {
  return value.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** A table cell outside a code span: also `<` and `>` escaped, so `<none>` is not taken for an HTML tag. */
function text(value: string): string {
  return cell(value).replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function pushSplits(push: (...lines: string[]) => void, manifest: DatasetManifest, stats: DatasetStatsJSON): void {
  const configured = manifest.splits as { fractions?: Record<string, number> } | undefined;
  push("## Splits", "");
  if (configured?.fractions !== undefined) {
    const shares = SPLIT_NAMES.map((name) => `${name} ${configured.fractions?.[name] ?? 0}`).join(", ");
    push(
      `Configured fractions: ${shares}. Each trajectory's \`split\` field is assigned from (seed, index, config) alone,`,
      "stratified by anomaly type, so every type appears in every split once the dataset holds a few dozen of it.",
      ...(manifest.spec.eval_set === undefined
        ? []
        : ["In this evaluation set the records do not carry it: it is kept with the labels."]),
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
    "What each type is (the full definitions, with what each one changes and labels, are in `docs/anomalies.md` of",
    "the agentsynth source):",
    "",
    ...ANOMALY_TYPES.map((type) => `- \`${type}\`: ${ANOMALY_SUMMARIES[type]}.`),
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

/**
 * "How hard is this dataset": per anomaly type, the best single feature and the best one-threshold rule, from the
 * manifest's `separability` section (absent for a dataset without both normal and anomalous trajectories).
 */
function pushSeparability(push: (...lines: string[]) => void, manifest: DatasetManifest): void {
  const section = manifest.separability as SeparabilitySection | undefined;
  if (section === undefined) return;
  const budget = `${section.rule_max_fpr * 100}%`;
  push(
    "## How hard is this dataset",
    "",
    `For each anomaly type: the single feature that best tells its trajectories from the ${fmt(section.normal_trajectories)}`,
    `normal ones, out of a fixed set of ${section.features} read from the records alone (\`${section.feature_set}\`: node-type`,
    "counts, statuses, error codes, durations, retries, edge and node-type-pair counts, back-references), and the best",
    `one-threshold rule on one feature (\`feature >= t\` or \`feature < t\`) that flags at most ${budget} of the normal`,
    "trajectories.",
    "",
    `| type | trajectories | best single feature | AUC | best rule (FPR ≤ ${budget}) | recall | FPR |`,
    "|---|---:|---|---:|---|---:|---:|",
  );
  for (const row of section.types) {
    const type = TEXT_ONLY_TYPES.has(row.anomaly_type) ? `${row.anomaly_type} (text only)` : row.anomaly_type;
    const rule = row.best_rule === "none" ? "none" : `\`${cell(row.best_rule)}\``;
    push(
      `| ${type} | ${fmt(row.trajectories)} | \`${row.best_feature}\` | ${row.best_auc.toFixed(3)} | ${rule} | ` +
        `${row.rule_recall.toFixed(3)} | ${pct(row.rule_fpr, 1)} |`,
    );
  }
  push(
    "",
    "The AUC of one feature is a rank statistic: the chance that a trajectory of the type has a higher value than a",
    "normal one (ties count half), folded so that direction does not matter, computed exactly from the counts of the",
    "whole dataset with no model trained. Near 1.0 one feature gives the type away; near 0.5 no single feature",
    "separates it, and a detector must combine features or read the text. Types marked text only change what steps",
    "say, not the graph, timings or outcomes, so they are expected near 0.5; where one scores higher, the feature",
    "finds the runs that can hold it (a handoff, a verification), not the anomaly. A type with few trajectories gives",
    "noisy figures. The features, and how values are binned and ties counted, are listed in `docs/anomalies.md` of",
    'the agentsynth source ("How hard is a dataset").',
    "",
  );
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

/** Where an evaluation set keeps its labels, in the card's words (the labels manifest itself is private). */
const EVALUATION_LABELS = [
  "- This is an evaluation set: its records carry no labels, and no seed, index or split. They are in `labels/`",
  "  (one line per trajectory keyed by `trajectory_id`, schema `schema/trajectory-labels.schema.json` of the",
  "  agentsynth source), which its maker keeps and does not publish, with the secret that regenerates the data.",
];

/**
 * The shell expression that reads an evaluation set's secret from its private labels manifest, so the regenerate
 * command can be pasted as is by whoever holds `labels/`, and the card never holds the secret.
 */
const EVAL_SECRET_FROM_LABELS = `"$(node -p 'require("./labels/manifest.json").spec.eval_set.secret')"`;

function regenerateIntro(manifest: DatasetManifest): string {
  const version = manifest.generator.version;
  const reads = [
    ...(manifest.spec.config === undefined ? [] : [`the \`${CONFIG_FILE_KEY}\` beside this card`]),
    ...(manifest.spec.eval_set === undefined ? [] : ["the secret in `labels/manifest.json`, which is not published"]),
  ];
  return reads.length === 0
    ? `Regenerate it, byte for byte, with agentsynth ${version}:`
    : `Regenerate it, byte for byte, with agentsynth ${version}, from this directory (it reads ${reads.join(" and ")}):`;
}

/**
 * The command that regenerates the dataset: the spec's fields as flags, and its config from the file beside the card
 * (the `--epoch` of the original run is in it), so the new run has the same spec and writes the same files. An
 * evaluation set's secret is read from its labels manifest when the command runs.
 */
export function regenerateCommand(manifest: DatasetManifest): string {
  const spec = manifest.spec;
  const parts = [
    "agentsynth trajectories",
    `--count ${spec.total}`,
    `--seed ${spec.seed}`,
    `--shard-size ${spec.shard_size}`,
    `--format ${spec.format}`,
  ];
  if (spec.anomaly_ratio !== undefined) parts.push(`--anomaly-ratio ${spec.anomaly_ratio}`);
  if (spec.gzip) parts.push("--gzip");
  if (spec.compression !== undefined) parts.push(`--compress ${spec.compression}`);
  if (spec.config !== undefined) parts.push(`--config ${CONFIG_FILE_KEY}`);
  if (spec.eval_set !== undefined) parts.push(`--eval-secret ${EVAL_SECRET_FROM_LABELS}`);
  parts.push("--out DIR");
  return parts.join(" ");
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

/** A distribution with its histogram's bins spelled out: bin k counts values in [bin_edges[k], bin_edges[k + 1]). */
export type DistributionWithEdges = Distribution & { unit: string; bin_edges: Array<number | null> };

/**
 * The statistics as the manifest records them: each histogram with its bin edges and unit. The separability
 * histograms are not repeated there: the `separability` section holds what they give.
 */
export type ManifestStatistics = Omit<DatasetStatsJSON, "nodes" | "duration_ms" | "separability"> & {
  nodes: DistributionWithEdges;
  duration_ms: DistributionWithEdges;
};

/** Bin k of a histogram over lower bounds runs to the next bound; the last is open, which `null` stands for. */
function withEdges(distribution: Distribution, bins: readonly number[], unit: string): DistributionWithEdges {
  return { ...distribution, unit, bin_edges: [...bins, null] };
}

/**
 * The manifest sections this stage adds, for `buildManifest({ ..., sections })`: the anomaly settings and the split
 * fractions the dataset was made with, its statistics with the bin edges of each histogram (so the card can be
 * re-rendered from the manifest alone, and a reader can plot the histograms without our constants), and, when the
 * dataset has both normal and anomalous trajectories, how separable each anomaly type is (`separability`).
 * @example
 * buildManifest({ spec, config, shards, sections: datasetManifestSections(config, stats.toJSON()) });
 */
export function datasetManifestSections(
  config: { anomalies: AnomalyInjectionConfig; splits: SplitConfig },
  stats: DatasetStatsJSON,
): {
  anomaly_injection: Record<string, unknown>;
  splits: ReturnType<typeof splitsManifestSection>;
  statistics: ManifestStatistics;
  separability?: SeparabilitySection;
} {
  const { separability: histograms, ...counters } = stats;
  const separability = separabilitySection(histograms);
  return {
    anomaly_injection: describeAnomalyInjectionConfig(config.anomalies),
    splits: splitsManifestSection(config.splits),
    statistics: {
      ...counters,
      nodes: withEdges(stats.nodes, NODE_COUNT_BINS, "nodes"),
      duration_ms: withEdges(stats.duration_ms, DURATION_BINS_MS, "milliseconds"),
    },
    ...(separability === undefined ? {} : { separability }),
  };
}
