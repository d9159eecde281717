import { describe, expect, it } from "vitest";
import { serializeOtlpTrace, toOtlpTrace, traceIdOf } from "../../../core/export/otlp.ts";
import { type AnyValue, type OtlpSpan, OtlpTraceRequestSchema } from "../../../core/export/otlp-schema.ts";
import type { Trajectory } from "../../../core/trajectory/index.ts";
import { ANOMALY_TYPES } from "../../../core/trajectory/vocabulary.ts";
import { anomalousAt, normalAt } from "../anomalies/helpers.ts";

function attribute(span: OtlpSpan, key: string): AnyValue | undefined {
  return span.attributes.find((entry) => entry.key === key)?.value;
}

function samples(): Trajectory[] {
  const result: Trajectory[] = [];
  for (let i = 0; i < 20; i++) result.push(normalAt(6, i));
  for (const [k, type] of ANOMALY_TYPES.entries()) result.push(anomalousAt(type, "critical", 6, 50 + k).anomalous);
  return result;
}

describe("toOtlpTrace", () => {
  it("validates as OTLP/JSON with one span per node under a root invoke_agent span", () => {
    for (const trajectory of samples()) {
      const request = OtlpTraceRequestSchema.parse(JSON.parse(serializeOtlpTrace(trajectory)));
      const spans = request.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
      expect(spans).toHaveLength(trajectory.nodes.length + 1);
      const [root, ...children] = spans as [OtlpSpan, ...OtlpSpan[]];
      expect(root.traceId).toBe(traceIdOf(trajectory));
      expect(attribute(root, "gen_ai.operation.name")).toStrictEqual({ stringValue: "invoke_agent" });
      expect(attribute(root, "agentsynth.is_anomalous")).toStrictEqual({ boolValue: trajectory.metadata.is_anomalous });
      expect(new Set(spans.map((span) => span.spanId)).size).toBe(spans.length);
      children.forEach((span, k) => {
        const node = trajectory.nodes[k] as Trajectory["nodes"][number];
        expect(span.parentSpanId).toBe(root.spanId);
        expect(span.startTimeUnixNano).toBe(`${Date.parse(node.start_time)}000000`);
        expect(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)).toBe(
          BigInt(Math.round(node.duration * 1000)) * 1_000_000n,
        );
        expect(attribute(span, "agentsynth.node_id")).toStrictEqual({ stringValue: node.node_id });
        expect(attribute(span, "agentsynth.is_anomalous")).toStrictEqual({ boolValue: node.is_anomalous });
        if (node.anomaly_type !== null)
          expect(attribute(span, "agentsynth.anomaly_type")).toStrictEqual({ stringValue: node.anomaly_type });
        if (node.status !== "completed") expect(span.status?.code).toBe(2);
      });
      const linked = children.reduce((sum, span) => sum + (span.links?.length ?? 0), 0);
      expect(linked).toBe(trajectory.edges.length);
    }
  });

  it("names spans after the GenAI semantic conventions", () => {
    const trajectory = normalAt(6, 3);
    const spans = toOtlpTrace(trajectory).resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    trajectory.nodes.forEach((node, k) => {
      const span = spans[k + 1] as OtlpSpan;
      if (node.node_type === "LLM_CALL") {
        expect(span.name).toBe(`chat ${node.llm_model}`);
        expect(attribute(span, "gen_ai.request.model")).toStrictEqual({ stringValue: node.llm_model });
      }
      if (node.node_type === "TOOL_CALL") {
        expect(span.name).toBe(`execute_tool ${node.tool_type.toLowerCase()}`);
        expect(attribute(span, "gen_ai.tool.name")).toStrictEqual({ stringValue: node.tool_type.toLowerCase() });
      }
    });
  });

  it("rejects ids and times that are not OTLP/JSON", () => {
    const request = toOtlpTrace(normalAt(6, 1));
    const span = request.resourceSpans[0]?.scopeSpans[0]?.spans[0] as OtlpSpan;
    const withSpan = (patch: Partial<OtlpSpan>) => ({
      resourceSpans: [
        {
          ...request.resourceSpans[0],
          scopeSpans: [{ ...request.resourceSpans[0]?.scopeSpans[0], spans: [{ ...span, ...patch }] }],
        },
      ],
    });
    expect(OtlpTraceRequestSchema.safeParse(withSpan({ traceId: "0".repeat(32) })).success).toBe(false);
    expect(OtlpTraceRequestSchema.safeParse(withSpan({ spanId: "XYZ" })).success).toBe(false);
    expect(OtlpTraceRequestSchema.safeParse(withSpan({ startTimeUnixNano: "2024-06-01" })).success).toBe(false);
    expect(OtlpTraceRequestSchema.safeParse(withSpan({ endTimeUnixNano: "1" })).success).toBe(false);
  });

  it("gives the same trace for the same trajectory", () => {
    expect(serializeOtlpTrace(normalAt(6, 7))).toBe(serializeOtlpTrace(normalAt(6, 7)));
  });
});
