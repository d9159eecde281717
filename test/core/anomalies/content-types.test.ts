import { describe, expect, it } from "vitest";
import { statedText } from "../../../core/anomalies/misstatements.ts";
import { type AnomalyDifficulty, parseAnomalyInjectionConfig } from "../../../core/trajectory/anomaly-config.ts";
import { resultQuote } from "../../../core/trajectory/content/index.ts";
import { type NodeOf, reachableFrom, type Trajectory, type TrajectoryNode } from "../../../core/trajectory/index.ts";
import { ANOMALY_TYPES, SEVERITY_LEVELS, type SeverityLevel } from "../../../core/trajectory/vocabulary.ts";
import { anomalousAt, normalAt } from "./helpers.ts";

/** The content-only types: they change what steps say and nothing else. */
const CONTENT_TYPES = ["misread_tool_results", "incorrect_verifications", "ignored_agent_inputs"] as const;
type ContentType = (typeof CONTENT_TYPES)[number];

const CASES = 160;
const SEED = 31;
/** The fields in which a step states something; everything else must stay as in the normal twin. */
const TEXT_FIELDS = new Set(["llm_prompt", "llm_response", "reasoning_output", "final_output"]);
const LABEL_FIELDS = new Set(["is_anomalous", "anomaly_type", "anomaly_role", "anomaly_metadata"]);
const TRAJECTORY_LABELS = new Set([
  "is_anomalous",
  "anomaly_types",
  "anomaly_severity",
  "anomaly_metadata",
  "anomalies",
]);

type ToolNode = NodeOf<"TOOL_CALL">;

/** The trajectory without its text and labels: graph, statuses, timings, counts, metrics, every other field. */
function skeleton(t: Trajectory): string {
  return JSON.stringify(t, (key, value) => {
    if (TEXT_FIELDS.has(key) || LABEL_FIELDS.has(key)) return undefined;
    if (key === "metadata" && value !== null && typeof value === "object" && "anomaly_types" in value)
      return Object.fromEntries(Object.entries(value).filter(([name]) => !TRAJECTORY_LABELS.has(name)));
    return value;
  });
}

function text(node: TrajectoryNode): string {
  return statedText(node) ?? "";
}

const states = (node: TrajectoryNode, quote: string) => text(node).toLowerCase().includes(quote.toLowerCase());
const byId = (t: Trajectory) => new Map(t.nodes.map((node) => [node.node_id, node]));
const masked = (quote: string) => quote.toLowerCase().replace(/\d+(?:\.\d+)?/g, "#");

/**
 * What a text reader finds: steps whose text states a tool's finding in its words but with other numbers (the
 * finding with its numbers masked is there, the finding itself is not). Normal runs have none.
 */
function misstatingSteps(t: Trajectory): TrajectoryNode[] {
  const quotes = t.nodes.flatMap((node) => {
    const quote = node.node_type === "TOOL_CALL" ? resultQuote(node) : null;
    return quote === null ? [] : [{ exact: quote.toLowerCase(), words: masked(quote) }];
  });
  return t.nodes.filter((node) => {
    const said = text(node).toLowerCase();
    if (said.length === 0) return false;
    const saidWords = masked(said);
    // A finding's words with no tool's exact finding in those words (two calls can return the same words with
    // other numbers; one finding's words can be the start of another's).
    return quotes.some(
      ({ words }) =>
        saidWords.includes(words) && !quotes.some((other) => other.words.includes(words) && said.includes(other.exact)),
    );
  });
}

/** Every case of `type` over the seeds, as injected (a run without the type's site holds its fallback). */
function cases(type: ContentType, difficulty: AnomalyDifficulty = "realistic") {
  const found: Array<{ normal: Trajectory; anomalous: Trajectory; i: number; injected: string }> = [];
  for (let i = 0; i < CASES; i++) {
    const severity = SEVERITY_LEVELS[i % SEVERITY_LEVELS.length] as SeverityLevel;
    const { normal, anomalous } = anomalousAt(type, severity, SEED, i, difficulty);
    found.push({ normal, anomalous, i, injected: anomalous.metadata.anomaly_types[0] as string });
  }
  return found;
}

