import { describe, expect, it } from "vitest";
import type { TrajectoryEdge, TrajectoryNode } from "../../../core/trajectory/index.ts";
import { ANOMALY_TYPES, SEVERITY_LEVELS } from "../../../core/trajectory/vocabulary.ts";
import { anomalousViolations } from "./coherence.ts";
import { anomalousAt, normalAt } from "./helpers.ts";

const PER_TYPE = 24;
const TIME_FIELDS = new Set(["start_time", "end_time", "creation_time"]);

function withoutTimes(item: TrajectoryNode | TrajectoryEdge): string {
  return JSON.stringify(item, (key, value) => (TIME_FIELDS.has(key) ? undefined : value));
}

describe("anomaly labels", () => {
  it.each(ANOMALY_TYPES)("point exactly at the changed nodes and edges when injecting %s", (type) => {
    for (let i = 0; i < PER_TYPE; i++) {
      const severity = SEVERITY_LEVELS[i % SEVERITY_LEVELS.length] as (typeof SEVERITY_LEVELS)[number];
      const { normal, anomalous } = anomalousAt(type, severity, 11, i);
      expect(anomalousViolations(anomalous), `${type} #${i}`).toStrictEqual([]);
      const before = new Map(normal.nodes.map((node) => [node.node_id, node]));
      const onLabelledEdge = new Set(
        anomalous.edges
          .filter((edge) => edge.is_anomalous)
          .flatMap((edge) => [edge.source_node_id, edge.target_node_id]),
      );
      for (const node of anomalous.nodes) {
        const original = before.get(node.node_id);
        const fieldsChanged =
          original === undefined ||
          withoutTimes({
            ...node,
            is_anomalous: false,
            anomaly_type: null,
            anomaly_metadata: undefined,
            performance_score: 0,
          } as TrajectoryNode) !== withoutTimes({ ...original, performance_score: 0 });
        const where = `${type} #${i} node ${node.node_type} ${node.node_id}`;
        // Everything changed is labelled; a labelled node changed, or sits on the anomaly's own edges.
        if (fieldsChanged) expect(node.is_anomalous, where).toBe(true);
        if (node.is_anomalous) expect(fieldsChanged || onLabelledEdge.has(node.node_id), where).toBe(true);
      }
      const edgesBefore = new Map(normal.edges.map((edge) => [edge.edge_id, edge]));
      for (const edge of anomalous.edges) {
        const original = edgesBefore.get(edge.edge_id);
        if (original === undefined || edge.is_anomalous) continue;
        // An unlabelled edge is the normal edge, apart from when it fired.
        expect(withoutTimes(edge), `${type} #${i} edge ${edge.edge_id}`).toBe(withoutTimes(original));
      }
      expect(anomalous.edges.filter((edge) => !edgesBefore.has(edge.edge_id)).every((edge) => edge.is_anomalous)).toBe(
        true,
      );
    }
  });

  it("leaves no label on normal trajectories", () => {
    for (let i = 0; i < 200; i++) {
      const t = normalAt(5, i);
      expect(t.metadata.is_anomalous).toBe(false);
      expect(t.metadata.anomaly_types).toStrictEqual([]);
      expect(t.metadata.anomaly_severity).toBeNull();
      expect(t.metadata.anomaly_metadata).toBeUndefined();
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
