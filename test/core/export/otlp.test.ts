import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as semconv from "@opentelemetry/semantic-conventions/incubating";
import { describe, expect, it } from "vitest";
import { generateTrajectory } from "../../../core/dataset/generate-trajectory.ts";
import {
  SEMCONV_SCHEMA_URL,
  SEMCONV_VERSION,
  serializeOtlpTrace,
  toOtlpTrace,
  traceIdOf,
} from "../../../core/export/otlp.ts";
import { documentedOtlpAttributes } from "../../../core/export/otlp-fields.ts";
import { type AnyValue, type OtlpSpan, OtlpTraceRequestSchema } from "../../../core/export/otlp-schema.ts";
import { DEFAULT_TRAJECTORY_CONFIG, parseTrajectoryConfig, type Trajectory } from "../../../core/trajectory/index.ts";
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

/** The conventions' package of the version the export declares, read independently of our code. */
const SEMCONV_ROOT = createRequire(import.meta.url)
  .resolve("@opentelemetry/semantic-conventions/incubating")
  .replace(/build\/.*$/, "");
const SEMCONV_PACKAGE = `${SEMCONV_ROOT}package.json`;
const SEMCONV_DTS = readFileSync(`${SEMCONV_ROOT}build/src/experimental_attributes.d.ts`, "utf8");

/** `gen_ai.*` attribute names the conventions define and have not deprecated, from the package's constants. */
function definedGenAiAttributes(): Set<string> {
  const defined = new Set<string>();
  for (const [name, value] of Object.entries(semconv)) {
    if (!name.startsWith("ATTR_GEN_AI_") || typeof value !== "string") continue;
    const declaration = SEMCONV_DTS.indexOf(`export declare const ${name}:`);
    const comment = SEMCONV_DTS.slice(SEMCONV_DTS.lastIndexOf("/**", declaration), declaration);
    if (!comment.includes("@deprecated")) defined.add(value);
  }
  return defined;
}

function wellKnown(prefix: string): Set<string> {
  return new Set(
    Object.entries(semconv)
      .filter(([name, value]) => name.startsWith(prefix) && typeof value === "string")
      .map(([, value]) => value as string),
  );
}

function text(span: OtlpSpan, key: string): string | undefined {
  const value = attribute(span, key);
  return value !== undefined && "stringValue" in value ? value.stringValue : undefined;
}

/** The provider each model of the generator belongs to (llama-2: open weights, the conventions' _OTHER). */
const PROVIDER_OF: Readonly<Record<string, string>> = {
  "gpt-4": "openai",
  "claude-3": "anthropic",
  "gemini-pro": "gcp.gemini",
  "llama-2": "_OTHER",
};

