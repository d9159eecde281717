import { describe, expect, it } from "vitest";
import { planAnomalyStep } from "../../../core/anomalies/plan.ts";
import { generateTrajectory } from "../../../core/dataset/generate-trajectory.ts";
import { renderTrajectoryShard } from "../../../core/dataset/render-shard.ts";
import {
  describeAnomalyInjectionConfig,
  parseAnomalyInjectionConfig,
} from "../../../core/trajectory/anomaly-config.ts";
import { decideAnomalies, decideAnomaly } from "../../../core/trajectory/anomaly-decision.ts";
import {
  DEFAULT_TRAJECTORY_CONFIG,
  type PatternSettings,
  parseTrajectoryConfig,
  serializeTrajectory,
  type Trajectory,
  type TrajectoryConfig,
} from "../../../core/trajectory/index.ts";
import { SEVERITY_LEVELS } from "../../../core/trajectory/vocabulary.ts";
import { anomalousViolations } from "./coherence.ts";
import { anomalyConfigError as errorOf } from "./helpers.ts";
import { chanceStumpAccuracy, stumpAccuracy } from "./separability.ts";

const SEEDS = [3, 42, 1211];
const PER_SEED = 400;

/** Configs are slow to parse: one per setting. */
const CONFIGS = new Map<string, TrajectoryConfig>();
function configWith(ratio: number, max: number | undefined, difficulty = "realistic"): TrajectoryConfig {
  const key = `${ratio}/${max}/${difficulty}`;
  let config = CONFIGS.get(key);
  if (config === undefined) {
    config = parseTrajectoryConfig({
      anomaly_injection: { ratio, difficulty, ...(max === undefined ? {} : { max_per_trajectory: max }) },
    });
    CONFIGS.set(key, config);
  }
  return config;
}

/** Messages of `anomalousViolations` that assume a single anomaly; the multi-anomaly labels are checked below. */
const SINGLE_ANOMALY_CHECKS =
  /^(trajectory labels missing|trajectory anomaly_metadata\.type|.*: label$|metadata\.anomalies|exactly one root cause|entry type\/severity|responsible_agent)/;

/**
 * The label rules of a trajectory with any number of anomalies: every entry names a root cause among its own
 * nodes; every node and edge an entry lists is in the trajectory and labelled, with the entry's type and role or,
 * when an earlier anomaly labelled it first (the shared-node rule), with that anomaly's type, the node then being
 * listed by that entry too; every labelled node and edge is listed by the entry of its type; node-level root causes
 * are the entries' root causes; the trajectory labels summarise the entries.
 */
