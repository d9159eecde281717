import { createHash } from "node:crypto";
import type { RecordEdge, RecordNode, TrajectoryRecord } from "../trajectory/labels.ts";
import { nodeConfidence } from "../trajectory/metrics.ts";
import type { AnomalyMetadata, TrajectoryNode } from "../trajectory/model.ts";
import type { LLM_MODELS, LlmPurpose } from "../trajectory/vocabulary.ts";
import { GENERATOR_VERSION } from "../version.ts";
import { type KeyValue, type OtlpSpan, type OtlpTraceRequest, SPAN_KIND, STATUS_CODE } from "./otlp-schema.ts";
import { estimatePromptTokens } from "./prompt-tokens.ts";

/**
 * The version of the OpenTelemetry semantic conventions the export follows; every `gen_ai.*` attribute it writes is
 * defined there (attributes of our own are under `agentsynth.*`). Recorded as the `schemaUrl` of every trace.
 */
export const SEMCONV_VERSION = "1.40.0";
export const SEMCONV_SCHEMA_URL = `https://opentelemetry.io/schemas/${SEMCONV_VERSION}`;

/**
 * `gen_ai.provider.name` of each model the generator uses, from the conventions' well-known values. Llama 2 is open
 * weights with no provider of its own, so it takes the conventions' fallback `_OTHER`; `gen_ai.request.model` still
 * names it.
 */
const PROVIDERS: Readonly<Record<(typeof LLM_MODELS)[number], string>> = {
  "gpt-4": "openai",
  "claude-3": "anthropic",
  "gemini-pro": "gcp.gemini",
  "llama-2": "_OTHER",
};

/**
 * `gen_ai.provider.name` of the agents of a run, which `invoke_agent` spans require: an agent's is the provider of
 * the first model call it makes, the run's that of its first model call, and `_OTHER` (the conventions' value for a
 * provider they do not list) when there is none to go by.
 */
function agentProviders(trajectory: TrajectoryRecord): { run: string; byAgent: Map<string, string> } {
  const byAgent = new Map<string, string>();
  let run: string | undefined;
  for (const node of trajectory.nodes) {
    if (node.node_type !== "LLM_CALL") continue;
    const provider = PROVIDERS[node.llm_model];
    run ??= provider;
    if (!byAgent.has(node.agent_type)) byAgent.set(node.agent_type, provider);
  }
  return { run: run ?? "_OTHER", byAgent };
}

/**
 * The GenAI operation of each node type. LLM calls are `chat`, tool calls and memory accesses `execute_tool`, a
 * handoff invokes the receiving agent (`invoke_agent`), planning is `plan` (proposed in the GenAI conventions); the
 * other steps have no GenAI operation and use their own lower-case name.
 */
const OPERATIONS: Readonly<Record<TrajectoryNode["node_type"], string>> = {
  USER_ENQUIRY: "user_enquiry",
  PLANNING: "plan",
  REASONING: "reasoning",
  TOOL_CALL: "execute_tool",
  LLM_CALL: "chat",
  VALIDATION: "validation",
  HANDOFF: "invoke_agent",
  MEMORY_ACCESS: "execute_tool",
  OBSERVATION: "observation",
  ACTION: "action",
};

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const int = (key: string, value: number): KeyValue => ({ key, value: { intValue: String(Math.trunc(value)) } });
const double = (key: string, value: number): KeyValue => ({ key, value: { doubleValue: value } });
const bool = (key: string, value: boolean): KeyValue => ({ key, value: { boolValue: value } });

/** Lower-case hex of a uuid: the trace id of a trajectory is its trajectory_id without dashes. */
export function traceIdOf(trajectory: TrajectoryRecord): string {
  return trajectory.trajectory_id.replaceAll("-", "");
}

/** A span id derived from an id string: the first 16 hex digits of its sha256, so it is stable and well spread. */
export function spanIdOf(id: string): string {
  return createHash("sha256").update(id).digest("hex").slice(0, 16);
}

/** Unix nanoseconds of an ISO time with millisecond precision, as OTLP/JSON's decimal string. */
export function unixNanos(iso: string): string {
  const ms = Date.parse(iso);
  return ms === 0 ? "0" : `${ms}000000`;
}

/**
 * One trajectory as an OTLP/JSON trace (`ExportTraceServiceRequest`): a root `invoke_agent` span for the run and
 * one child span per node, named and attributed after the OpenTelemetry GenAI semantic conventions, with the
 * graph's edges as span links and the anomaly labels as `agentsynth.*` attributes. Ids derive from the trajectory's
 * ids, so the same trajectory always gives the same trace.
 * @example
 * const request = toOtlpTrace(trajectory); // POST to an OTLP/HTTP JSON endpoint, or write one per line
 */