const ALL = new Map(CONTENT_TYPES.map((type) => [type, cases(type)]));
const held = (type: ContentType) => (ALL.get(type) ?? []).filter((entry) => entry.injected === type);

describe("content-only anomaly types", () => {
  it("are in the vocabulary with a default weight", () => {
    const config = parseAnomalyInjectionConfig({ ratio: 0.5 });
    for (const type of CONTENT_TYPES) {
      expect(ANOMALY_TYPES).toContain(type);
      expect(config.typeNames).toContain(type);
    }
  });

  it.each(CONTENT_TYPES)("%s holds in enough runs to be measured, and falls back only to misread or drift", (type) => {
    const entries = ALL.get(type) ?? [];
    // The share of runs with the type's site (measured: misread ~88%, verification ~40%, handoff ~17%).
    const least = { misread_tool_results: 0.75, incorrect_verifications: 0.25, ignored_agent_inputs: 0.08 }[type];
    expect(held(type).length / entries.length).toBeGreaterThan(least);
    for (const { injected } of entries) expect(["misread_tool_results", "context_drift", type]).toContain(injected);
  });

  it.each(CONTENT_TYPES)(
    "%s changes only text: graph, statuses, timings, counts and metrics equal the twin's",
    (type) => {
      for (const { normal, anomalous, i } of held(type)) {
        expect(skeleton(anomalous), `${type} #${i}`).toBe(skeleton(normal));
        const before = byId(normal);
        let changed = 0;
        for (const node of anomalous.nodes) {
          const original = before.get(node.node_id) as TrajectoryNode;
          // An unlabelled node is the normal node, text included.
          if (node.anomaly_role === null) expect(JSON.stringify(node)).toBe(JSON.stringify(original));
          else if (text(node) !== text(original)) changed++;
        }
        expect(changed, `${type} #${i}`).toBeGreaterThan(0);
        for (const edge of anomalous.edges) expect(edge.is_anomalous).toBe(false);
      }
    },
  );

  it.each(CONTENT_TYPES)("%s labels real nodes, one root cause, and names it in metadata.anomalies", (type) => {
    for (const { anomalous, i } of held(type)) {
      const nodes = byId(anomalous);
      const [entry] = anomalous.metadata.anomalies;
      if (entry === undefined) throw new Error(`${type} #${i}: no metadata.anomalies entry`);
      const root = nodes.get(entry.root_cause_node_id);
      expect(root?.anomaly_role).toBe("root_cause");
      expect(entry.anomaly_type).toBe(type);
      expect(entry.responsible_agent).toBe(root?.agent_type);
      for (const id of entry.node_ids) expect(nodes.has(id)).toBe(true);
      expect(anomalous.nodes.filter((node) => node.anomaly_role === "root_cause")).toHaveLength(1);
      for (const [key, value] of Object.entries(anomalous.metadata.anomaly_metadata ?? {}))
        if (key.endsWith("_node_id")) expect(nodes.has(value as string), `${type} #${i} ${key}`).toBe(true);
    }
  });
});

