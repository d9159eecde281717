import type { Randomizer } from "../random.ts";
import { round2, round3, type TrajectoryBuilder } from "./builder.ts";
import { drawId } from "./ids.ts";
import type { NodeOf } from "./model.ts";
import {
  NETWORK_TOOLS,
  TOOL_DURATION_MS,
  TOOL_ERROR_MESSAGES,
  TOOL_LABELS,
  toolParameters,
  toolResult,
} from "./tool-content.ts";
import {
  type AgentType,
  LLM_MODELS,
  type LlmPurpose,
  type MemoryOperation,
  OBSERVATION_SOURCES,
  PLANNING_TYPES,
  PRIORITIES,
  REASONING_TYPES,
  type ToolErrorCode,
  type ToolType,
  USER_INTENTS,
  VALIDATION_CRITERIA,
} from "./vocabulary.ts";

/**
 * Node factories. Each returns a complete node in wire shape with a drawn duration and resource use; times and
 * scores are placeholders until `finalizeTrajectory`. Nodes made here (by patterns or by anomaly injection) share
 * one set of distributions and vocabularies.
 */

/** The trailing common fields, in wire order. Times and score are filled in by finalize. */
function tail(rng: Randomizer, durationMs: number, networkCalls: number) {
  return {
    status: "completed" as const,
    error_code: null,
    error_message: null,
    retry_count: 0,
    start_time: "",
    end_time: "",
    duration: durationMs / 1000,
    cpu_usage: round2(rng.float(10, 80)),
    memory_usage: round2(rng.float(50, 500)),
    network_calls: networkCalls,
    performance_score: 0,
    is_anomalous: false,
    anomaly_type: null,
  };
}

const USER_INTENT_WEIGHTS = [0.7, 0.1, 0.1, 0.1];

export function userEnquiryNode(b: TrajectoryBuilder, taskDescription: string): NodeOf<"USER_ENQUIRY"> {
  const rng = b.rng;
  return {
    node_id: drawId(b.ids),
    node_type: "USER_ENQUIRY",
    agent_type: "COORDINATOR",
    description: `User enquiry: ${taskDescription}`,
    user_input: taskDescription,
    user_intent: USER_INTENTS[rng.weightedIndex(USER_INTENT_WEIGHTS)] as (typeof USER_INTENTS)[number],
    user_context: {
      user_id: `user_${rng.int(1, 1000)}`,
      session_id: `session_${rng.int(1, 100)}`,
      priority: rng.pick(PRIORITIES),
    },
    ...tail(rng, rng.int(1000, 3000), 0),
  };
}

export function planningNode(b: TrajectoryBuilder, agent: AgentType, plannedSteps: number): NodeOf<"PLANNING"> {
  const rng = b.rng;
  const planningType = rng.pick(PLANNING_TYPES);
  return {
    node_id: drawId(b.ids),
    node_type: "PLANNING",
    agent_type: agent,
    description: `Planning phase: ${planningType}`,
    planning_type: planningType,
    planning_confidence: round3(rng.float(0.7, 0.95)),
    planning_output: {
      strategy: `strategy_${rng.int(1, 10)}`,
      planned_steps: plannedSteps,
      estimated_duration: rng.int(300, 1800),
      resources_needed: rng.int(1, 5),
    },
    ...tail(rng, rng.int(2000, 8000), 0),
  };
}

export function reasoningNode(b: TrajectoryBuilder, agent: AgentType = "EXECUTOR"): NodeOf<"REASONING"> {
  const rng = b.rng;
  const reasoningType = rng.pick(REASONING_TYPES);
  const dataPoints = rng.int(5, 50);
  return {
    node_id: drawId(b.ids),
    node_type: "REASONING",
    agent_type: agent,
    description: `Reasoning (${reasoningType}): analyze ${dataPoints} data points`,
    reasoning_type: reasoningType,
    reasoning_confidence: round3(rng.float(0.6, 0.9)),
    reasoning_input: { data_points: dataPoints },
    reasoning_output: { conclusion: `result_${rng.int(1, 100)}` },
    ...tail(rng, rng.int(1000, 10_000), 0),
  };
}

export function toolCallNode(b: TrajectoryBuilder, tool: ToolType, agent: AgentType = "EXECUTOR"): NodeOf<"TOOL_CALL"> {
  const rng = b.rng;
  const parameters = toolParameters(rng, tool);
  const range = TOOL_DURATION_MS[tool];
  return {
    node_id: drawId(b.ids),
    node_type: "TOOL_CALL",
    agent_type: agent,
    description: `Execute ${TOOL_LABELS[tool]}`,
    tool_type: tool,
    tool_parameters: parameters,
    tool_result: toolResult(rng, tool),
    tool_success: true,
    ...tail(rng, rng.int(range[0], range[1]), NETWORK_TOOLS.has(tool) ? rng.int(1, 5) : 0),
  };
}

/**
 * Turns a tool call into a failed one: status, error code and message, an error result. A TIMEOUT gets status
 * `timeout` and lasts as long as the wait; other errors fail fast.
 */
export function failToolCall(rng: Randomizer, node: NodeOf<"TOOL_CALL">, code: ToolErrorCode): void {
  node.status = code === "TIMEOUT" ? "timeout" : "failed";
  node.tool_success = false;
  node.error_code = code;
  node.error_message = `Tool ${TOOL_LABELS[node.tool_type]} ${TOOL_ERROR_MESSAGES[code]}`;
  node.tool_result = { error: code };
  node.duration = (code === "TIMEOUT" ? rng.int(10_000, 30_000) : rng.int(300, 5000)) / 1000;
}