export function toOtlpTrace(trajectory: TrajectoryRecord): OtlpTraceRequest {
  const traceId = traceIdOf(trajectory);
  const rootId = spanIdOf(`${trajectory.trajectory_id}/run`);
  const spanIds = new Map<string, string>(trajectory.nodes.map((node) => [node.node_id, spanIdOf(node.node_id)]));
  const incoming = new Map<string, RecordEdge[]>();
  for (const edge of trajectory.edges) {
    const list = incoming.get(edge.target_node_id) ?? [];
    list.push(edge);
    incoming.set(edge.target_node_id, list);
  }
  const { metadata } = trajectory;
  const providers = agentProviders(trajectory);
  const rootAttributes: KeyValue[] = [
    str("gen_ai.operation.name", "invoke_agent"),
    str("gen_ai.provider.name", providers.run),
    str("gen_ai.agent.name", trajectory.pattern),
    str("gen_ai.conversation.id", trajectory.trajectory_id),
    str("agentsynth.trajectory_id", trajectory.trajectory_id),
    // Label attributes only where the record has labels (an evaluation set publishes none).
    ...(trajectory.index === undefined ? [] : [int("agentsynth.index", trajectory.index)]),
    str("agentsynth.pattern", trajectory.pattern),
    str("agentsynth.task_category", trajectory.task_category),
    str("agentsynth.task_description", trajectory.task_description),
    str("agentsynth.status", trajectory.status),
    double("agentsynth.completion_rate", metadata.completion_rate),
    bool("agentsynth.success", metadata.success),
    ...(metadata.is_anomalous === undefined ? [] : [bool("agentsynth.is_anomalous", metadata.is_anomalous)]),
    ...(metadata.anomaly_types === undefined
      ? []
      : [
          {
            key: "agentsynth.anomaly_types",
            value: { arrayValue: { values: metadata.anomaly_types.map((type) => ({ stringValue: type })) } },
          },
        ]),
  ];
  const split = (trajectory as { split?: string }).split;
  if (split !== undefined) rootAttributes.push(str("agentsynth.split", split));
  if (metadata.anomaly_severity !== null && metadata.anomaly_severity !== undefined)
    rootAttributes.push(str("agentsynth.anomaly_severity", metadata.anomaly_severity));
  if (metadata.anomaly_metadata !== undefined) rootAttributes.push(...anomalyAttributes(metadata.anomaly_metadata));
  const root: OtlpSpan = {
    traceId,
    spanId: rootId,
    name: `invoke_agent ${trajectory.pattern}`,
    kind: SPAN_KIND.internal,
    startTimeUnixNano: unixNanos(trajectory.start_time),
    endTimeUnixNano: unixNanos(trajectory.end_time),
    attributes: rootAttributes,
    ...(trajectory.status === "completed"
      ? {}
      : { status: { code: STATUS_CODE.error, message: `trajectory ${trajectory.status}` } }),
  };
  if (trajectory.status !== "completed") rootAttributes.push(str("error.type", trajectory.status));
  const spans = [root];
  for (const node of trajectory.nodes) {
    const links = (incoming.get(node.node_id) ?? []).map((edge) => ({
      traceId,
      spanId: spanIds.get(edge.source_node_id) as string,
      attributes: edgeAttributes(edge),
    }));
    spans.push({
      traceId,
      spanId: spanIds.get(node.node_id) as string,
      parentSpanId: rootId,
      name: spanName(node),
      // A model call goes out to a provider (CLIENT); tools, memory and handoffs run inside the agent (INTERNAL).
      kind: node.node_type === "LLM_CALL" ? SPAN_KIND.client : SPAN_KIND.internal,
      startTimeUnixNano: unixNanos(node.start_time),
      endTimeUnixNano: unixNanos(node.end_time),
      attributes: nodeAttributes(node, providers),
      ...(links.length > 0 ? { links } : {}),
      ...(node.status === "completed"
        ? {}
        : { status: { code: STATUS_CODE.error, message: node.error_message ?? node.status } }),
    });
  }
  return {
    resourceSpans: [
      {
        resource: { attributes: [str("service.name", "agentsynth"), str("service.version", GENERATOR_VERSION)] },
        scopeSpans: [
          {
            scope: { name: "agentsynth.trajectories", version: GENERATOR_VERSION },
            spans,
            schemaUrl: SEMCONV_SCHEMA_URL,
          },
        ],
        schemaUrl: SEMCONV_SCHEMA_URL,
      },
    ],
  };
}

/** One JSONL line of the OTLP/JSON export (a shard format: pass as `serialize` to the shard renderer). */
export function serializeOtlpTrace(trajectory: TrajectoryRecord): string {
  return JSON.stringify(toOtlpTrace(trajectory));
}

function spanName(node: RecordNode): string {
  const operation = OPERATIONS[node.node_type];
  switch (node.node_type) {
    case "LLM_CALL":
      return `${operation} ${node.llm_model}`;
    case "TOOL_CALL":
      return `${operation} ${node.tool_type.toLowerCase()}`;
    case "MEMORY_ACCESS":
      return `${operation} memory_${node.memory_operation}`;
    case "HANDOFF":
      return `${operation} ${node.target_agent}`;
    default:
      return `${operation} ${node.agent_type}`;
  }
}

