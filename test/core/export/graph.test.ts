import { describe, expect, it } from "vitest";
import {
  decodeColumn,
  GRAPH_VOCABULARIES,
  GraphRecordSchema,
  serializeGraphRecord,
  toGraphRecord,
} from "../../../core/export/graph.ts";
import type { Trajectory } from "../../../core/trajectory/index.ts";
import { ANOMALY_TYPES } from "../../../core/trajectory/vocabulary.ts";
import { anomalousAt, normalAt } from "../anomalies/helpers.ts";

function samples(): Trajectory[] {
  const result: Trajectory[] = [];
  for (let i = 0; i < 30; i++) result.push(normalAt(2, i));
  for (const [k, type] of ANOMALY_TYPES.entries()) result.push(anomalousAt(type, "high", 2, 100 + k).anomalous);
  return result;
}

describe("toGraphRecord", () => {
  it("validates against its schema and round-trips the graph, features and labels through JSON", () => {
    for (const trajectory of samples()) {
      const record = GraphRecordSchema.parse(JSON.parse(serializeGraphRecord(trajectory)));
      expect(record.num_nodes).toBe(trajectory.nodes.length);
      const ids = record.node_ids;
      const edges = record.edge_index[0].map((source, e) => `${ids[source]}>${ids[record.edge_index[1][e] as number]}`);
      expect(edges).toStrictEqual(trajectory.edges.map((edge) => `${edge.source_node_id}>${edge.target_node_id}`));
      expect(decodeColumn("node_type", record.node_categorical.node_type)).toStrictEqual(
        trajectory.nodes.map((n) => n.node_type),
      );
      expect(decodeColumn("status", record.node_categorical.status)).toStrictEqual(
        trajectory.nodes.map((n) => n.status),
      );
      expect(decodeColumn("tool_type", record.node_categorical.tool_type)).toStrictEqual(
        trajectory.nodes.map((n) => (n.node_type === "TOOL_CALL" ? n.tool_type : "<none>")),
      );
      expect(decodeColumn("edge_type", record.edge_categorical.edge_type)).toStrictEqual(
        trajectory.edges.map((e) => e.edge_type),
      );
      expect(record.node_numeric.duration).toStrictEqual(trajectory.nodes.map((n) => n.duration));
      expect(record.edge_numeric.latency).toStrictEqual(trajectory.edges.map((e) => e.latency));
      expect(Math.min(...record.node_numeric.start_offset)).toBe(0);
      expect(record.y).toBe(trajectory.metadata.is_anomalous ? 1 : 0);
      expect(decodeColumn("anomaly_type", [record.y_type as number])[0]).toBe(
        trajectory.metadata.anomaly_types[0] ?? "normal",
      );
      expect(record.node_y).toStrictEqual(trajectory.nodes.map((n) => (n.is_anomalous ? 1 : 0)));
      expect(decodeColumn("anomaly_type", record.edge_y_type ?? [])).toStrictEqual(
        trajectory.edges.map((e) => e.anomaly_type ?? "normal"),
      );
    }
  });

  it("rejects a record whose columns do not match its counts", () => {
    const record = toGraphRecord(normalAt(2, 1));
    const broken = { ...record, node_y: record.node_y?.slice(1) };
    expect(GraphRecordSchema.safeParse(broken).success).toBe(false);
    const outside = { ...record, edge_index: [record.edge_index[0].map(() => record.num_nodes), record.edge_index[1]] };
    expect(GraphRecordSchema.safeParse(outside).success).toBe(false);
  });

  it("carries the vocabularies when asked, with 0 meaning none or normal", () => {
    const record = toGraphRecord(normalAt(2, 3), { includeVocabularies: true });
    expect(record.vocabularies?.anomaly_type?.[0]).toBe("normal");
    expect(record.vocabularies?.tool_type).toStrictEqual([...GRAPH_VOCABULARIES.tool_type]);
  });

  it("gives the same bytes for the same trajectory", () => {
    expect(serializeGraphRecord(normalAt(4, 4))).toBe(serializeGraphRecord(normalAt(4, 4)));
  });
});