describe("toOtlpTrace against the GenAI semantic conventions it declares", () => {
  const config = parseTrajectoryConfig({ anomaly_injection: { ratio: 0.6 } });
  const trajectories = Array.from({ length: 300 }, (_, i) => generateTrajectory(config, 11, i));
  const requests = trajectories.map((trajectory) => toOtlpTrace(trajectory));
  const spansOf = (k: number) => requests[k]?.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];

  it("declares the version of the conventions package the test reads", () => {
    const installed = (JSON.parse(readFileSync(SEMCONV_PACKAGE, "utf8")) as { version: string }).version;
    expect(installed).toBe(SEMCONV_VERSION);
    for (const request of requests.slice(0, 5)) {
      expect(request.resourceSpans[0]?.schemaUrl).toBe(SEMCONV_SCHEMA_URL);
      expect(request.resourceSpans[0]?.scopeSpans[0]?.schemaUrl).toBe(SEMCONV_SCHEMA_URL);
    }
  });

  it("writes no gen_ai.* attribute the conventions do not define; its own are under agentsynth.*", () => {
    const defined = definedGenAiAttributes();
    expect(defined.has("gen_ai.provider.name")).toBe(true);
    expect(defined.has("gen_ai.system")).toBe(false); // deprecated in this version
    const used = new Set<string>();
    for (const [k] of requests.entries()) {
      for (const span of spansOf(k)) {
        for (const { key } of [...span.attributes, ...(span.links ?? []).flatMap((link) => link.attributes)]) {
          used.add(key);
        }
      }
    }
    const genAi = [...used].filter((key) => key.startsWith("gen_ai."));
    expect(genAi.filter((key) => !defined.has(key))).toEqual([]);
    const foreign = [...used].filter((key) => !key.startsWith("gen_ai.") && !key.startsWith("agentsynth."));
    expect(foreign).toEqual(["error.type"]);
  });

  it("documents exactly the attributes it writes in the card's field dictionary", () => {
    const used = new Set<string>();
    trajectories.forEach((_, k) => {
      for (const { key } of requests[k]?.resourceSpans[0]?.resource.attributes ?? []) used.add(key);
      for (const span of spansOf(k)) {
        for (const { key } of [...span.attributes, ...(span.links ?? []).flatMap((link) => link.attributes)]) {
          used.add(key.startsWith("agentsynth.anomaly.") ? "agentsynth.anomaly.<parameter>" : key);
        }
      }
    });
    expect([...used].sort()).toEqual([...new Set(documentedOtlpAttributes())].sort());
  });

  it("uses well-known operation and provider values, chat spans CLIENT, tool spans INTERNAL", () => {
    const operations = wellKnown("GEN_AI_OPERATION_NAME_VALUE_");
    const providers = wellKnown("GEN_AI_PROVIDER_NAME_VALUE_");
    // The conventions list the tool types in the attribute's note (Extension, Function, Datastore), not as constants.
    const declaration = SEMCONV_DTS.indexOf("export declare const ATTR_GEN_AI_TOOL_TYPE:");
    const note = SEMCONV_DTS.slice(SEMCONV_DTS.lastIndexOf("/**", declaration), declaration);
    const toolTypes = new Set([...note.matchAll(/(\w+): A tool/g)].map((match) => (match[1] as string).toLowerCase()));
    expect([...toolTypes].sort()).toEqual(["datastore", "extension", "function"]);
    let chats = 0;
    let tools = 0;
    let handoffs = 0;
    trajectories.forEach((trajectory, k) => {
      const [root, ...children] = spansOf(k);
      const firstCall = trajectory.nodes.find((node) => node.node_type === "LLM_CALL");
      expect(text(root as OtlpSpan, "gen_ai.provider.name")).toBe(
        firstCall?.node_type === "LLM_CALL" ? PROVIDER_OF[firstCall.llm_model] : "_OTHER",
      );
      children.forEach((span, n) => {
        const node = trajectory.nodes[n] as Trajectory["nodes"][number];
        const operation = text(span, "gen_ai.operation.name");
        if (operation === "chat") {
          chats++;
          expect(span.kind).toBe(3);
          expect(span.name).toBe(`chat ${text(span, "gen_ai.request.model")}`);
          const provider = text(span, "gen_ai.provider.name") as string;
          expect(providers.has(provider) || provider === "_OTHER", provider).toBe(true);
          expect(node.node_type === "LLM_CALL" && attribute(span, "gen_ai.usage.output_tokens")).toStrictEqual({
            intValue: String(node.node_type === "LLM_CALL" ? node.llm_tokens_used : -1),
          });
          const prompt = node.node_type === "LLM_CALL" ? node.llm_prompt : "";
          expect(prompt.length).toBeGreaterThan(0);
          expect(attribute(span, "gen_ai.usage.input_tokens")).toStrictEqual({
            intValue: String(Math.ceil(Buffer.byteLength(prompt) / 4)),
          });
        }
        if (operation === "execute_tool") {
          tools++;
          expect(span.kind).toBe(1);
          expect(span.name).toBe(`execute_tool ${text(span, "gen_ai.tool.name")}`);
          expect(toolTypes.has(text(span, "gen_ai.tool.type") as string)).toBe(true);
        }
        if (operation === "invoke_agent") {
          expect(span.kind).toBe(1);
          // The receiving agent's provider: of its first model call, else of the run's first, else _OTHER.
          const target = node.node_type === "HANDOFF" ? node.target_agent : "";
          const calls = trajectory.nodes.filter((candidate) => candidate.node_type === "LLM_CALL");
          const first = calls.find((call) => call.agent_type === target) ?? calls[0];
          expect(text(span, "gen_ai.provider.name")).toBe(
            first?.node_type === "LLM_CALL" ? PROVIDER_OF[first.llm_model] : "_OTHER",
          );
          handoffs++;
        }
        if (["chat", "execute_tool", "invoke_agent"].includes(operation as string))
          expect(operations.has(operation as string)).toBe(true);
      });
    });
    expect(chats).toBeGreaterThan(100);
    expect(tools).toBeGreaterThan(100);
    expect(handoffs).toBeGreaterThan(10);
  });

  it("puts error.type on every span that ended in an error", () => {
    let errors = 0;
    trajectories.forEach((_, k) => {
      for (const span of spansOf(k)) {
        if (span.status?.code !== 2) continue;
        errors++;
        expect(text(span, "error.type"), span.name).toMatch(/^[A-Za-z_]+$/);
      }
    });
    expect(errors).toBeGreaterThan(50);
  });

  it("shifts every timestamp with data_generation.epoch and nothing else", () => {
    const recent = parseTrajectoryConfig({ data_generation: { epoch: "2026-11-01T00:00:00.000Z" } });
    const shift =
      BigInt(Date.parse("2026-11-01T00:00:00.000Z") - Date.parse(DEFAULT_TRAJECTORY_CONFIG.epoch)) * 1_000_000n;
    for (let i = 0; i < 20; i++) {
      const before = toOtlpTrace(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 3, i)).resourceSpans[0]?.scopeSpans[0];
      const after = toOtlpTrace(generateTrajectory(recent, 3, i)).resourceSpans[0]?.scopeSpans[0];
      expect(after?.spans.length).toBe(before?.spans.length);
      after?.spans.forEach((span, n) => {
        const old = before?.spans[n] as OtlpSpan;
        expect(BigInt(span.startTimeUnixNano) - BigInt(old.startTimeUnixNano)).toBe(shift);
        expect(BigInt(span.endTimeUnixNano) - BigInt(old.endTimeUnixNano)).toBe(shift);
        expect({ ...span, startTimeUnixNano: "", endTimeUnixNano: "" }).toStrictEqual({
          ...old,
          startTimeUnixNano: "",
          endTimeUnixNano: "",
        });
      });
    }
  });
});
