import { describe, expect, it } from "vitest";
import { resultQuote, taskTopic } from "../../../core/trajectory/content/index.ts";
import {
  DEFAULT_TOOL_TRANSITIONS,
  isAcyclic,
  type NodeOf,
  type Trajectory,
  type TrajectoryNode,
} from "../../../core/trajectory/index.ts";
import { SEVERITY_LEVELS, type SeverityLevel } from "../../../core/trajectory/vocabulary.ts";
import { anomalousAt, normalAt } from "./helpers.ts";

const CASES = 24;
const SEED = 21;

function each(
  type: Parameters<typeof anomalousAt>[0],
  check: (normal: Trajectory, anomalous: Trajectory, i: number) => void,
): void {
  for (let i = 0; i < CASES; i++) {
    const severity = SEVERITY_LEVELS[i % SEVERITY_LEVELS.length] as SeverityLevel;
    const { normal, anomalous } = anomalousAt(type, severity, SEED, i, "easy");
    check(normal, anomalous, i);
  }
}

const labelled = (t: Trajectory, role?: string) =>
  t.nodes.filter((node) => node.is_anomalous && (role === undefined || node.anomaly_metadata?.role === role));
const byId = (t: Trajectory) => new Map(t.nodes.map((node) => [node.node_id, node]));
const content = (node: TrajectoryNode) =>
  JSON.stringify(node, (key, value) =>
    [
      "node_id",
      "start_time",
      "end_time",
      "duration",
      "cpu_usage",
      "memory_usage",
      "network_calls",
      "retry_count",
      "performance_score",
      "is_anomalous",
      "anomaly_type",
      "anomaly_role",
      "anomaly_metadata",
    ].includes(key)
      ? undefined
      : value,
  );

/** Ids of the nodes downstream of `id` (any edge). */
function downstream(t: Trajectory, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    for (const edge of t.edges) {
      if (edge.source_node_id === current && !seen.has(edge.target_node_id)) {
        seen.add(edge.target_node_id);
        stack.push(edge.target_node_id);
      }
    }
  }
  return seen;
}

describe("infinite_loops", () => {
  it("chains repetitions of the loop body's content as new spans, with no edge back into a finished node", () => {
    each("infinite_loops", (normal, t) => {
      expect(isAcyclic(normal)).toBe(true);
      expect(isAcyclic(t)).toBe(true);
      const iterations = t.metadata.anomaly_metadata?.iterations as number;
      const loopLength = t.metadata.anomaly_metadata?.loop_length as number;
      expect(labelled(t, "repetition")).toHaveLength(iterations * loopLength);
      // The first repetition of the head follows the body's first pass directly.
      const head = t.metadata.anomaly_metadata?.head_node_id as string;
      const first = labelled(t, "repetition")[0] as TrajectoryNode;
      expect(first.anomaly_role).toBe("root_cause");
      expect(downstream(t, head).has(first.node_id)).toBe(true);
      const nodes = byId(t);
      for (const copy of labelled(t, "repetition")) {
        expect(content(copy)).toBe(content(nodes.get(copy.anomaly_metadata?.repeats as string) as TrajectoryNode));
      }
      expect(t.nodes.length - normal.nodes.length).toBe(t.metadata.anomaly_metadata?.added_nodes);
    });
  });

  it("repeats more as severity grows", () => {
    const added = (severity: SeverityLevel) => {
      let total = 0;
      for (let i = 0; i < 40; i++)
        total += anomalousAt("infinite_loops", severity, SEED, i, "easy").anomalous.metadata.anomaly_metadata
          ?.added_nodes as number;
      return total;
    };
    expect(added("critical")).toBeGreaterThan(added("low"));
  });
});

describe("suboptimal_paths", () => {
  it("redoes earlier work on the path without a cycle when injected", () => {
    each("suboptimal_paths", (normal, t) => {
      expect(isAcyclic(t)).toBe(true);
      const redundant = labelled(t, "redundant_step");
      expect(redundant.length).toBe(t.metadata.anomaly_metadata?.extra_steps);
      expect(t.nodes.length - normal.nodes.length).toBe(redundant.length);
      const nodes = byId(t);
      for (const step of redundant) {
        const original = nodes.get(step.anomaly_metadata?.repeats as string) as TrajectoryNode;
        expect(content(step)).toBe(content(original));
        expect(downstream(t, original.node_id).has(step.node_id)).toBe(true);
      }
    });
  });
});