describe("misread_tool_results", () => {
  it("makes the root cause state a value its tool did not return, while its prompt quotes the real one", () => {
    for (const { normal, anomalous, i } of held("misread_tool_results")) {
      const where = `#${i}`;
      const nodes = byId(anomalous);
      const root = anomalous.nodes.find((node) => node.anomaly_role === "root_cause") as TrajectoryNode;
      const meta = root.anomaly_metadata ?? {};
      const tool = nodes.get(meta.tool_node_id as string) as ToolNode;
      const returned = resultQuote(tool) as string;
      expect(meta.returned).toBe(returned);
      expect(meta.stated).not.toBe(returned);
      // Same words, another number.
      expect(masked(meta.stated as string)).toBe(masked(returned));
      // The normal twin's step stated the real result; the misread one states the other value instead.
      expect(states(byId(normal).get(root.node_id) as TrajectoryNode, returned), where).toBe(true);
      expect(states(root, returned), where).toBe(false);
      expect(states(root, meta.stated as string), where).toBe(true);
      if (root.node_type === "LLM_CALL") expect(root.llm_prompt).toContain(returned);
      expect(reachableFrom(anomalous, tool.node_id).has(root.node_id)).toBe(true);
      // Symptoms: later steps repeating the wrong value, where the twin stated the real one.
      for (const node of anomalous.nodes.filter((n) => n.anomaly_role === "symptom")) {
        expect(states(node, meta.stated as string), where).toBe(true);
        expect(states(byId(normal).get(node.node_id) as TrajectoryNode, returned), where).toBe(true);
        expect(reachableFrom(anomalous, root.node_id).has(node.node_id), where).toBe(true);
      }
    }
  });

  it("is found by a text reader comparing what steps say with what tools returned, where the twin is consistent", () => {
    for (const { normal, anomalous, i } of held("misread_tool_results")) {
      const root = anomalous.nodes.find((node) => node.anomaly_role === "root_cause") as TrajectoryNode;
      expect(misstatingSteps(anomalous), `#${i}`).toContain(root);
      expect(misstatingSteps(normal).map((node) => node.node_id)).not.toContain(root.node_id);
      expect(misstatingSteps(anomalous).length).toBeGreaterThan(misstatingSteps(normal).length);
    }
  });

  it("has a text reader that normal runs almost never trip", () => {
    // Clean runs never state a value no tool returned; with benign noise, a replaced off-table call can leave a step
    // quoting the call it replaced (a known content gap of the benign layer), rarely.
    const rate = (difficulty: AnomalyDifficulty) => {
      let tripped = 0;
      for (let i = 0; i < 600; i++) if (misstatingSteps(normalAt(SEED, i, difficulty)).length > 0) tripped++;
      return tripped / 600;
    };
    expect(rate("easy")).toBe(0);
    expect(rate("realistic")).toBeLessThan(0.01);
  });

  it("falls back to context_drift only in runs where no step states a tool's result", () => {
    for (const { normal, injected, i } of ALL.get("misread_tool_results") ?? []) {
      if (injected !== "context_drift") continue;
      const quotes = normal.nodes.flatMap((node) =>
        node.node_type === "TOOL_CALL" && node.status === "completed" && resultQuote(node) !== null
          ? [resultQuote(node) as string]
          : [],
      );
      const quoting = normal.nodes.filter(
        (node) => node.status === "completed" && quotes.some((quote) => states(node, quote)),
      );
      expect(quoting, `#${i}`).toStrictEqual([]);
    }
  });

  it("misstates by less at hard difficulty than at easy", () => {
    const error = (difficulty: AnomalyDifficulty) => {
      const values = cases("misread_tool_results", difficulty).map(
        ({ anomalous }) => anomalous.metadata.anomaly_metadata?.value_error as number | undefined,
      );
      const defined = values.filter((value): value is number => value !== undefined);
      return defined.reduce((sum, value) => sum + value, 0) / defined.length;
    };
    expect(error("hard")).toBeLessThan(error("easy"));
  });
});