/** A retry of `failed`: same tool, same parameters, one more attempt. */
export function retryToolCall(b: TrajectoryBuilder, failed: NodeOf<"TOOL_CALL">): NodeOf<"TOOL_CALL"> {
  const node = toolCallNode(b, failed.tool_type, failed.agent_type);
  node.tool_parameters = { ...failed.tool_parameters };
  node.description = `Retry ${TOOL_LABELS[failed.tool_type]}`;
  node.retry_count = failed.retry_count + 1;
  return node;
}

const LLM_PROMPTS: Readonly<Record<LlmPurpose, readonly string[]>> = {
  planning: [
    "Analyze the user request and create a step-by-step plan",
    "Break down the task into manageable components",
    "Identify the key requirements and constraints",
    "Create an execution strategy for this task",
  ],
  reasoning: [
    "Analyze the data and provide insights",
    "Evaluate the current situation and identify patterns",
    "Consider multiple perspectives and draw conclusions",
    "Apply logical reasoning to solve this problem",
  ],
  response_generation: [
    "Generate a comprehensive response to the user",
    "Create a clear and actionable summary",
    "Formulate recommendations based on the analysis",
    "Prepare a detailed report for the user",
  ],
  analysis: [
    "Perform deep analysis of the provided information",
    "Identify trends and correlations in the data",
    "Evaluate the quality and reliability of sources",
    "Extract key insights from the research findings",
  ],
  validation_analysis: [
    "Check the results against the acceptance criteria",
    "Review the output for errors and omissions",
    "Assess whether the findings answer the request",
    "Verify the consistency of the intermediate results",
  ],
};

export function llmCallNode(
  b: TrajectoryBuilder,
  purpose: LlmPurpose,
  agent: AgentType = "EXECUTOR",
): NodeOf<"LLM_CALL"> {
  const rng = b.rng;
  const model = rng.pick(LLM_MODELS);
  const prompt = rng.pick(LLM_PROMPTS[purpose]);
  const tokens = rng.int(100, 2000);
  return {
    node_id: drawId(b.ids),
    node_type: "LLM_CALL",
    agent_type: agent,
    description: `LLM ${purpose}: ${prompt}`,
    llm_model: model,
    llm_purpose: purpose,
    llm_prompt: prompt,
    llm_response: `Generated ${purpose} response using ${model}`,
    llm_tokens_used: tokens,
    llm_confidence: round3(rng.float(0.7, 0.95)),
    // Latency grows with output: a fixed overhead plus a few ms per token.
    ...tail(rng, 500 + tokens * rng.int(2, 6), 1),
  };
}

export function validationNode(b: TrajectoryBuilder, agent: AgentType = "VALIDATOR"): NodeOf<"VALIDATION"> {
  const rng = b.rng;
  const criteria = rng.sample(VALIDATION_CRITERIA, rng.int(1, 3));
  return {
    node_id: drawId(b.ids),
    node_type: "VALIDATION",
    agent_type: agent,
    description: `Validate ${criteria.join(", ")}`,
    validation_criteria: criteria,
    validation_result: true,
    validation_score: round3(rng.float(0.7, 0.98)),
    ...tail(rng, rng.int(1000, 5000), 0),
  };
}

export function handoffNode(b: TrajectoryBuilder, source: AgentType, target: AgentType): NodeOf<"HANDOFF"> {
  const rng = b.rng;
  return {
    node_id: drawId(b.ids),
    node_type: "HANDOFF",
    agent_type: "COORDINATOR",
    description: `Handoff from ${source} to ${target}`,
    source_agent: source,
    target_agent: target,
    handoff_context: { context_size: rng.int(100, 1000), items_transferred: rng.int(1, 10) },
    handoff_success: true,
    ...tail(rng, rng.int(500, 2000), 0),
  };
}

/** A memory access; `value` is what a store writes or a retrieve returns (null for delete). */
export function memoryAccessNode(
  b: TrajectoryBuilder,
  operation: MemoryOperation,
  key: string,
  value: { size_bytes: number; digest: string } | null,
): NodeOf<"MEMORY_ACCESS"> {
  const rng = b.rng;
  return {
    node_id: drawId(b.ids),
    node_type: "MEMORY_ACCESS",
    agent_type: "EXECUTOR",
    description: `Memory ${operation}: ${key}`,
    memory_operation: operation,
    memory_key: key,
    memory_value: value,
    memory_success: true,
    ...tail(rng, rng.int(100, 1000), 0),
  };
}

/** A fresh memory value (size and content digest) drawn from the stream. */
export function memoryValue(rng: Randomizer): { size_bytes: number; digest: string } {
  return {
    size_bytes: rng.int(10, 1000),
    digest: (rng.int(0, 0xffffff) * 256 + rng.int(0, 255)).toString(16).padStart(8, "0"),
  };
}

export function observationNode(
  b: TrajectoryBuilder,
  source: (typeof OBSERVATION_SOURCES)[number] = b.rng.pick(OBSERVATION_SOURCES),
  minAnomalies = 0,
): NodeOf<"OBSERVATION"> {
  const rng = b.rng;
  return {
    node_id: drawId(b.ids),
    node_type: "OBSERVATION",
    agent_type: "COORDINATOR",
    description: `Observe ${source}`,
    observation_source: source,
    observation_data: {
      metrics_count: rng.int(5, 20),
      anomalies_detected: rng.int(minAnomalies, Math.max(3, minAnomalies)),
    },
    ...tail(rng, rng.int(500, 3000), 0),
  };
}

export function actionNode(b: TrajectoryBuilder, agent: AgentType = "EXECUTOR"): NodeOf<"ACTION"> {
  const rng = b.rng;
  return {
    node_id: drawId(b.ids),
    node_type: "ACTION",
    agent_type: agent,
    description: "Execute final action",
    final_output: `result_${rng.int(1, 1000)}`,
    ...tail(rng, rng.int(2000, 5000), 0),
  };
}
