import { round2, round3, type TrajectoryBuilder } from "./builder.ts";
import { drawId } from "./ids.ts";
import type { NodeOf } from "./model.ts";
import { type AgentType, LLM_MODELS, type LlmPurpose } from "./vocabulary.ts";

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
    status: "completed",
    error_code: null,
    error_message: null,
    retry_count: 0,
    start_time: "",
    end_time: "",
    duration: (500 + tokens * rng.int(2, 6)) / 1000,
    cpu_usage: round2(rng.float(10, 80)),
    memory_usage: round2(rng.float(50, 500)),
    network_calls: 1,
    performance_score: 0,
    is_anomalous: false,
    anomaly_type: null,
    anomaly_role: null,
  };
}
