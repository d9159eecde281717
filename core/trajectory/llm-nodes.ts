import { round2, round3, type TrajectoryBuilder } from "./builder.ts";
import { llmText, stepInput } from "./content/llm.ts";
import { drawId } from "./ids.ts";
import type { NodeOf } from "./model.ts";
import type { AgentType, LlmPurpose } from "./vocabulary.ts";

/**
 * An LLM call for `purpose`. `input` is the tool call whose output it consumes (or null): the prompt quotes that
 * tool's result and the response draws on it (see `llmText`).
 */

export function llmCallNode(
  b: TrajectoryBuilder,
  purpose: LlmPurpose,
  agent: AgentType = "EXECUTOR",
  input: NodeOf<"TOOL_CALL"> | null = null,
): NodeOf<"LLM_CALL"> {
  const rng = b.rng;
  const model = b.modelFor(agent);
  const text = llmText(rng, purpose, b.topic, stepInput(input));
  const tokens = rng.int(100, 2000);
  return {
    node_id: drawId(b.ids),
    node_type: "LLM_CALL",
    agent_type: agent,
    description: `LLM ${purpose} on ${b.topic.subject}`,
    llm_model: model,
    llm_purpose: purpose,
    llm_prompt: text.prompt,
    llm_response: text.response,
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