function multiLabelViolations(t: Trajectory): string[] {
  const problems = anomalousViolations(t).filter((problem) => !SINGLE_ANOMALY_CHECKS.test(problem));
  const fail = (message: string) => problems.push(message);
  const entries = t.metadata.anomalies;
  const nodes = new Map(t.nodes.map((node) => [node.node_id, node]));
  const edges = new Map(t.edges.map((edge) => [edge.edge_id, edge]));
  const byType = new Map(entries.map((entry) => [entry.anomaly_type, entry]));
  if (entries.length === 0) fail("no metadata.anomalies entry");
  if (byType.size !== entries.length) fail("two entries of one type");
  if (JSON.stringify(t.metadata.anomaly_types) !== JSON.stringify(entries.map((entry) => entry.anomaly_type)))
    fail("anomaly_types differ from the entries' types");
  const highest = Math.max(...entries.map((entry) => SEVERITY_LEVELS.indexOf(entry.severity)));
  if (t.metadata.anomaly_severity !== SEVERITY_LEVELS[highest]) fail("anomaly_severity is not the highest");
  if (t.metadata.anomaly_metadata?.type !== entries[0]?.anomaly_type) fail("anomaly_metadata is not the primary's");
  if ((t.metadata.anomaly_metadata?.anomaly_count ?? 1) !== entries.length) fail("anomaly_metadata.anomaly_count");
  const listedIn = (id: string, type: string | null, kind: "node_ids" | "edge_ids") =>
    type !== null && byType.get(type as never)?.[kind].includes(id) === true;
  for (const entry of entries) {
    const where = `${entry.anomaly_type} entry`;
    if (!entry.node_ids.includes(entry.root_cause_node_id)) fail(`${where}: root cause not among its nodes`);
    const root = nodes.get(entry.root_cause_node_id);
    if (root === undefined) fail(`${where}: root cause ${entry.root_cause_node_id} is not a node`);
    else {
      if (root.agent_type !== entry.responsible_agent) fail(`${where}: responsible_agent`);
      if (root.anomaly_type === entry.anomaly_type && root.anomaly_role !== "root_cause")
        fail(`${where}: its own root cause is labelled ${root.anomaly_role}`);
    }
    for (const id of entry.node_ids) {
      const node = nodes.get(id);
      if (node === undefined) fail(`${where}: node ${id} is not in the trajectory`);
      else if (!node.is_anomalous) fail(`${where}: node ${id} is not labelled`);
      else if (node.anomaly_type !== entry.anomaly_type && !listedIn(id, node.anomaly_type, "node_ids"))
        fail(`${where}: node ${id} labelled ${node.anomaly_type}, whose entry does not list it`);
    }
    for (const id of entry.edge_ids) {
      const edge = edges.get(id);
      if (edge === undefined) fail(`${where}: edge ${id} is not in the trajectory`);
      else if (!edge.is_anomalous) fail(`${where}: edge ${id} is not labelled`);
      else if (edge.anomaly_type !== entry.anomaly_type && !listedIn(id, edge.anomaly_type, "edge_ids"))
        fail(`${where}: edge ${id} labelled ${edge.anomaly_type}, whose entry does not list it`);
    }
  }
  for (const node of t.nodes) {
    if (node.is_anomalous && !listedIn(node.node_id, node.anomaly_type, "node_ids"))
      fail(`node ${node.node_id} labelled ${node.anomaly_type} but not listed by that entry`);
    if (
      node.anomaly_role === "root_cause" &&
      byType.get(node.anomaly_type as never)?.root_cause_node_id !== node.node_id
    )
      fail(`node ${node.node_id} is a root cause its entry does not name`);
  }
  for (const edge of t.edges)
    if (edge.is_anomalous && !listedIn(edge.edge_id, edge.anomaly_type, "edge_ids"))
      fail(`edge ${edge.edge_id} labelled ${edge.anomaly_type} but not listed by that entry`);
  return problems;
}

describe("anomaly_injection.max_per_trajectory", () => {
  it("defaults to 1, is in the manifest's config, and accepts 1 to 5", () => {
    const config = parseAnomalyInjectionConfig(undefined);
    expect(config.maxPerTrajectory).toBe(1);
    expect(describeAnomalyInjectionConfig(config)).toMatchObject({ max_per_trajectory: 1 });
    expect(parseAnomalyInjectionConfig({ max_per_trajectory: 5 }).maxPerTrajectory).toBe(5);
    expect(describeAnomalyInjectionConfig(parseAnomalyInjectionConfig({ max_per_trajectory: 3 }))).toMatchObject({
      max_per_trajectory: 3,
    });
  });

  it("rejects 0, 6, a fraction and a string, naming the field and what is allowed", () => {
    for (const value of [0, 6, 1.5, "2"]) {
      expect(errorOf({ max_per_trajectory: value }).issues).toStrictEqual([
        { path: "anomaly_injection.max_per_trajectory", message: "must be an integer from 1 to 5", value },
      ]);
    }
    expect(errorOf({ max_per_trajectory: 0 }).message).toContain(
      "anomaly_injection.max_per_trajectory: must be an integer from 1 to 5 (got 0)",
    );
    expect(errorOf({ max_per_trajectories: 2 }).issues[0]?.message).toMatch(/did you mean "max_per_trajectory"\?/);
  });
});

describe("decideAnomalies", () => {
  const one = parseAnomalyInjectionConfig({ ratio: 1 });
  const three = parseAnomalyInjectionConfig({ ratio: 1, max_per_trajectory: 3 });

  it("keeps the primary decision whatever the maximum, and draws distinct types", () => {
    for (let i = 0; i < 2000; i++) {
      const decisions = decideAnomalies(three, 5, i) ?? [];
      expect(decisions[0]).toStrictEqual(decideAnomaly(three, 5, i));
      expect(decisions[0]).toStrictEqual(decideAnomaly(one, 5, i));
      expect(decideAnomalies(one, 5, i)).toStrictEqual([decideAnomaly(one, 5, i)]);
      expect(new Set(decisions.map((decision) => decision.type)).size).toBe(decisions.length);
    }
  });

  it("draws 1 + a geometric count capped at the maximum: 70% / 21% / 9% with a maximum of 3", () => {
    const counts = [0, 0, 0, 0];
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const k = (decideAnomalies(three, 9, i) ?? []).length;
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(counts[0]).toBe(0);
    expect((counts[1] as number) / n).toBeCloseTo(0.7, 1);
    expect((counts[2] as number) / n).toBeCloseTo(0.21, 1);
    expect((counts[3] as number) / n).toBeCloseTo(0.09, 1);
  });

  it("never draws more anomalies than there are weighted types", () => {
    const two = parseAnomalyInjectionConfig({
      ratio: 1,
      max_per_trajectory: 5,
      types: Object.fromEntries(
        ["infinite_loops", "suboptimal_paths", "tool_failure_cascades", "planning_paralysis", "memory_inconsistencies"]
          .concat(["timeout_cascades", "handoff_failures", "validation_loops", "context_drift"])
          .concat(["misread_tool_results", "incorrect_verifications", "ignored_agent_inputs"])
          .map((type) => [type, { weight: 0 }]),
      ),
    });
    for (let i = 0; i < 500; i++) expect((decideAnomalies(two, 1, i) ?? []).length).toBe(1);
  });
});