describe("tool_failure_cascades", () => {
  it("fails one tool call and the steps that depend on it when injected", () => {
    each("tool_failure_cascades", (_normal, t) => {
      const [root] = labelled(t, "root_failure");
      expect(root?.node_type).toBe("TOOL_CALL");
      expect(root?.status).toBe("failed");
      const propagated = labelled(t, "propagated_failure");
      expect(propagated.length).toBeGreaterThan(0);
      expect(propagated.length).toBeLessThanOrEqual(t.metadata.anomaly_metadata?.cascade_length as number);
      const reach = downstream(t, (root as TrajectoryNode).node_id);
      for (const node of propagated) {
        expect(node.status).toBe("failed");
        expect(reach.has(node.node_id)).toBe(true);
      }
      const failedIds = new Set([root, ...propagated].map((node) => node?.node_id));
      for (const edge of t.edges.filter((e) => failedIds.has(e.source_node_id))) {
        expect(edge.success_rate).toBe(0);
        expect(edge.is_anomalous).toBe(true);
      }
    });
  });
});

describe("planning_paralysis", () => {
  it("puts a run of re-planning rounds before any execution when injected", () => {
    each("planning_paralysis", (normal, t) => {
      const rounds = labelled(t, "replanning");
      expect(rounds.length).toBe(t.metadata.anomaly_metadata?.extra_rounds);
      expect(
        rounds.every(
          (node) => node.node_type === "PLANNING" || (node.node_type === "LLM_CALL" && node.llm_purpose === "planning"),
        ),
      ).toBe(true);
      const plan = normal.nodes.find((node) => node.node_type === "PLANNING") as TrajectoryNode;
      // The rounds form a chain right after the plan, and the plan's former successors now follow the last round.
      const lastRound = rounds.at(-1) as TrajectoryNode;
      const successorsBefore = normal.edges
        .filter((edge) => edge.source_node_id === plan.node_id)
        .map((edge) => edge.target_node_id);
      const successorsAfter = t.edges
        .filter((edge) => edge.source_node_id === lastRound.node_id)
        .map((edge) => edge.target_node_id);
      expect(successorsAfter.sort()).toStrictEqual(successorsBefore.sort());
      const lastEnd = Date.parse(lastRound.end_time);
      const nodes = byId(t);
      for (const id of successorsAfter)
        expect(Date.parse((nodes.get(id) as TrajectoryNode).start_time)).toBeGreaterThan(lastEnd);
    });
  });
});

describe("memory_inconsistencies", () => {
  it("makes a retrieve return a value other than the one stored under its key when injected", () => {
    each("memory_inconsistencies", (_normal, t) => {
      const reads = labelled(t, "inconsistent_read") as NodeOf<"MEMORY_ACCESS">[];
      expect(reads.length).toBeGreaterThan(0);
      for (const read of reads) {
        expect(read.memory_operation).toBe("retrieve");
        const store = t.nodes.find(
          (node): node is NodeOf<"MEMORY_ACCESS"> =>
            node.node_type === "MEMORY_ACCESS" &&
            node.memory_operation === "store" &&
            node.memory_key === read.memory_key,
        );
        expect(store).toBeDefined();
        expect(read.memory_value?.digest).not.toBe(store?.memory_value?.digest);
        expect(downstream(t, (store as TrajectoryNode).node_id).has(read.node_id)).toBe(true);
        expect(Date.parse(read.start_time)).toBeGreaterThanOrEqual(Date.parse((store as TrajectoryNode).end_time));
      }
    });
  });

  it("never returns a different value in normal trajectories", () => {
    for (let i = 0; i < 300; i++) {
      const t = normalAt(SEED, i, "easy");
      for (const read of t.nodes) {
        if (read.node_type !== "MEMORY_ACCESS" || read.memory_operation !== "retrieve") continue;
        const store = t.nodes.find(
          (node) =>
            node.node_type === "MEMORY_ACCESS" &&
            node.memory_operation === "store" &&
            node.memory_key === read.memory_key,
        ) as NodeOf<"MEMORY_ACCESS">;
        expect(read.memory_value).toStrictEqual(store.memory_value);
      }
    }
  });
});

