import type { Randomizer } from "../random.ts";
import { round2, type TrajectoryBuilder } from "./builder.ts";
import { toolParameters, toolResult } from "./content/tools.ts";
import type { TaskTopic } from "./content/topic.ts";
import { drawId } from "./ids.ts";
import type { NodeOf, TrajectoryNode } from "./model.ts";
import { NETWORK_TOOLS, TOOL_DURATION_MS, TOOL_ERROR_MESSAGES, TOOL_LABELS } from "./tool-content.ts";
import type { AgentType, ToolErrorCode, ToolType } from "./vocabulary.ts";

/**
 * A successful call of `tool` working on `topic` (the task's, unless the work drifts elsewhere). `input` is the
 * previous tool call on the same path, whose output this one continues from (the source a search found, the file a
 * step produced).
 */
export function toolCallNode(
  b: TrajectoryBuilder,
  tool: ToolType,
  agent: AgentType = "EXECUTOR",
  input: NodeOf<"TOOL_CALL"> | null = null,
  topic: TaskTopic = b.topic,
): NodeOf<"TOOL_CALL"> {
  const rng = b.rng;
  const parameters = toolParameters(rng, tool, topic, input);
  const range = TOOL_DURATION_MS[tool];
  return {
    node_id: drawId(b.ids),
    node_type: "TOOL_CALL",
    agent_type: agent,
    description: `Execute ${TOOL_LABELS[tool]}`,
    tool_type: tool,
    tool_parameters: parameters,
    tool_result: toolResult(rng, tool, topic, parameters),
    tool_success: true,
    status: "completed",
    error_code: null,
    error_message: null,
    retry_count: 0,
    start_time: "",
    end_time: "",
    duration: rng.int(range[0], range[1]) / 1000,
    cpu_usage: round2(rng.float(10, 80)),
    memory_usage: round2(rng.float(50, 500)),
    network_calls: NETWORK_TOOLS.has(tool) ? rng.int(1, 5) : 0,
    performance_score: 0,
    is_anomalous: false,
    anomaly_type: null,
    anomaly_role: null,
  };
}

/**
 * Turns a tool call into a failed one: status, error code and message, an error result. A TIMEOUT gets status
 * `timeout` and lasts as long as the wait (the call's `timeout` parameter when it has one); other errors fail fast.
 */
export function failToolCall(rng: Randomizer, node: NodeOf<"TOOL_CALL">, code: ToolErrorCode): void {
  node.status = code === "TIMEOUT" ? "timeout" : "failed";
  node.tool_success = false;
  node.error_code = code;
  node.error_message = `Tool ${TOOL_LABELS[node.tool_type]} ${TOOL_ERROR_MESSAGES[code]}`;
  node.tool_result = { error: code };
  node.duration = failureDuration(rng, node, code);
}

/** How long a failure takes: a timeout waits out its limit (a call's `timeout` parameter), other errors are fast. */
export function failureDuration(rng: Randomizer, node: TrajectoryNode, code: ToolErrorCode): number {
  if (code !== "TIMEOUT") return rng.int(300, 5000) / 1000;
  const limit = node.node_type === "TOOL_CALL" ? node.tool_parameters.timeout : undefined;
  return typeof limit === "number" ? limit : rng.int(10_000, 30_000) / 1000;
}

/** A retry of `failed`: same tool, same parameters, one more attempt. */
export function retryToolCall(b: TrajectoryBuilder, failed: NodeOf<"TOOL_CALL">): NodeOf<"TOOL_CALL"> {
  const node = toolCallNode(b, failed.tool_type, failed.agent_type);
  node.tool_parameters = { ...failed.tool_parameters };
  // The result answers the parameters the retry really sent.
  node.tool_result = toolResult(b.rng, failed.tool_type, b.topic, node.tool_parameters);
  node.description = `Retry ${TOOL_LABELS[failed.tool_type]}`;
  node.retry_count = failed.retry_count + 1;
  return node;
}
