import { describe, expect, it } from "vitest";
import { generateTrajectory } from "../../../core/dataset/generate-trajectory.ts";
import {
  DEFAULT_TOOL_TRANSITIONS,
  parseTrajectoryConfig,
  TOOL_TYPES,
  type ToolType,
  type Trajectory,
  type TrajectoryConfig,
  type TrajectoryNode,
} from "../../../core/trajectory/index.ts";

/**
 * Tool-to-tool transitions as the engine defines them: a tool call's predecessor tool is the nearest TOOL_CALL up
 * its single-predecessor control path (through reasoning, LLM calls, handoffs). Retries (reached by a `recovery`
 * edge) repeat the failed tool on purpose and are not Markov draws; a path through a merge starts afresh.
 */
function transitions(t: Trajectory): Array<[ToolType, ToolType]> {
  const byId = new Map(t.nodes.map((node) => [node.node_id, node]));
  const controlIn = new Map<string, Array<{ source: string; relationship: string }>>();
  for (const edge of t.edges) {
    if (edge.edge_type === "data_dependency") continue;
    const list = controlIn.get(edge.target_node_id) ?? [];
    list.push({ source: edge.source_node_id, relationship: edge.relationship_type });
    controlIn.set(edge.target_node_id, list);
  }
  const pairs: Array<[ToolType, ToolType]> = [];
  for (const node of t.nodes) {
    if (node.node_type !== "TOOL_CALL") continue;
    const incoming = controlIn.get(node.node_id) ?? [];
    if (incoming.some((edge) => edge.relationship === "recovery")) continue;
    let current: TrajectoryNode | undefined = node;
    for (;;) {
      const preds: Array<{ source: string }> = controlIn.get(current.node_id) ?? [];
      if (preds.length !== 1) break;
      current = byId.get((preds[0] as { source: string }).source);
      if (current === undefined) break;
      if (current.node_type === "TOOL_CALL") {
        pairs.push([current.tool_type, node.tool_type]);
        break;
      }
    }
  }
  return pairs;
}

function countTransitions(config: TrajectoryConfig, count: number): Map<ToolType, Map<ToolType, number>> {
  const counts = new Map<ToolType, Map<ToolType, number>>();
  for (let i = 0; i < count; i++) {
    for (const [from, to] of transitions(generateTrajectory(config, 2024, i))) {
      const row = counts.get(from) ?? new Map<ToolType, number>();
      row.set(to, (row.get(to) ?? 0) + 1);
      counts.set(from, row);
    }
  }
  return counts;
}

describe("tool transitions", () => {
  it("follows the SPEC §2.8 Markov table when the default config is used", () => {
    // Act
    // Clean runs: at other difficulties a few benign calls leave the table on purpose (benign.test.ts).
    const counts = countTransitions(parseTrajectoryConfig({ anomaly_injection: { difficulty: "easy" } }), 3000);
    // Assess
    let checkedRows = 0;
    for (const from of TOOL_TYPES) {
      const row = counts.get(from);
      if (row === undefined) continue;
      const expected = DEFAULT_TOOL_TRANSITIONS[from];
      const total = [...row.values()].reduce((sum, n) => sum + n, 0);
      for (const to of row.keys()) expect(expected[to], `${from} -> ${to} has probability 0`).toBeGreaterThan(0);
      if (total < 400) continue;
      checkedRows++;
      for (const to of TOOL_TYPES) {
        const observed = (row.get(to) ?? 0) / total;
        expect(Math.abs(observed - (expected[to] ?? 0)), `${from} -> ${to} over ${total}`).toBeLessThan(0.06);
      }
    }
    expect(checkedRows).toBeGreaterThanOrEqual(5);
  });

  it("follows a configured table when tool_transitions is set", () => {
    const config = parseTrajectoryConfig({
      anomaly_injection: { difficulty: "easy" },
      data_generation: {
        tool_transitions: Object.fromEntries(
          TOOL_TYPES.map((tool) => [
            tool.toLowerCase(),
            tool === "ANALYZE_DATA" ? { write_code: 1 } : { analyze_data: 1 },
          ]),
        ),
      },
    });
    const counts = countTransitions(config, 300);
    let pairs = 0;
    for (const [from, row] of counts) {
      for (const [to, n] of row) {
        expect(to).toBe(from === "ANALYZE_DATA" ? "WRITE_CODE" : "ANALYZE_DATA");
        pairs += n;
      }
    }
    expect(pairs).toBeGreaterThan(200);
  });
});