function nodeAttributes(node: RecordNode, providers: ReturnType<typeof agentProviders>): KeyValue[] {
  const attributes: KeyValue[] = [
    str("gen_ai.operation.name", OPERATIONS[node.node_type]),
    str("gen_ai.agent.name", node.agent_type),
  ];
  switch (node.node_type) {
    case "LLM_CALL": {
      // The generator draws one token count per call and makes the call's latency grow with it, as generated
      // tokens do: it is the output token count. Input tokens are not modelled: estimated from the prompt text.
      attributes.push(
        str("gen_ai.provider.name", PROVIDERS[node.llm_model]),
        str("gen_ai.request.model", node.llm_model),
        str("gen_ai.response.model", node.llm_model),
        int("gen_ai.usage.input_tokens", estimatePromptTokens(node.llm_prompt)),
        int("gen_ai.usage.output_tokens", node.llm_tokens_used),
        str("agentsynth.llm.purpose", node.llm_purpose as LlmPurpose),
      );
      break;
    }
    case "TOOL_CALL":
      attributes.push(
        str("gen_ai.tool.name", node.tool_type.toLowerCase()),
        str("gen_ai.tool.type", "function"),
        str("gen_ai.tool.call.id", node.node_id),
        str("gen_ai.tool.call.arguments", JSON.stringify(node.tool_parameters)),
        str("gen_ai.tool.call.result", JSON.stringify(node.tool_result)),
      );
      break;
    case "MEMORY_ACCESS":
      attributes.push(
        str("gen_ai.tool.name", `memory_${node.memory_operation}`),
        str("gen_ai.tool.type", "datastore"),
        str("gen_ai.tool.call.id", node.node_id),
        str("agentsynth.memory.key", node.memory_key),
      );
      if (node.memory_value !== null) attributes.push(str("agentsynth.memory.digest", node.memory_value.digest));
      break;
    case "HANDOFF":
      attributes.splice(1, 1, str("gen_ai.agent.name", node.target_agent));
      attributes.push(
        str("gen_ai.provider.name", providers.byAgent.get(node.target_agent) ?? providers.run),
        str("agentsynth.handoff.source_agent", node.source_agent),
        str("agentsynth.handoff.target_agent", node.target_agent),
      );
      break;
    case "PLANNING":
      attributes.push(
        str("agentsynth.planning.type", node.planning_type),
        int("agentsynth.planning.planned_steps", node.planning_output.planned_steps),
      );
      break;
    case "VALIDATION":
      attributes.push(bool("agentsynth.validation.result", node.validation_result));
      break;
    default:
      break;
  }
  attributes.push(
    str("agentsynth.node_id", node.node_id),
    str("agentsynth.node_type", node.node_type),
    str("agentsynth.agent_type", node.agent_type),
    str("agentsynth.description", node.description),
    str("agentsynth.status", node.status),
    int("agentsynth.retry_count", node.retry_count),
    double("agentsynth.duration", node.duration),
    double("agentsynth.cpu_usage", node.cpu_usage),
    double("agentsynth.memory_usage", node.memory_usage),
    int("agentsynth.network_calls", node.network_calls),
    double("agentsynth.performance_score", node.performance_score),
    double("agentsynth.confidence", nodeConfidence(node)),
  );
  if (node.is_anomalous !== undefined) attributes.push(bool("agentsynth.is_anomalous", node.is_anomalous));
  // Every span that ended in an error names its class: the node's error code, else how it ended (timeout, ...).
  if (node.status !== "completed") attributes.push(str("error.type", node.error_code ?? node.status));
  if (node.anomaly_type !== null && node.anomaly_type !== undefined)
    attributes.push(str("agentsynth.anomaly_type", node.anomaly_type));
  if (node.anomaly_metadata !== undefined) attributes.push(...anomalyAttributes(node.anomaly_metadata));
  if (node.anomaly_role !== null && node.anomaly_role !== undefined)
    attributes.push(str("agentsynth.anomaly_role", node.anomaly_role));
  return attributes;
}

function edgeAttributes(edge: RecordEdge): KeyValue[] {
  const attributes = [
    str("agentsynth.edge_id", edge.edge_id),
    str("agentsynth.edge_type", edge.edge_type),
    str("agentsynth.relationship_type", edge.relationship_type),
    double("agentsynth.latency", edge.latency),
    double("agentsynth.reliability_score", edge.reliability_score),
  ];
  if (edge.is_anomalous !== undefined) attributes.push(bool("agentsynth.is_anomalous", edge.is_anomalous));
  if (edge.anomaly_type !== null && edge.anomaly_type !== undefined)
    attributes.push(str("agentsynth.anomaly_type", edge.anomaly_type));
  if (edge.anomaly_metadata !== undefined) attributes.push(...anomalyAttributes(edge.anomaly_metadata));
  if (edge.anomaly_role !== null && edge.anomaly_role !== undefined)
    attributes.push(str("agentsynth.anomaly_role", edge.anomaly_role));
  return attributes;
}

function anomalyAttributes(metadata: AnomalyMetadata): KeyValue[] {
  return Object.entries(metadata).map(([key, value]) => {
    const name = `agentsynth.anomaly.${key}`;
    if (typeof value === "string") return str(name, value);
    if (typeof value === "boolean") return bool(name, value);
    return Number.isInteger(value) ? int(name, value) : double(name, value);
  });
}