describe("timeout_cascades", () => {
  it("times out tool calls and shifts everything downstream by the delay when injected", () => {
    each("timeout_cascades", (normal, t) => {
      const timeouts = t.nodes.filter((node) => node.anomaly_metadata?.timeout_seconds !== undefined);
      expect(timeouts.length).toBeGreaterThan(0);
      for (const node of timeouts) {
        expect(node.status).toBe("timeout");
        expect(node.error_code).toBe("TIMEOUT");
      }
      const root = timeouts.find((node) => node.anomaly_metadata?.role === "root_timeout") as TrajectoryNode;
      const before = byId(normal);
      const after = byId(t);
      const reach = downstream(t, root.node_id);
      const shift = Date.parse(root.end_time) - Date.parse((before.get(root.node_id) as TrajectoryNode).end_time);
      expect(shift).toBe(Math.round((root.anomaly_metadata?.delay_seconds as number) * 1000));
      for (const [id, node] of after) {
        const original = before.get(id) as TrajectoryNode;
        const moved = Date.parse(node.start_time) - Date.parse(original.start_time);
        if (id === root.node_id || !reach.has(id)) expect(moved, "upstream and parallel steps stay put").toBe(0);
        else expect(moved).toBeGreaterThanOrEqual(0);
      }
      // The node right after the root on its own chain moves by exactly the root's extra time.
      const next = t.edges.find((edge) => edge.source_node_id === root.node_id && edge.edge_type === "execution_flow");
      const follower = after.get(next?.target_node_id as string) as TrajectoryNode;
      const incoming = t.edges.filter((edge) => edge.target_node_id === follower.node_id);
      if (incoming.length === 1 && !timeouts.includes(follower)) {
        expect(
          Date.parse(follower.start_time) - Date.parse((before.get(follower.node_id) as TrajectoryNode).start_time),
        ).toBe(shift);
      }
      expect(Date.parse(t.end_time)).toBeGreaterThanOrEqual(Date.parse(normal.end_time));
    });
  });
});

describe("handoff_failures", () => {
  it("fails the handoff between two agents before it goes through when injected", () => {
    each("handoff_failures", (_normal, t) => {
      const failed = labelled(t, "failed_attempt") as NodeOf<"HANDOFF">[];
      expect(failed.length).toBe(t.metadata.anomaly_metadata?.failed_attempts);
      const handoff = byId(t).get(t.metadata.anomaly_metadata?.handoff_node_id as string) as NodeOf<"HANDOFF">;
      expect(handoff.status).toBe("completed");
      expect(handoff.retry_count).toBe(failed.length);
      for (const attempt of failed) {
        expect(attempt.handoff_success).toBe(false);
        expect(attempt.status).not.toBe("completed");
        expect([attempt.source_agent, attempt.target_agent]).toStrictEqual([
          handoff.source_agent,
          handoff.target_agent,
        ]);
        expect(downstream(t, attempt.node_id).has(handoff.node_id)).toBe(true);
      }
      expect(t.edges.some((edge) => edge.source_node_id === handoff.node_id && edge.edge_type === "handoff")).toBe(
        true,
      );
    });
  });
});

describe("validation_loops", () => {
  it("reworks the checked step without progress, each rework a new span after the rejection", () => {
    each("validation_loops", (_normal, t) => {
      expect(isAcyclic(t)).toBe(true);
      const iterations = t.metadata.anomaly_metadata?.iterations as number;
      const nodes = byId(t);
      const first = nodes.get(t.metadata.anomaly_metadata?.validation_node_id as string) as NodeOf<"VALIDATION">;
      // The first rejection is the validation doing its job: unlabelled.
      expect(first.validation_result).toBe(false);
      expect(first.anomaly_role).toBeNull();
      const checks = [
        first,
        ...labelled(t).filter((node) => node.node_type === "VALIDATION"),
      ] as NodeOf<"VALIDATION">[];
      const rejections = checks.filter((node) => !node.validation_result);
      expect(rejections.every((node) => node.validation_score < 0.7)).toBe(true);
      const converged = t.metadata.anomaly_metadata?.converged;
      expect(rejections.length).toBe(converged ? iterations : iterations + 1);
      // The checked step is the validation's control predecessor (a data dependency may feed it too).
      const producer = t.nodes.find((node) =>
        t.edges.some(
          (edge) =>
            edge.edge_type !== "data_dependency" &&
            edge.source_node_id === node.node_id &&
            edge.target_node_id === first.node_id,
        ),
      ) as TrajectoryNode;
      const reworks = labelled(t, "rework");
      expect(reworks).toHaveLength(iterations);
      expect(reworks[0]?.anomaly_role).toBe("root_cause");
      // No progress: every rework repeats the step's inputs and output.
      for (const rework of reworks) expect(content(rework)).toBe(content(producer));
    });
  });
});

