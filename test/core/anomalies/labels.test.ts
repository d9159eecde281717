import { describe, expect, it } from "vitest";
import { reachableFrom, type TrajectoryEdge, type TrajectoryNode } from "../../../core/trajectory/index.ts";
import { ANOMALY_TYPES, SEVERITY_LEVELS } from "../../../core/trajectory/vocabulary.ts";
import { anomalousViolations } from "./coherence.ts";
import { anomalousAt, normalAt } from "./helpers.ts";

const PER_TYPE = 24;
/**
 * Types whose setup changes ordinary parts without making them wrong (a step turned into the tool call they need, a
 * store spliced in, a handoff's counters): unlabelled but changed, so only the checks below apply to them.
 */
const SETUP_CHANGES = new Set([
  "context_drift",
  "tool_failure_cascades",
  "timeout_cascades",
  "handoff_failures",
  "memory_inconsistencies",
  "validation_loops",
  "incomplete_responses",
]);
const TIME_FIELDS = new Set(["start_time", "end_time", "creation_time"]);

function withoutTimes(item: TrajectoryNode | TrajectoryEdge): string {
  return JSON.stringify(item, (key, value) => (TIME_FIELDS.has(key) ? undefined : value));
}

describe("anomaly labels", () => {
  it.each(ANOMALY_TYPES)("label the root cause and real symptoms of %s, not the work it builds on", (type) => {
    for (let i = 0; i < PER_TYPE; i++) {
      const severity = SEVERITY_LEVELS[i % SEVERITY_LEVELS.length] as (typeof SEVERITY_LEVELS)[number];
      const { normal, anomalous } = anomalousAt(type, severity, 11, i);
      const where = `${type} #${i}`;
      // A content-only type falls back to another where the run lacks its site: check what was injected.
      const injected = anomalous.metadata.anomaly_types[0] as string;
      expect(anomalousViolations(anomalous), where).toStrictEqual([]);
      const before = new Map(normal.nodes.map((node) => [node.node_id, node]));
      const labelled = anomalous.nodes.filter((node) => node.anomaly_role !== null);
      const added = anomalous.nodes.filter((node) => !before.has(node.node_id));
      // An unlabelled node the anomaly did not add is the normal node (its times may move).
      for (const node of anomalous.nodes) {
        const original = before.get(node.node_id);
        if (node.anomaly_role !== null || original === undefined || SETUP_CHANGES.has(injected)) continue;
        expect(withoutTimes(node), `${where} node ${node.node_type}`).toBe(withoutTimes(original));
      }
      const edgesBefore = new Map(normal.edges.map((edge) => [edge.edge_id, edge]));
      for (const edge of anomalous.edges) {
        const original = edgesBefore.get(edge.edge_id);
        if (original === undefined || edge.is_anomalous || SETUP_CHANGES.has(injected)) continue;
        expect(withoutTimes(edge), `${where} edge ${edge.edge_id}`).toBe(withoutTimes(original));
      }
      switch (type) {
        case "infinite_loops":
        case "suboptimal_paths":
        case "planning_paralysis":
          // The first pass and the original plan are legitimate: only the added repetitions are labelled, all of them.
          expect(
            labelled.map((node) => node.node_id),
            where,
          ).toStrictEqual(added.map((node) => node.node_id));
          break;
        case "memory_inconsistencies": {
          // The store is correct; the reads that contradict it are the anomaly.
          const stores = added.filter(
            (node) => node.node_type === "MEMORY_ACCESS" && node.memory_operation === "store",
          );
          expect(
            stores.every((node) => node.anomaly_role === null),
            where,
          ).toBe(true);
          expect(
            labelled.every((node) => node.node_type === "MEMORY_ACCESS" && node.memory_operation === "retrieve"),
          ).toBe(true);
          break;
        }
        case "handoff_failures":
          // The handoff that got through is not labelled; every failed attempt is.
          for (const node of anomalous.nodes.filter((n) => n.node_type === "HANDOFF"))
            expect(node.anomaly_role !== null, where).toBe(node.status !== "completed");
          break;
        case "timeout_cascades": {
          // Every step the first timeout delays is a symptom.
          const root = anomalous.nodes.find((node) => node.anomaly_role === "root_cause");
          if (root === undefined) throw new Error(`${where}: no root cause`);
          expect(root.status, where).toBe("timeout");
          for (const id of reachableFrom(anomalous, root.node_id))
            expect(anomalous.nodes.find((node) => node.node_id === id)?.anomaly_role, where).not.toBeNull();
          break;
        }
        default:
          break;
      }
    }
  });

  it("leaves no label on normal trajectories", () => {
    for (let i = 0; i < 200; i++) {
      const t = normalAt(5, i);
      expect(t.metadata.is_anomalous).toBe(false);
      expect(t.metadata.anomaly_types).toStrictEqual([]);
      expect(t.metadata.anomaly_severity).toBeNull();
      expect(t.metadata.anomaly_metadata).toBeUndefined();
      expect(t.metadata.anomalies).toStrictEqual([]);
      expect(t.nodes.some((node) => node.anomaly_role !== null)).toBe(false);
      expect(
        t.nodes.some((node) => node.is_anomalous || node.anomaly_type !== null || node.anomaly_metadata !== undefined),
      ).toBe(false);
      expect(
        t.edges.some((edge) => edge.is_anomalous || edge.anomaly_type !== null || edge.anomaly_metadata !== undefined),
      ).toBe(false);
    }
  });

  it("keeps the trajectory's identity (its own index, id, task and start) when injecting", () => {
    const { normal, anomalous } = anomalousAt("suboptimal_paths", "high", 3, 9);
    expect(anomalous.trajectory_id).toBe(normal.trajectory_id);
    expect(anomalous.index).toBe(9);
    expect(anomalous.start_time).toBe(normal.start_time);
  });
});