describe("trajectories with several anomalies", () => {
  const runs = SEEDS.flatMap((seed) =>
    Array.from({ length: PER_SEED }, (_, i) => ({ seed, i, t: generateTrajectory(configWith(1, 3), seed, i) })),
  );

  it("hold 2 or 3 anomalies in some trajectories, one in most", () => {
    const counts = [0, 0, 0, 0];
    for (const { t } of runs) {
      const k = t.metadata.anomalies.length;
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(counts[0]).toBe(0);
    expect(counts[1] as number).toBeGreaterThan(runs.length * 0.6);
    expect(counts[2] as number).toBeGreaterThan(runs.length * 0.12);
    expect(counts[3] as number).toBeGreaterThan(runs.length * 0.03);
  });

  it("label every anomaly on real nodes and edges, one root cause per entry (shared nodes keep the first label)", () => {
    for (const { seed, i, t } of runs) expect(multiLabelViolations(t), `seed ${seed} #${i}`).toStrictEqual([]);
  });

  it("start a further anomaly at a step of its own where it can: few root causes are shared", () => {
    let later = 0;
    let shared = 0;
    for (const { t } of runs) {
      const byId = new Map(t.nodes.map((node) => [node.node_id, node]));
      for (const entry of t.metadata.anomalies.slice(1)) {
        later++;
        const root = byId.get(entry.root_cause_node_id);
        if (root?.anomaly_type !== entry.anomaly_type) shared++;
        else expect(root.anomaly_role).toBe("root_cause");
      }
    }
    expect(later).toBeGreaterThan(100);
    expect(shared / later).toBeLessThan(0.15);
  });

  it("label every anomaly at every difficulty and with the largest maximum", () => {
    for (const difficulty of ["easy", "hard"])
      for (let i = 0; i < 300; i++) {
        const t = generateTrajectory(configWith(1, 5, difficulty), 17, i);
        expect(multiLabelViolations(t), `${difficulty} #${i}`).toStrictEqual([]);
      }
  });

  it("cut the run last: nothing another anomaly adds runs after an incomplete run's cut", () => {
    let seen = 0;
    for (const { seed, i, t } of runs) {
      const types = t.metadata.anomaly_types;
      const interrupted = t.nodes.filter((node) => node.status === "interrupted");
      if (types.length < 2 || !types.includes("incomplete_responses") || interrupted.length === 0) continue;
      seen++;
      const cut = Math.max(...interrupted.map((node) => Date.parse(node.end_time)));
      const late = t.nodes.filter((node) => Date.parse(node.start_time) >= cut).map((node) => node.node_id);
      expect(late, `seed ${seed} #${i}`).toStrictEqual([]);
      expect(
        t.nodes.some((node) => node.node_type === "ACTION"),
        `seed ${seed} #${i}`,
      ).toBe(false);
    }
    expect(seen).toBeGreaterThan(0);
  });

  it("keep a trajectory that draws one anomaly byte-identical to the same index at the default maximum", () => {
    const three = configWith(1, 3);
    let single = 0;
    for (const { seed, i, t } of runs) {
      if ((decideAnomalies(three.anomalies, seed, i) ?? []).length !== 1) continue;
      single++;
      expect(serializeTrajectory(t)).toBe(serializeTrajectory(generateTrajectory(configWith(1, undefined), seed, i)));
    }
    expect(single).toBeGreaterThan(runs.length / 2);
  });

  it("never hold more than one anomaly at the default maximum", () => {
    for (const seed of SEEDS)
      for (let i = 0; i < PER_SEED; i++) {
        const t = generateTrajectory(configWith(1, undefined), seed, i);
        expect(t.metadata.anomalies).toHaveLength(1);
        expect(t.metadata.anomaly_types).toHaveLength(1);
        expect(t.metadata.anomaly_metadata?.anomaly_count).toBeUndefined();
      }
  });
});

describe("several anomalies: determinism", () => {
  it("gives the same bytes for the same seed, in any order", () => {
    const config = configWith(0.5, 3);
    const forward = Array.from({ length: 150 }, (_, i) => serializeTrajectory(generateTrajectory(config, 42, i)));
    const backward = Array.from({ length: 150 }, (_, k) =>
      serializeTrajectory(generateTrajectory(config, 42, 149 - k)),
    ).reverse();
    expect(backward).toStrictEqual(forward);
    expect(forward.some((line) => line.includes('"anomaly_count":'))).toBe(true);
  });

  it("holds the same bytes whatever the shard size (so whatever the worker count)", async () => {
    const config = configWith(0.5, 3);
    const render = async (shardSize: number) => {
      const parts: Buffer[] = [];
      for (let start = 0; start < 120; start += shardSize) {
        const count = Math.min(shardSize, 120 - start);
        for await (const chunk of renderTrajectoryShard({ config, seed: 9, startIndex: start, count, gzip: false }))
          parts.push(Buffer.from(chunk));
      }
      return Buffer.concat(parts).toString("utf8");
    };
    const whole = await render(120);
    expect(await render(7)).toBe(whole);
    expect(await render(50)).toBe(whole);
    expect(whole.includes('"anomaly_count":')).toBe(true);
  });
});

describe("several anomalies: node counts", () => {
  /** Node count relative to the pattern's bounds: 0 at min_nodes, 1 at max_nodes. */
  const position = (t: Trajectory) => {
    const settings = DEFAULT_TRAJECTORY_CONFIG.patterns[t.pattern] as PatternSettings;
    return (t.nodes.length - settings.minNodes) / (settings.maxNodes - settings.minNodes);
  };
  /** The plan's `planned_steps` over the steps the node count implies (as in leakage.test.ts). */
  const planRatio = (t: Trajectory) => {
    const plan = t.nodes.find((node) => node.node_type === "PLANNING");
    const planned = plan?.node_type === "PLANNING" ? plan.planning_output.planned_steps : 0;
    return planned / Math.max(1, t.nodes.length - (t.pattern === "complex_research" ? 4 : 3));
  };

  it("stay distributed as in normal runs: the budget accounts for every anomaly a trajectory holds", () => {
    const config = configWith(0.5, 3);
    const normal: number[] = [];
    const multiple: number[] = [];
    const all: number[] = [];
    const ratios = { normal: [] as number[], multiple: [] as number[] };
    const outside: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const plan = planAnomalyStep(config.anomalies, 99, i);
      const t = generateTrajectory(config, 99, i);
      const settings = config.patterns[t.pattern] as PatternSettings;
      const cut = t.metadata.anomaly_types.includes("incomplete_responses");
      const endedEarly = t.nodes.some(
        (node) => node.node_type === "ACTION" && node.final_output.startsWith("Cannot complete the request"),
      );
      // Runs cut short (incomplete_responses) are shorter than drawn by design; honest early endings are benign.
      if (!cut && !(endedEarly && t.nodes.length <= settings.maxNodes))
        if (t.nodes.length < settings.minNodes || t.nodes.length > settings.maxNodes)
          outside.push(`#${i} ${t.pattern} ${t.nodes.length}`);
      if (plan === null) {
        normal.push(position(t));
        ratios.normal.push(planRatio(t));
      } else if (!cut) {
        all.push(position(t));
        if (t.metadata.anomalies.length > 1) {
          multiple.push(position(t));
          ratios.multiple.push(planRatio(t));
        }
      }
    }
    expect(outside).toStrictEqual([]);
    expect(multiple.length).toBeGreaterThan(200);
    expect(stumpAccuracy(all, normal)).toBeLessThanOrEqual(chanceStumpAccuracy(all.length, normal.length));
    expect(stumpAccuracy(multiple, normal)).toBeLessThanOrEqual(chanceStumpAccuracy(multiple.length, normal.length));
    expect(stumpAccuracy(ratios.multiple, ratios.normal)).toBeLessThanOrEqual(
      chanceStumpAccuracy(multiple.length, normal.length),
    );
  });
});
