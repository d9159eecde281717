import { cloneNode } from "../trajectory/draft-graph.ts";
import type { TrajectoryNode } from "../trajectory/model.ts";
import {
  actionNode,
  handoffNode,
  llmCallNode,
  memoryAccessNode,
  observationNode,
  planningNode,
  reasoningNode,
  toolCallNode,
  userEnquiryNode,
  validationNode,
} from "../trajectory/node-factories.ts";
import type { InjectionContext } from "./context.ts";
import { rephraseRepeat } from "./rephrase.ts";

/**
 * A new node of the same kind as `like` (type, agent, tool, purpose), drawn fresh from the generator's factories and
 * given the variance step: same distributions, new content, timing and resource use.
 */
export function freshLike(ctx: InjectionContext, like: TrajectoryNode): TrajectoryNode {
  const b = ctx.builder;
  switch (like.node_type) {
    case "USER_ENQUIRY":
      return ctx.fresh(userEnquiryNode(b, like.user_input));
    case "PLANNING":
      return ctx.fresh(planningNode(b, like.agent_type, like.planning_output.planned_steps));
    case "REASONING":
      return ctx.fresh(reasoningNode(b, like.agent_type));
    case "TOOL_CALL":
      return ctx.fresh(toolCallNode(b, like.tool_type, like.agent_type));
    case "LLM_CALL":
      return ctx.fresh(llmCallNode(b, like.llm_purpose, like.agent_type));
    case "VALIDATION":
      return ctx.fresh(validationNode(b, like.agent_type));
    case "HANDOFF":
      return ctx.fresh(handoffNode(b, like.source_agent, like.target_agent));
    case "MEMORY_ACCESS":
      return ctx.fresh(
        memoryAccessNode(
          b,
          like.memory_operation,
          like.memory_key,
          like.memory_value === null ? null : { ...like.memory_value },
        ),
      );
    case "OBSERVATION":
      return ctx.fresh(observationNode(b, like.observation_source));
    case "ACTION":
      return ctx.fresh(actionNode(b, like.agent_type));
  }
}

/**
 * The same work done again: `original`'s content (description, parameters, results, prompt, output) with a fresh id,
 * timing and resource use from the factories. This is what "no progress" looks like in the data: identical inputs
 * and outputs, while nothing else about the node stands out. Beyond `easy`, the copy is reworded as a model would
 * word it again (`rephraseRepeat`): same request and finding, not the same bytes.
 */
export function repeatOf(ctx: InjectionContext, original: TrajectoryNode): TrajectoryNode {
  const fresh = freshLike(ctx, original);
  const copy = cloneNode(original);
  copy.node_id = fresh.node_id;
  copy.status = "completed";
  copy.error_code = null;
  copy.error_message = null;
  copy.retry_count = fresh.retry_count;
  copy.duration = fresh.duration;
  copy.cpu_usage = fresh.cpu_usage;
  copy.memory_usage = fresh.memory_usage;
  copy.network_calls = fresh.network_calls;
  copy.is_anomalous = false;
  copy.anomaly_type = null;
  copy.anomaly_role = null;
  delete copy.anomaly_metadata;
  if (ctx.config.difficulty !== "easy") rephraseRepeat(ctx, original, copy);
  return copy;
}

export { cloneNode };
