import type { FieldSection } from "./field-docs.ts";
import { SEMCONV_VERSION } from "./otlp.ts";

/**
 * The field dictionary of the OTLP export: how a trace is laid out and every attribute it writes, with the spans that
 * carry it. `gen_ai.*` and `error.type` are the OpenTelemetry semantic conventions' own attributes; `agentsynth.*` are
 * ours. A test checks this list against the attributes the export actually writes.
 */
export const OTLP_FIELD_SECTIONS: readonly FieldSection[] = [
  {
    title: "Trace layout",
    rows: [
      {
        name: "resourceSpans[0].scopeSpans[0].spans",
        type: "span[]",
        description: "one root span for the run, then one span per node in trajectory order",
      },
      { name: "traceId", type: "32 hex digits", description: "the trajectory_id without dashes" },
      {
        name: "spanId",
        type: "16 hex digits",
        description: "first 16 hex digits of the sha256 of the node_id (root: of the trajectory_id followed by /run)",
      },
      { name: "parentSpanId", type: "16 hex digits", description: "node spans: the root span; absent on the root" },
      {
        name: "kind",
        type: "integer",
        description: "3 CLIENT for chat (a call to a model provider), 1 INTERNAL for every other span",
      },
      {
        name: "startTimeUnixNano, endTimeUnixNano",
        type: "decimal string",
        description: "unix nanoseconds (ms precision); the run starts at data_generation.epoch plus a seeded offset",
      },
      {
        name: "links",
        type: "link[]",
        description: "one per incoming edge: the source node's span, with the edge's agentsynth.* attributes",
      },
      {
        name: "status",
        type: "{code, message}",
        description: "code 2 (ERROR) with the error message on spans whose node or run did not complete",
      },
      {
        name: "schemaUrl",
        type: "string",
        description: `https://opentelemetry.io/schemas/${SEMCONV_VERSION}: the semantic conventions version followed`,
      },
    ],
  },
  {
    title: "Semantic-convention attributes",
    rows: [
      {
        name: "service.name, service.version",
        type: "string",
        description: "resource attributes of every trace: agentsynth and the generator version",
      },
      {
        name: "gen_ai.operation.name",
        type: "string",
        description:
          "invoke_agent (root, HANDOFF), chat (LLM_CALL), execute_tool (TOOL_CALL, MEMORY_ACCESS); other steps use their own lower-case name (plan, reasoning, validation, observation, action, user_enquiry)",
      },
      {
        name: "gen_ai.agent.name",
        type: "string",
        description: "root: the pattern; HANDOFF: the receiving agent; other spans: the node's agent_type",
      },
      { name: "gen_ai.conversation.id", type: "string", description: "root: the trajectory_id" },
      {
        name: "gen_ai.provider.name",
        type: "string",
        description:
          "chat: openai, anthropic, gcp.gemini, or _OTHER for llama-2 (open weights, no provider); invoke_agent: the provider of the first chat of the agent (HANDOFF: the receiving agent; root: of the run), else of the run, else _OTHER",
      },
      {
        name: "gen_ai.request.model, gen_ai.response.model",
        type: "string",
        description: "chat: the node's llm_model",
      },
      {
        name: "gen_ai.usage.output_tokens",
        type: "integer",
        description: "chat: llm_tokens_used, the tokens the call generated",
      },
      {
        name: "gen_ai.usage.input_tokens",
        type: "integer",
        description:
          "chat: an estimate, the UTF-8 bytes of llm_prompt divided by 4, rounded up (records do not model input tokens)",
      },
      {
        name: "gen_ai.tool.name",
        type: "string",
        description: "execute_tool: the tool_type in lower case, or memory_<operation> for MEMORY_ACCESS",
      },
      { name: "gen_ai.tool.type", type: "string", description: "execute_tool: function (tools), datastore (memory)" },
      { name: "gen_ai.tool.call.id", type: "string", description: "execute_tool: the node_id" },
      {
        name: "gen_ai.tool.call.arguments, gen_ai.tool.call.result",
        type: "JSON string",
        description: "TOOL_CALL: tool_parameters and tool_result",
      },
      {
        name: "error.type",
        type: "string",
        description:
          "every span with status ERROR: the node's error_code, else how it ended (timeout, interrupted, failed); root: the trajectory status",
      },
    ],
  },
  {
    title: "agentsynth attributes",
    rows: [
      {
        name: "agentsynth.trajectory_id, agentsynth.index, agentsynth.pattern, agentsynth.task_category, agentsynth.task_description",
        type: "string, integer",
        description: "root: the trajectory's fields",
      },
      { name: "agentsynth.split", type: "string", description: "root: train, validation or test" },
      {
        name: "agentsynth.status",
        type: "string",
        description: "root: the trajectory status; node spans: the node status",
      },
      {
        name: "agentsynth.completion_rate, agentsynth.success",
        type: "number, boolean",
        description: "root: metadata.completion_rate and metadata.success",
      },
      {
        name: "agentsynth.is_anomalous",
        type: "boolean",
        description: "label, on the root (trajectory), every node span and every link (edge)",
      },
      {
        name: "agentsynth.anomaly_types, agentsynth.anomaly_severity",
        type: "string[], string",
        description: "root labels: metadata.anomaly_types and metadata.anomaly_severity (absent when normal)",
      },
      {
        name: "agentsynth.anomaly_type",
        type: "string",
        description: "label on anomalous node spans and links: the node's or edge's anomaly_type",
      },
      {
        name: "agentsynth.anomaly_role",
        type: "string",
        description: "label on anomalous node spans and links: root_cause (the decisive step) or symptom",
      },
      {
        name: "agentsynth.anomaly.<parameter>",
        type: "string, number, boolean",
        description:
          "the anomaly_metadata of the run, node or edge (role and injection parameters), one attribute each",
      },
      {
        name: "agentsynth.node_id, agentsynth.node_type, agentsynth.agent_type, agentsynth.description",
        type: "string",
        description: "node spans: the node's fields",
      },
      {
        name: "agentsynth.retry_count, agentsynth.network_calls",
        type: "integer",
        description: "node spans: the node's fields",
      },
      {
        name: "agentsynth.duration, agentsynth.cpu_usage, agentsynth.memory_usage",
        type: "number",
        description: "node spans: seconds, percent, MB",
      },
      {
        name: "agentsynth.performance_score, agentsynth.confidence",
        type: "number, 0 to 1",
        description:
          "node spans: performance score, and the planning, reasoning, LLM or validation confidence (1 for others)",
      },
      { name: "agentsynth.llm.purpose", type: "string", description: "chat: the node's llm_purpose" },
      {
        name: "agentsynth.memory.key, agentsynth.memory.digest",
        type: "string",
        description: "MEMORY_ACCESS: the key, and the digest of the value read or written",
      },
      {
        name: "agentsynth.handoff.source_agent, agentsynth.handoff.target_agent",
        type: "string",
        description: "HANDOFF: the agents",
      },
      {
        name: "agentsynth.planning.type, agentsynth.planning.planned_steps",
        type: "string, integer",
        description: "PLANNING: planning_type and planning_output.planned_steps",
      },
      { name: "agentsynth.validation.result", type: "boolean", description: "VALIDATION: validation_result" },
      {
        name: "agentsynth.edge_id, agentsynth.edge_type, agentsynth.relationship_type",
        type: "string",
        description: "links: the edge's fields",
      },
      {
        name: "agentsynth.latency, agentsynth.reliability_score",
        type: "number",
        description: "links: seconds from the source's end to the earliest start of the target; 0 to 1",
      },
    ],
  },
];

/** Every attribute key the dictionary names (a row may name several, comma-separated). */
export function documentedOtlpAttributes(): string[] {
  return OTLP_FIELD_SECTIONS.slice(1).flatMap((section) =>
    section.rows.flatMap((row) => row.name.split(",").map((name) => name.trim())),
  );
}