describe("context_drift", () => {
  it("makes tool calls jump to tools the transition table never leads to when injected", () => {
    each("context_drift", (_normal, t) => {
      const drifted = labelled(t, "drifted_step") as NodeOf<"TOOL_CALL">[];
      expect(drifted.length).toBeGreaterThan(0);
      for (const node of drifted) {
        const previous = node.anomaly_metadata?.previous_tool as keyof typeof DEFAULT_TOOL_TRANSITIONS;
        expect(DEFAULT_TOOL_TRANSITIONS[previous][node.tool_type] ?? 0).toBe(0);
        expect(node.tool_type).not.toBe(previous);
      }
    });
  });

  it("drifts in content: drifted calls work on another topic, and the steps consuming them talk about it", () => {
    let consumers = 0;
    each("context_drift", (_normal, t) => {
      const topic = taskTopic(t.task_description);
      const drifted = labelled(t, "drifted_step").filter((node) => node.anomaly_metadata?.replaced_tool !== undefined);
      for (const node of drifted as NodeOf<"TOOL_CALL">[]) {
        expect(JSON.stringify(node.tool_parameters)).not.toContain(topic.subject);
        expect(JSON.stringify(node.tool_result)).not.toContain(topic.subject);
      }
      const quotes = (drifted as NodeOf<"TOOL_CALL">[]).map((node) => resultQuote(node)).filter((q) => q !== null);
      for (const node of labelled(t, "drifted_consumer")) {
        const text = node.node_type === "LLM_CALL" ? node.llm_response : JSON.stringify(node);
        expect(quotes.some((quote) => text.toLowerCase().includes(quote.toLowerCase()))).toBe(true);
        consumers++;
      }
    });
    expect(consumers).toBeGreaterThan(0);
  });

  it("never jumps off the transition table between different tools in normal trajectories", () => {
    for (let i = 0; i < 300; i++) {
      const t = normalAt(SEED, i, "easy");
      const nodes = byId(t);
      for (const edge of t.edges) {
        if (edge.edge_type === "data_dependency") continue;
        const source = nodes.get(edge.source_node_id) as TrajectoryNode;
        const target = nodes.get(edge.target_node_id) as TrajectoryNode;
        if (
          source.node_type !== "TOOL_CALL" ||
          target.node_type !== "TOOL_CALL" ||
          source.tool_type === target.tool_type
        )
          continue;
        expect(DEFAULT_TOOL_TRANSITIONS[source.tool_type][target.tool_type] ?? 0).toBeGreaterThan(0);
      }
    }
  });
});

describe("incomplete_responses", () => {
  it("stops before the final ACTION with interrupted steps and status incomplete when injected", () => {
    each("incomplete_responses", (normal, t) => {
      expect(t.nodes.some((node) => node.node_type === "ACTION")).toBe(false);
      expect(t.status).toBe("incomplete");
      expect(t.metadata.success).toBe(false);
      const interrupted = labelled(t, "interrupted");
      expect(interrupted.length).toBeGreaterThan(0);
      expect(interrupted.every((node) => node.status === "interrupted")).toBe(true);
      const cut = Math.max(...interrupted.map((node) => Date.parse(node.end_time)));
      expect(t.nodes.every((node) => Date.parse(node.start_time) < cut)).toBe(true);
      expect(t.nodes.length).toBeLessThan(normal.nodes.length);
      expect(t.metadata.anomaly_metadata?.actual_nodes).toBe(t.nodes.length);
    });
  });
});

describe("severity", () => {
  /** The trajectory-level size of each type's effect, larger meaning more severe. */
  // ignored_agent_inputs has no effect size: a step ignores what it was handed or it does not.
  const EFFECT: Record<
    Exclude<Parameters<typeof anomalousAt>[0], "ignored_agent_inputs">,
    (t: Trajectory) => number
  > = {
    infinite_loops: (t) => t.metadata.anomaly_metadata?.added_nodes as number,
    suboptimal_paths: (t) => t.metadata.anomaly_metadata?.extra_steps as number,
    tool_failure_cascades: (t) => t.metadata.anomaly_metadata?.cascade_length as number,
    planning_paralysis: (t) => t.metadata.anomaly_metadata?.extra_rounds as number,
    memory_inconsistencies: (t) => t.metadata.anomaly_metadata?.inconsistent_reads as number,
    timeout_cascades: (t) => t.metadata.anomaly_metadata?.added_delay_seconds as number,
    handoff_failures: (t) => t.metadata.anomaly_metadata?.failed_attempts as number,
    validation_loops: (t) => t.metadata.anomaly_metadata?.iterations as number,
    context_drift: (t) => t.metadata.anomaly_metadata?.drift_fraction as number,
    incomplete_responses: (t) => 100 - (t.metadata.anomaly_metadata?.completion_percentage as number),
    // A run without the type's site holds a fallback type at either severity (the graph is the same): it adds 0.
    misread_tool_results: (t) => (t.metadata.anomaly_metadata?.value_error as number | undefined) ?? 0,
    incorrect_verifications: (t) => (t.metadata.anomaly_metadata?.value_error as number | undefined) ?? 0,
  };

  it.each(Object.keys(EFFECT) as Array<keyof typeof EFFECT>)("makes a critical %s larger than a low one", (type) => {
    const average = (severity: SeverityLevel) => {
      let total = 0;
      for (let i = 0; i < 30; i++) total += EFFECT[type](anomalousAt(type, severity, 77, i, "easy").anomalous);
      return total / 30;
    };
    expect(average("critical")).toBeGreaterThan(average("low"));
  });
});
