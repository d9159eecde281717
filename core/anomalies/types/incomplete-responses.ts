import type { AnomalyDifficulty } from "../../trajectory/anomaly-config.ts";
import { keep } from "../../trajectory/draft-graph.ts";
import { toMs } from "../../trajectory/iso-time.ts";
import type { AnomalyMetadata, TrajectoryNode } from "../../trajectory/model.ts";
import type { InjectionContext } from "../context.ts";
import { STEP_TYPES } from "../context.ts";

/**
 * The run stops before its final ACTION: at a cut-off time, every step still running is interrupted (status
 * `interrupted`, its duration cut at that moment) and nothing after it happens, so the ACTION and all later steps are
 * missing and the trajectory's status is `incomplete`. The missing fraction is the share of the time up to the
 * ACTION that never ran. Needs the trajectory's times, so it runs on a finalized trajectory.
 */
export function injectIncompleteResponse(ctx: InjectionContext): AnomalyMetadata {
  const missing = ctx.value(ctx.config.parameters.incomplete_responses.missing_fraction);
  if (ctx.rng.chance(PREMATURE_SHARE[ctx.config.difficulty])) {
    const premature = prematureAnswer(ctx, missing);
    if (premature !== null) return premature;
  }
  const { trajectory } = ctx;
  const startMs = Date.parse(trajectory.start_time);
  const action = trajectory.nodes.find((node) => node.node_type === "ACTION");
  if (action === undefined) throw new RangeError("trajectory has no ACTION to stop short of");
  const steps = trajectory.nodes.filter((node) => STEP_TYPES.has(node.node_type));
  const horizon = Date.parse(action.start_time);
  let cut = Math.round(startMs + (1 - missing) * (horizon - startMs));
  const running = (at: number) =>
    steps.filter((node) => Date.parse(node.start_time) < at && at < Date.parse(node.end_time));
  if (running(cut).length === 0) {
    // The cut fell between steps: move it into the next step to start (or the last one before the ACTION).
    const later = steps.filter((node) => Date.parse(node.start_time) > cut).sort(byStart);
    const next = later[0] ?? steps.sort(byStart).at(-1);
    if (next === undefined) throw new RangeError("trajectory has no step to interrupt");
    cut = Date.parse(next.start_time) + Math.max(1, Math.floor(toMs(next.duration) * ctx.rng.float(0.1, 0.9)));
  }
  const interrupted = running(cut);
  const expectedNodes = trajectory.nodes.length;
  const removed = new Set(
    trajectory.nodes.filter((node) => Date.parse(node.start_time) >= cut).map((node) => node.node_id),
  );
  keep(trajectory.nodes, (node) => !removed.has(node.node_id));
  keep(trajectory.edges, (edge) => !removed.has(edge.source_node_id) && !removed.has(edge.target_node_id));
  ctx.invalidate();
  const completion = Math.round(((cut - startMs) / (horizon - startMs)) * 1000) / 1000;
  for (const node of interrupted) {
    node.duration = (cut - Date.parse(node.start_time)) / 1000;
    interrupt(node);
    ctx.markNode(node, {
      role: "interrupted",
      missing_fraction: Math.round(missing * 1000) / 1000,
      removed_nodes: removed.size,
    });
  }
  return {
    expected_nodes: expectedNodes,
    actual_nodes: trajectory.nodes.length,
    completion_percentage: Math.round(completion * 1000) / 10,
    interrupted_nodes: interrupted.length,
  };
}

/**
 * Share of incomplete responses that are a premature final answer rather than a run cut off mid-step. At `easy`
 * every one is cut off (no final ACTION: a one-line rule finds it); harder datasets mostly answer too early.
 */
const PREMATURE_SHARE: Readonly<Record<AnomalyDifficulty, number>> = { easy: 0, realistic: 0.8, hard: 0.9 };

/**
 * The agent skips the work still to do before its final answer and answers anyway, as if it had finished: the last
 * work steps on the path into the ACTION never run, and the ACTION (the root cause: an answer that claims more
 * than was done) follows the last step that did. Unlike an honest "cannot complete" ending, the answer does not say
 * so. Null when the ACTION has no single path of work steps before it.
 */
function prematureAnswer(ctx: InjectionContext, missing: number): AnomalyMetadata | null {
  const { trajectory } = ctx;
  const action = trajectory.nodes.find((node) => node.node_type === "ACTION");
  if (action === undefined) return null;
  const skippable: TrajectoryNode[] = [];
  // One path into the ACTION (a branch, where branches merge into it) loses its last steps.
  const entries = ctx.controlPredecessors(action);
  let current = entries.length === 0 ? undefined : ctx.rng.pick(entries);
  const entry = ctx.inEdges(action).find((edge) => edge.source_node_id === current?.node_id);
  while (current !== undefined && SKIPPABLE.has(current.node_type) && ctx.controlSuccessors(current).length === 1) {
    const before = single(ctx.controlPredecessors(current));
    if (before === undefined || ctx.controlSuccessors(before).length !== 1) break;
    skippable.push(current);
    current = before;
  }
  if (skippable.length === 0) return null;
  const skipped = skippable.slice(0, Math.max(1, Math.round(missing * skippable.length)));
  const last = single(ctx.controlPredecessors(skipped.at(-1) as TrajectoryNode)) as TrajectoryNode;
  const expectedNodes = trajectory.nodes.length;
  const removed = new Set(skipped.map((node) => node.node_id));
  keep(trajectory.nodes, (node) => !removed.has(node.node_id));
  keep(trajectory.edges, (edge) => !removed.has(edge.source_node_id) && !removed.has(edge.target_node_id));
  ctx.invalidate();
  ctx.link(last, action, entry?.relationship_type === "merge" ? "merge" : "sequential", { role: "premature_answer" });
  ctx.markNode(action, { role: "premature_answer", skipped_steps: skipped.length }, "root_cause");
  return {
    variant: "premature_answer",
    expected_nodes: expectedNodes,
    actual_nodes: trajectory.nodes.length,
    skipped_steps: skipped.length,
  };
}

/** Steps an agent can skip on its way to an answer: the work and its checks. */
const SKIPPABLE: ReadonlySet<string> = new Set(["TOOL_CALL", "LLM_CALL", "REASONING", "VALIDATION", "OBSERVATION"]);

function single<T>(items: readonly T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

/** A step cut off mid-run: an error code and no result of success (it never returned one). */
function interrupt(node: TrajectoryNode): void {
  node.status = "interrupted";
  node.error_code = "INTERRUPTED";
  node.error_message = "Interrupted: the run stopped before this step finished";
  if (node.node_type === "TOOL_CALL") {
    node.tool_success = false;
    node.tool_result = { error: "INTERRUPTED" };
  } else if (node.node_type === "LLM_CALL") node.llm_response = "";
  else if (node.node_type === "MEMORY_ACCESS") {
    node.memory_success = false;
    if (node.memory_operation === "retrieve") node.memory_value = null;
  } else if (node.node_type === "HANDOFF") node.handoff_success = false;
  else if (node.node_type === "VALIDATION") node.validation_result = false;
}

function byStart(a: TrajectoryNode, b: TrajectoryNode): number {
  return Date.parse(a.start_time) - Date.parse(b.start_time);
}
