import { round2, round3, type TrajectoryBuilder } from "./builder.ts";
import { conclusion, finalAnswer, planStrategy, resultQuote } from "./content/index.ts";
import { drawId } from "./ids.ts";
import type { NodeOf } from "./model.ts";
import {
  type AgentType,
  PLANNING_TYPES,
  PRIORITIES,
  REASONING_TYPES,
  USER_INTENTS,
  VALIDATION_CRITERIA,
} from "./vocabulary.ts";

export { handoffNode, memoryAccessNode, memoryValue, observationNode } from "./coordination-nodes.ts";
export { llmCallNode } from "./llm-nodes.ts";
export { failToolCall, retryToolCall, toolCallNode } from "./tool-nodes.ts";

/**
 * Node factories. Each returns a complete node in wire shape, keys in the zod schema's order, with a drawn
 * duration and resource use; times and scores are placeholders until `finalizeTrajectory`. Nodes made here (by
 * patterns or by anomaly injection) share one set of distributions and vocabularies. Every node is one object
 * literal: spreading a shared tail measured about 6x slower.
 */

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
    status: "completed",
    error_code: null,
    error_message: null,
    retry_count: 0,
    start_time: "",
    end_time: "",
    duration: rng.int(1000, 3000) / 1000,
    cpu_usage: round2(rng.float(10, 80)),
    memory_usage: round2(rng.float(50, 500)),
    network_calls: 0,
    performance_score: 0,
    is_anomalous: false,
    anomaly_type: null,
    anomaly_role: null,
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
      strategy: planStrategy(rng, b.topic),
      planned_steps: plannedSteps,
      estimated_duration: rng.int(300, 1800),
      resources_needed: rng.int(1, 5),
    },
    status: "completed",
    error_code: null,
    error_message: null,
    retry_count: 0,
    start_time: "",
    end_time: "",
    duration: rng.int(2000, 8000) / 1000,
    cpu_usage: round2(rng.float(10, 80)),
    memory_usage: round2(rng.float(50, 500)),
    network_calls: 0,
    performance_score: 0,
    is_anomalous: false,
    anomaly_type: null,
    anomaly_role: null,
  };
}

/** A reasoning step; `input` is the tool call whose output it works on (or null), and its conclusion draws on it. */
export function reasoningNode(
  b: TrajectoryBuilder,
  agent: AgentType = "EXECUTOR",
  input: NodeOf<"TOOL_CALL"> | null = null,
): NodeOf<"REASONING"> {
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
    reasoning_output: { conclusion: conclusion(rng, b.topic, input === null ? null : resultQuote(input)) },
    status: "completed",
    error_code: null,
    error_message: null,
    retry_count: 0,
    start_time: "",
    end_time: "",
    duration: rng.int(1000, 10_000) / 1000,
    cpu_usage: round2(rng.float(10, 80)),
    memory_usage: round2(rng.float(50, 500)),
    network_calls: 0,
    performance_score: 0,
    is_anomalous: false,
    anomaly_type: null,
    anomaly_role: null,
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
    status: "completed",
    error_code: null,
    error_message: null,
    retry_count: 0,
    start_time: "",
    end_time: "",
    duration: rng.int(1000, 5000) / 1000,
    cpu_usage: round2(rng.float(10, 80)),
    memory_usage: round2(rng.float(50, 500)),
    network_calls: 0,
    performance_score: 0,
    is_anomalous: false,
    anomaly_type: null,
    anomaly_role: null,
  };
}

/** The final action: its output answers the task, with what `input` (the last tool call before it, or null) found. */
export function actionNode(
  b: TrajectoryBuilder,
  agent: AgentType = "EXECUTOR",
  input: NodeOf<"TOOL_CALL"> | null = null,
): NodeOf<"ACTION"> {
  const rng = b.rng;
  return {
    node_id: drawId(b.ids),
    node_type: "ACTION",
    agent_type: agent,
    description: "Execute final action",
    final_output: finalAnswer(rng, b.topic, input === null ? null : resultQuote(input)),
    status: "completed",
    error_code: null,
    error_message: null,
    retry_count: 0,
    start_time: "",
    end_time: "",
    duration: rng.int(2000, 5000) / 1000,
    cpu_usage: round2(rng.float(10, 80)),
    memory_usage: round2(rng.float(50, 500)),
    network_calls: 0,
    performance_score: 0,
    is_anomalous: false,
    anomaly_type: null,
    anomaly_role: null,
  };
}