describe("incorrect_verifications", () => {
  it("has a passing check downstream of work that states a value its tool did not return", () => {
    let endorsing = 0;
    for (const { normal, anomalous, i } of held("incorrect_verifications")) {
      const where = `#${i}`;
      const nodes = byId(anomalous);
      const twin = byId(normal);
      const root = anomalous.nodes.find((node) => node.anomaly_role === "root_cause") as TrajectoryNode;
      expect(root.anomaly_metadata?.role).toBe("wrong_work");
      const tool = nodes.get(root.anomaly_metadata?.tool_node_id as string) as ToolNode;
      const returned = resultQuote(tool) as string;
      const stated = root.anomaly_metadata?.stated as string;
      expect(states(twin.get(root.node_id) as TrajectoryNode, returned), where).toBe(true);
      expect(states(root, returned), where).toBe(false);
      expect(states(root, stated), where).toBe(true);
      const check = nodes.get(anomalous.metadata.anomaly_metadata?.verification_node_id as string) as TrajectoryNode;
      expect(check.anomaly_metadata?.role).toBe("false_pass");
      expect(check.anomaly_role).toBe("symptom");
      expect(reachableFrom(anomalous, root.node_id).has(check.node_id), where).toBe(true);
      expect(check.status).toBe("completed");
      if (check.node_type === "VALIDATION") {
        // It passes, with a normal score: exactly the twin's check.
        expect(check.validation_result).toBe(true);
        expect(check.validation_score).toBeGreaterThanOrEqual(0.7);
        const original = twin.get(check.node_id) as NodeOf<"VALIDATION">;
        expect(check.validation_score).toBe(original.validation_score);
      } else {
        expect(check.node_type === "LLM_CALL" && check.llm_purpose).toBe("validation_analysis");
        if (check.anomaly_metadata?.endorses === true) {
          expect(states(check, stated), where).toBe(true);
          expect(states(check, returned), where).toBe(false);
          endorsing++;
        }
      }
    }
    expect(held("incorrect_verifications").length).toBeGreaterThan(20);
    expect(endorsing).toBeGreaterThan(0);
  });

  it("is found by the same text reader, where the twin is consistent", () => {
    for (const { normal, anomalous } of held("incorrect_verifications")) {
      const root = anomalous.nodes.find((node) => node.anomaly_role === "root_cause") as TrajectoryNode;
      expect(misstatingSteps(anomalous)).toContain(root);
      expect(misstatingSteps(normal).map((node) => node.node_id)).not.toContain(root.node_id);
    }
  });
});

describe("ignored_agent_inputs", () => {
  it("makes the receiving agent's step after a handoff say nothing of the findings handed over", () => {
    for (const { normal, anomalous, i } of held("ignored_agent_inputs")) {
      const where = `#${i}`;
      const nodes = byId(anomalous);
      const twin = byId(normal);
      const root = anomalous.nodes.find((node) => node.anomaly_role === "root_cause") as TrajectoryNode;
      const meta = anomalous.metadata.anomaly_metadata ?? {};
      const handoff = nodes.get(meta.handoff_node_id as string) as TrajectoryNode;
      if (handoff.node_type !== "HANDOFF") throw new Error(`${where}: handoff_node_id is a ${handoff.node_type}`);
      expect(handoff.status).toBe("completed");
      expect(root.agent_type).toBe(handoff.target_agent);
      expect(reachableFrom(anomalous, handoff.node_id).has(root.node_id), where).toBe(true);
      const tool = nodes.get(meta.ignored_tool_node_id as string) as ToolNode;
      const returned = resultQuote(tool) as string;
      // The twin's step stated what was handed over; the anomalous one says nothing of it, nor does its prompt.
      expect(states(twin.get(root.node_id) as TrajectoryNode, returned), where).toBe(true);
      expect(states(root, returned), where).toBe(false);
      expect(masked(text(root)).includes(masked(returned)), where).toBe(false);
      if (root.node_type === "LLM_CALL") expect(root.llm_prompt.includes(returned), where).toBe(false);
      for (const node of anomalous.nodes.filter((n) => n.anomaly_role === "symptom")) {
        expect(node.agent_type).toBe(root.agent_type);
        expect(states(node, returned), where).toBe(false);
        expect(states(twin.get(node.node_id) as TrajectoryNode, returned), where).toBe(true);
      }
    }
    expect(held("ignored_agent_inputs").length).toBeGreaterThan(10);
  });
});
