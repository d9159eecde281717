import type { AnomalyMetadata, NodeOf, TrajectoryNode } from "../../trajectory/model.ts";
import { handoffNode } from "../../trajectory/node-factories.ts";
import { TOOL_ERROR_MESSAGES } from "../../trajectory/tool-content.ts";
import { type AgentType, TOOL_ERROR_CODES } from "../../trajectory/vocabulary.ts";
import type { InjectionContext } from "../context.ts";
import { STEP_TYPES } from "../context.ts";

type HandoffNode = NodeOf<"HANDOFF">;

const NON_TRANSIENT = ["AUTH_FAILED", "INVALID_PARAMS"] as const;

/**
 * A delegation between agents fails: before the handoff finally goes through, it is attempted and fails one or more
 * times (status failed, handoff_success false, an error code and message), each failed attempt followed by a retry.
 * The receiving agent starts only after the last attempt, and the handoff that got through records its retries.
 * A trajectory without handoffs first gets one where work passes from one agent to another.
 */
export function injectHandoffFailure(ctx: InjectionContext): AnomalyMetadata {
  const attempts = ctx.planned("failed_attempts");
  const existing = ctx.trajectory.nodes.filter(
    (node): node is HandoffNode => node.node_type === "HANDOFF" && node.status === "completed",
  );
  const shared = { failed_attempts: attempts };
  // The handoff that finally goes through is legitimate and stays unlabelled; the failed attempts are the anomaly.
  const handoff = existing.length > 0 ? ctx.rng.pick(existing) : ctx.unlabelled(() => insertHandoff(ctx));
  const entry = ctx.inEdges(handoff).find((edge) => edge.edge_type !== "data_dependency");
  if (entry === undefined) throw new RangeError("handoff has no incoming control edge");
  const codes: string[] = [];
  let previous: TrajectoryNode | null = null;
  let anchor = ctx.node(entry.source_node_id);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const failed = ctx.fresh(handoffNode(ctx.builder, handoff.source_agent, handoff.target_agent));
    // Beyond `easy`, the errors are ones a blind retry cannot fix (the same refusal, to the same agent, again),
    // where a benign run retries transient errors or re-routes a refusal to another agent.
    const code = ctx.rng.pick(ctx.config.difficulty === "easy" ? TOOL_ERROR_CODES : NON_TRANSIENT);
    failed.status = code === "TIMEOUT" ? "timeout" : "failed";
    failed.handoff_success = false;
    failed.error_code = code;
    failed.error_message = `Handoff to ${failed.target_agent} ${TOOL_ERROR_MESSAGES[code]}`;
    codes.push(code);
    ctx.insertAfter(anchor, failed);
    anchor = failed;
    if (previous === null) ctx.moveTarget(entry, failed, { ...shared, role: "failed_attempt", attempt });
    else ctx.link(previous, failed, "recovery", { ...shared, role: "retry", attempt });
    ctx.markNode(failed, { ...shared, role: "failed_attempt", attempt, error_code: code });
    previous = failed;
  }
  ctx.link(previous as TrajectoryNode, handoff, "recovery", { ...shared, role: "retry", attempt: attempts + 1 });
  handoff.retry_count = attempts;
  return {
    ...shared,
    handoff_node_id: handoff.node_id,
    source_agent: handoff.source_agent,
    target_agent: handoff.target_agent,
  };
}

/** Who hands work to whom in multi_agent_handoffs; an inserted handoff follows the same rotation. */
const NEXT_AGENT: Readonly<Partial<Record<AgentType, AgentType>>> = {
  PLANNER: "EXECUTOR",
  EXECUTOR: "VALIDATOR",
  VALIDATOR: "PLANNER",
};

/**
 * Splices a HANDOFF into an execution edge where work passes from one agent to the next in the rotation (planner to
 * executor, executor to validator, validator to planner), as multi_agent_handoffs does.
 */
function insertHandoff(ctx: InjectionContext): HandoffNode {
  const candidates = ctx.trajectory.edges.filter((edge) => {
    if (edge.edge_type !== "execution_flow") return false;
    const source = ctx.node(edge.source_node_id);
    const target = ctx.node(edge.target_node_id);
    return (
      STEP_TYPES.has(source.node_type) &&
      source.status === "completed" &&
      NEXT_AGENT[source.agent_type] === target.agent_type
    );
  });
  if (candidates.length === 0) throw new RangeError("no execution edge passes work between agents");
  const edge = ctx.rng.pick(candidates);
  const source = ctx.node(edge.source_node_id);
  const target = ctx.node(edge.target_node_id);
  const handoff = ctx.fresh(handoffNode(ctx.builder, source.agent_type, target.agent_type));
  ctx.insertAfter(source, handoff);
  ctx.moveTarget(edge, handoff, { role: "handoff" });
  ctx.handoffEdge(handoff, target, { role: "handoff" });
  return handoff;
}
