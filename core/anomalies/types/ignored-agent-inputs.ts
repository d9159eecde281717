import type { AnomalyMetadata, TrajectoryNode } from "../../trajectory/model.ts";
import type { InjectionContext } from "../context.ts";
import { type QuotingStep, quotingSteps, repeatDownstream, restate } from "../misstatements.ts";
import { preferUnclaimed } from "../sites.ts";

/** A handoff and the receiving agent's first step, which states the findings handed over. */
export interface ReceivedWork {
  readonly handoff: TrajectoryNode;
  readonly received: QuotingStep;
}

/**
 * A step ignores what another agent passed it: after a HANDOFF, the receiving agent's first LLM call or reasoning
 * step that, in the normal run, states the findings handed over, starts afresh as if nothing had been
 * passed: its prompt and answer say nothing of the handed-over result, though its data_dependency edge still
 * delivers it. The receiving agent's later steps up to its next handoff that stated the same result do not know it
 * either. Only text changes. The ignoring step is the root cause; the later steps of the same agent that lose the
 * findings are symptoms.
 */
export function injectIgnoredAgentInput(ctx: InjectionContext): AnomalyMetadata {
  const quoting = quotingSteps(ctx);
  const sites = preferUnclaimed(ctx, receivedWork(ctx, quoting), (site) => site.received.step);
  if (sites.length === 0) throw new RangeError("ignored_agent_inputs: no handoff passes a stated finding");
  const { handoff, received } = ctx.rng.pick(sites);
  const { step, tool } = received;
  restate(ctx, step, null, null);
  const shared = { handoff_node_id: handoff.node_id, ignored_tool_node_id: tool.node_id };
  ctx.markNode(step, { ...shared, role: "ignoring_step" }, "root_cause");
  const segment = agentSegment(ctx, step);
  const lost = repeatDownstream(ctx, quoting, step, tool, null, { ...shared, role: "lost_input" }, (later) =>
    segment.has(later),
  );
  return {
    ...shared,
    receiving_node_id: step.node_id,
    receiving_agent: step.agent_type,
    lost_steps: lost,
  };
}

/**
 * Handoffs and the receiving agent's first LLM call or reasoning step after them (walking forward through its single
 * successors, up to its next HANDOFF) that states a tool's result: the work handed over. Reads the graph only.
 */
export function receivedWork(ctx: InjectionContext, quoting: readonly QuotingStep[]): ReceivedWork[] {
  const byStep = new Map(quoting.map((entry) => [entry.step, entry]));
  const found: ReceivedWork[] = [];
  for (const edge of ctx.trajectory.edges) {
    if (edge.edge_type !== "handoff") continue;
    const handoff = ctx.node(edge.source_node_id);
    // Benign steps spliced in after a handoff can leave its edge starting elsewhere: the handoff itself is needed.
    if (handoff.node_type !== "HANDOFF" || handoff.status !== "completed") continue;
    const first = ctx.node(edge.target_node_id);
    for (const step of [first, ...agentSegment(ctx, first)]) {
      const received = byStep.get(step);
      if (received !== undefined && (step.node_type === "LLM_CALL" || step.node_type === "REASONING")) {
        found.push({ handoff, received });
        break;
      }
    }
  }
  return found;
}

/** The steps after `start` on its control path done by the same agent, up to its next HANDOFF. */
function agentSegment(ctx: InjectionContext, start: TrajectoryNode): Set<TrajectoryNode> {
  const segment = new Set<TrajectoryNode>();
  let current = start;
  for (;;) {
    const next = ctx.controlSuccessors(current);
    const after = next.length === 1 ? next[0] : undefined;
    if (after === undefined || after.node_type === "HANDOFF" || after.agent_type !== start.agent_type) return segment;
    segment.add(after);
    current = after;
  }
}
