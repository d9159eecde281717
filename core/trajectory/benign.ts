import type { Randomizer } from "../random.ts";
import type { BenignRates } from "./benign-presets.ts";
import { round3, type TrajectoryBuilder } from "./builder.ts";
import { stepInput } from "./content/llm.ts";
import { restateStep } from "./content/restate.ts";
import { toolResult } from "./content/tools.ts";
import { cloneNode, DraftGraph } from "./draft-graph.ts";
import type { EdgeEndpoints } from "./endpoints.ts";
import { drawId } from "./ids.ts";
import type { NodeOf, TrajectoryEdge, TrajectoryNode } from "./model.ts";
import {
  handoffNode,
  llmCallNode,
  memoryAccessNode,
  memoryValue,
  planningNode,
  reasoningNode,
  toolCallNode,
  validationNode,
} from "./node-factories.ts";
import { TOOL_ERROR_MESSAGES } from "./tool-content.ts";
import { failToolCall, failureDuration } from "./tool-nodes.ts";
import { type AgentType, type RelationshipType, TOOL_TYPES, type ToolErrorCode, type ToolType } from "./vocabulary.ts";

/**
 * Benign noise: what real agent runs do without anything being wrong. Agents re-plan and then act, retry a step that
 * hit a rate limit or an outage, get a handoff refused and route it elsewhere, have a draft rejected and revise it,
 * store and re-read results, pick an unusual tool that still serves the task, wait on a slow call, poll a job until
 * it is done, revisit an earlier result, and sometimes stop early and say honestly that they cannot finish.
 *
 * Every surface feature an anomaly uses (a failed step, a second plan, a rejected validation, a repeated call, a
 * memory read, an off-table tool, a long duration, an early end) thus also occurs in normal runs at the configured
 * rates; what makes an anomaly is its meaning (no progress, a failure that propagates, a read that contradicts its
 * write, ...), not the surface. The events are drawn before the pattern is built (`planBenign`) so the pattern builds
 * fewer nodes and the trajectory keeps the size drawn for it, then applied to the built graph (`applyBenign`). All
 * draws come from the trajectory's stream.
 */

type EventKind =
  | "replan"
  | "stepRetry"
  | "handoffReroute"
  | "delegation"
  | "validationRework"
  | "memory"
  | "polling"
  | "revisit"
  | "offTable"
  | "slowCall"
  | "giveUp";

export interface BenignEvent {
  readonly kind: EventKind;
  /** Repetitions, rounds or reads, depending on the kind. */
  readonly count: number;
  /** A variant flag: update before read, consumer recovers, second rejection. */
  readonly variant: boolean;
}

/** Patterns whose graph always validates a work step (a rework needs no new VALIDATION there). */
const CHECKED_WORK = new Set(["branched_analysis", "error_recovery"]);
/** Patterns with handoffs of their own. */
const HANDS_OFF = new Set(["multi_agent_handoffs"]);

/** Nodes an event adds to the graph. */
export function eventCost(event: BenignEvent, pattern: string): number {
  switch (event.kind) {
    case "replan":
      return event.count;
    case "stepRetry":
      return event.count + (event.variant ? 2 : 0);
    case "handoffReroute":
      return HANDS_OFF.has(pattern) ? 1 : 2;
    case "delegation":
      return 1;
    case "validationRework":
      return 2 * event.count + (CHECKED_WORK.has(pattern) ? 0 : 1);
    case "memory":
      return 1 + event.count + (event.variant ? 1 : 0);
    case "polling":
      return event.count + 1;
    case "revisit":
      return event.count;
    default:
      return 0;
  }
}

/** Draws the events of one trajectory, dropping the last ones that do not fit in `room` nodes. */
export function planBenign(rng: Randomizer, rates: BenignRates, pattern: string, room: number): BenignEvent[] {
  const events: BenignEvent[] = [];
  const draw = (kind: EventKind, rate: number, count: () => number, variant: () => boolean) => {
    if (rate > 0 && rng.chance(rate)) events.push({ kind, count: count(), variant: variant() });
  };
  const one = () => 1;
  const no = () => false;
  draw("replan", rates.replan, () => (rng.chance(0.25) ? 2 : 1), no);
  draw(
    "stepRetry",
    rates.stepRetry,
    () => 1 + rng.weightedIndex(RETRY_COUNT_WEIGHTS),
    () => rng.chance(rates.consumerRecovers),
  );
  if (!HANDS_OFF.has(pattern)) draw("delegation", rates.delegation, one, no);
  draw("handoffReroute", rates.handoffReroute, one, no);
  draw("validationRework", rates.validationRework, () => (rng.chance(0.25) ? 2 : 1), no);
  draw(
    "memory",
    rates.memory,
    () => rng.int(1, 2),
    () => rng.chance(0.25),
  );
  draw("polling", rates.polling, () => rng.int(1, 4), no);
  draw("revisit", rates.revisit, () => rng.int(1, 3), no);
  draw("offTable", rates.offTable, () => (rng.chance(0.35) ? 2 : 1), no);
  draw("slowCall", rates.slowCall, one, no);
  draw("giveUp", rates.giveUp, one, no);
  let cost = events.reduce((sum, event) => sum + eventCost(event, pattern), 0);
  while (cost > room && events.length > 0) cost -= eventCost(events.pop() as BenignEvent, pattern);
  return events;
}

/**
 * Applies the planned events to the built graph, then the per-step internal retries. Returns the edges' endpoints as
 * node positions, valid until the graph next changes (finalize can use them).
 */
export function applyBenign(
  b: TrajectoryBuilder,
  events: readonly BenignEvent[],
  rates: BenignRates,
  pattern: string,
): EdgeEndpoints {
  const g = new DraftGraph(b);
  for (const event of events) APPLY[event.kind](b, g, event, pattern);
  if (rates.inPlaceRetry > 0) {
    for (const node of b.nodes) {
      if (!isStep(node) || node.node_type === "TOOL_CALL" || node.status !== "completed") continue;
      if (b.rng.chance(rates.inPlaceRetry)) {
        node.retry_count += 1;
        node.duration = round3(node.duration + b.rng.int(500, 3000) / 1000);
      }
    }
  }
  readFoundDocuments(g);
  return g.endpoints();
}

/**
 * Revisits and rework move calls next to each other: a document read right after a search reads what it found. The
 * searches are found first (a run has a few), so most edges are dismissed without looking their nodes up.
 */
function readFoundDocuments(g: DraftGraph): void {
  const searches = g.nodes.filter(
    (node): node is NodeOf<"TOOL_CALL"> =>
      node.node_type === "TOOL_CALL" &&
      node.tool_type === "WEB_SEARCH" &&
      node.status === "completed" &&
      typeof node.tool_result.top_url === "string",
  );
  if (searches.length === 0) return;
  for (const edge of g.edges) {
    if (edge.edge_type !== "execution_flow") continue;
    const from = searches.find((node) => node.node_id === edge.source_node_id);
    if (from === undefined) continue;
    const to = g.targetOf(edge);
    if (to.node_type === "TOOL_CALL" && to.tool_type === "READ_DOCUMENT")
      to.tool_parameters = { ...to.tool_parameters, document: from.tool_result.top_url as string };
  }
}

const WORK = new Set(["TOOL_CALL", "LLM_CALL", "REASONING"]);

function isStep(node: TrajectoryNode): boolean {
  return node.node_type !== "USER_ENQUIRY" && node.node_type !== "ACTION";
}

function isWork(node: TrajectoryNode): boolean {
  return WORK.has(node.node_type) && node.status === "completed";
}

/** Completed work steps with one way out; failing those, any completed step with one way out. */
function stepSites(g: DraftGraph): TrajectoryNode[] {
  const steps = g.singleExits((node) => isStep(node) && node.status === "completed");
  const work = steps.filter(isWork);
  return work.length > 0 ? work : steps;
}

/** The step's answer moves on: a tool returns a new result, a model step a new conclusion or response. */
function newOutput(b: TrajectoryBuilder, node: TrajectoryNode): void {
  if (node.node_type === "TOOL_CALL")
    node.tool_result = toolResult(b.rng, node.tool_type, b.topic, node.tool_parameters);
  else if (node.node_type === "LLM_CALL") node.llm_response = llmCallNode(b, node.llm_purpose).llm_response;
  else if (node.node_type === "REASONING") node.reasoning_output = reasoningNode(b).reasoning_output;
}

/** Moves every control edge leaving `anchor` to leave `node` instead, and links anchor → node. */
function chainAfter(g: DraftGraph, anchor: TrajectoryNode, node: TrajectoryNode): void {
  chainStepsAfter(g, anchor, [node], ["sequential"]);
}

/**
 * Puts `steps` after `anchor` in order: the control edges leaving `anchor` leave the last step instead, and each
 * step is linked from the one before it (the first from `anchor`) with its relationship.
 */
function chainStepsAfter(
  g: DraftGraph,
  anchor: TrajectoryNode,
  steps: readonly TrajectoryNode[],
  relationships: readonly RelationshipType[],
): void {
  const exits = g.controlOut(anchor);
  let previous = anchor;
  for (const step of steps) {
    g.insertAfter(previous, step);
    previous = step;
  }
  g.moveSources(exits, previous);
  steps.forEach((step, i) => {
    g.link(i === 0 ? anchor : (steps[i - 1] as TrajectoryNode), step, relationships[i]);
  });
}

/** Moves every control edge entering `anchor` to enter `node` instead, and links node → anchor. */
function chainBefore(
  g: DraftGraph,
  anchor: TrajectoryNode,
  node: TrajectoryNode,
  relationship: "sequential" | "recovery" = "sequential",
): void {
  const entries = g.controlIn(anchor);
  g.insertBefore(anchor, node);
  g.moveTargets(entries, node);
  g.link(node, anchor, relationship);
}

type Apply = (b: TrajectoryBuilder, g: DraftGraph, event: BenignEvent, pattern: string) => void;

const APPLY: Readonly<Record<EventKind, Apply>> = {
  replan(b, g, event) {
    const plan = b.nodes.find((node): node is NodeOf<"PLANNING"> => node.node_type === "PLANNING");
    if (plan === undefined) return;
    let previous: TrajectoryNode = plan;
    for (let round = 0; round < event.count; round++) {
      // A revision: the estimate moves, the strategy may change.
      const revised = Math.max(1, plan.planning_output.planned_steps + b.rng.int(-2, 3));
      const node = b.rng.chance(0.7)
        ? planningNode(b, plan.agent_type, revised)
        : llmCallNode(b, "planning", plan.agent_type === "COORDINATOR" ? "COORDINATOR" : "PLANNER");
      chainAfter(g, previous, node);
      previous = node;
    }
  },

  stepRetry(b, g, event) {
    const candidates = b.nodes.filter(
      (node) =>
        isStep(node) &&
        node.status === "completed" &&
        node.node_type !== "PLANNING" &&
        node.node_type !== "VALIDATION" &&
        g.controlIn(node).length > 0,
    );
    if (candidates.length === 0) return;
    const step = b.rng.pick(candidates);
    for (let attempt = 0; attempt < event.count; attempt++) {
      const failed = cloneNode(step);
      failed.node_id = drawId(b.ids);
      failed.retry_count = step.retry_count;
      failStep(b.rng, failed, b.rng.pick(RETRYABLE_CODES));
      chainBefore(g, step, failed, "recovery");
      step.retry_count += 1;
    }
    const next = g.controlOut(step)[0];
    const consumer = next === undefined ? undefined : g.targetOf(next);
    if (!event.variant || consumer === undefined || !isStep(consumer) || consumer.status !== "completed") return;
    // The first attempt's missing output made the next step fail; it is rerun once the retry delivered.
    const starved = cloneNode(consumer);
    starved.node_id = drawId(b.ids);
    failUpstream(b.rng, starved);
    const retried = cloneNode(step);
    retried.node_id = drawId(b.ids);
    // step → starved consumer → step again (recovered) → consumer.
    chainStepsAfter(g, step, [starved, retried], ["sequential", "recovery"]);
    retried.retry_count = step.retry_count + 1;
    consumer.retry_count += 1;
  },

  handoffReroute(b, g, event, pattern) {
    // A run without a handoff delegates first (the event's cost counts that node).
    if (!HANDS_OFF.has(pattern)) APPLY.delegation(b, g, event, pattern);
    const handoffs = b.nodes.filter(
      (node): node is NodeOf<"HANDOFF"> => node.node_type === "HANDOFF" && node.status === "completed",
    );
    if (handoffs.length === 0) return;
    const handoff = b.rng.pick(handoffs);
    const others = AGENTS.filter((agent) => agent !== handoff.target_agent && agent !== handoff.source_agent);
    const refused = handoffNode(b, handoff.source_agent, b.rng.pick(others));
    refuse(b.rng, refused);
    chainBefore(g, handoff, refused, "recovery");
  },

  delegation(b, g) {
    const edges = b.edges.filter((edge) => {
      if (edge.edge_type !== "execution_flow") return false;
      const source = g.sourceOf(edge);
      const target = g.targetOf(edge);
      return (
        isStep(source) &&
        source.status === "completed" &&
        source.agent_type !== target.agent_type &&
        target.agent_type !== "COORDINATOR"
      );
    });
    if (edges.length === 0) return;
    const edge = b.rng.pick(edges);
    const source = g.sourceOf(edge);
    const target = g.targetOf(edge);
    const handoff = handoffNode(b, source.agent_type, target.agent_type);
    g.insertAfter(source, handoff);
    g.moveTargets([edge], handoff);
    g.handoff(handoff, target);
  },

  validationRework(b, g, event, pattern) {
    // Patterns that check their work rework an existing check (the plan counted no new node for one).
    let pair = CHECKED_WORK.has(pattern) ? checkedWork(g) : undefined;
    if (pair === undefined && CHECKED_WORK.has(pattern)) return;
    if (pair === undefined) {
      const sites = stepSites(g);
      if (sites.length === 0) return;
      const producer = b.rng.pick(sites);
      const check = validationNode(b, producer.agent_type === "EXECUTOR" ? "VALIDATOR" : producer.agent_type);
      chainAfter(g, producer, check);
      pair = { validation: check, producer };
    }
    const { validation, producer } = pair;
    rejectDraft(b.rng, validation);
    let previous: NodeOf<"VALIDATION"> = validation;
    for (let round = 1; round <= event.count; round++) {
      const revision = revise(b, producer, round);
      const check = cloneNode(validation);
      check.node_id = drawId(b.ids);
      check.duration = b.rng.int(1000, 5000) / 1000;
      if (round < event.count) rejectDraft(b.rng, check);
      else passRevision(b.rng, check, validation.validation_score);
      chainStepsAfter(g, previous, [revision, check], ["recovery", "sequential"]);
      previous = check;
    }
  },

  memory(b, g, event) {
    const sites = stepSites(g);
    if (sites.length === 0) return;
    const site = b.rng.pick(sites);
    const key = `finding_${b.rng.int(1, 4)}_${b.rng.int(1, 1000)}`;
    const store = memoryAccessNode(b, "store", key, memoryValue(b.rng));
    chainAfter(g, site, store);
    let latest = store;
    if (event.variant) {
      // The finding is refined and stored again under the same key; later reads return the update.
      const update = memoryAccessNode(b, "store", key, memoryValue(b.rng));
      const at = readSite(b, g, latest);
      chainAfter(g, at, update);
      latest = update;
    }
    for (let read = 0; read < event.count; read++) {
      const value = latest.memory_value === null ? null : { ...latest.memory_value };
      const retrieve = memoryAccessNode(b, "retrieve", key, value);
      const site = readSite(b, g, latest);
      chainAfter(g, site, retrieve);
      if (site !== latest) g.dependency(latest, retrieve, "dataset");
    }
  },

  polling(b, g, event) {
    const calls = g.singleExits((node) => node.node_type === "TOOL_CALL" && node.status === "completed");
    // An LLM-only run polls a model step instead (asks again until the answer moves).
    const sites = calls.length > 0 ? calls : stepSites(g);
    if (sites.length === 0) return;
    const call = b.rng.pick(sites);
    let previous: TrajectoryNode = call;
    // Same request, same answer, until the answer changes (the job finished): progress, so not a loop.
    for (let k = 0; k <= event.count; k++) {
      const poll = cloneNode(call);
      poll.node_id = drawId(b.ids);
      poll.duration = Math.max(0.001, round3(call.duration * b.rng.float(0.6, 1.1)));
      if (k === event.count) newOutput(b, poll);
      chainAfter(g, previous, poll);
      previous = poll;
    }
  },

  revisit(b, g, event) {
    const sites = g.singleExits(isStep);
    // A site is drawn first and its earlier steps found after: finding them for every site costs O(n^2) walks.
    let site: TrajectoryNode | undefined;
    let earlier: TrajectoryNode[] = [];
    for (let attempt = 0; attempt < 4 && sites.length > 0 && earlier.length === 0; attempt++) {
      site = b.rng.pick(sites);
      earlier = g.earlier(site).filter((node) => isStep(node) && node.status === "completed");
    }
    if (site === undefined || earlier.length === 0) return;
    let previous = site;
    for (let k = 0; k < event.count; k++) {
      const original = b.rng.pick(earlier);
      const again = cloneNode(original);
      again.node_id = drawId(b.ids);
      again.duration = Math.max(0.001, round3(original.duration * b.rng.float(0.5, 1.1)));
      chainAfter(g, previous, again);
      previous = again;
    }
  },

  offTable(b, g, event) {
    for (let k = 0; k < event.count; k++) offTableOnce(b, g);
  },

  slowCall(b) {
    const calls = b.nodes.filter(
      (node): node is NodeOf<"TOOL_CALL"> => node.node_type === "TOOL_CALL" && node.status === "completed",
    );
    if (calls.length === 0) return;
    const call = b.rng.pick(calls);
    // Slow, but inside its own timeout when it has one.
    const limit = typeof call.tool_parameters.timeout === "number" ? call.tool_parameters.timeout - 1 : 120;
    call.duration = round3(Math.max(call.duration, b.rng.float(Math.min(10, limit), limit)));
  },

  giveUp(b, g) {
    const action = b.nodes.find((node): node is NodeOf<"ACTION"> => node.node_type === "ACTION");
    if (action === undefined) return;
    // The work left before the final action is dropped; the action says what it could not do. Where branches meet
    // in the action, one branch's last work goes.
    const entries = g.controlIn(action).map((edge) => g.sourceOf(edge));
    const tails = entries.flatMap((entry) => {
      const tail = workTail(g, entry);
      return tail.length > 0 ? [tail] : [];
    });
    if (tails.length === 0) return;
    const tail = b.rng.pick(tails);
    const cut = tail.slice(0, b.rng.int(1, tail.length));
    const before = g.previous(cut.at(-1) as TrajectoryNode) as TrajectoryNode;
    const after = g.targetOf(g.controlOut(cut[0] as TrajectoryNode)[0] as TrajectoryEdge);
    for (const node of cut) g.removeNode(node);
    g.link(before, after, after === action && entries.length > 1 ? "merge" : "sequential");
    action.final_output = `Cannot complete the request for ${b.topic.subject}: ${b.rng.pick(GIVE_UP_REASONS)}`;
  },
};

/**
 * The last work steps (up to four, latest first) on the single path that ends in `entry`, passing over up to two
 * checks or handoffs right before the action; empty when there are none.
 */
function workTail(g: DraftGraph, entry: TrajectoryNode): TrajectoryNode[] {
  let current: TrajectoryNode | undefined = entry;
  for (let skipped = 0; current !== undefined && !isWork(current) && skipped < 2; skipped++) {
    if (g.controlOut(current).length !== 1 || !PASSED_OVER.has(current.node_type)) return [];
    current = g.previous(current);
  }
  const tail: TrajectoryNode[] = [];
  while (current !== undefined && isWork(current) && g.controlOut(current).length === 1 && tail.length < 4) {
    const before = g.previous(current);
    if (before === undefined || g.controlOut(before).length !== 1) break;
    tail.push(current);
    current = before;
  }
  return tail;
}

/** One call of the run leaves the transition table for a useful tool; the steps reading its result restate it. */
function offTableOnce(b: TrajectoryBuilder, g: DraftGraph): void {
  const pairs: Array<{ tool: NodeOf<"TOOL_CALL">; from: ToolType }> = [];
  const before = g.previousPositions();
  for (let at = 0; at < b.nodes.length; at++) {
    const node = b.nodes[at] as TrajectoryNode;
    if (node.node_type !== "TOOL_CALL" || node.status !== "completed") continue;
    const previous = previousTool(b.nodes, before, at);
    if (previous !== undefined && previous.tool_type !== node.tool_type)
      pairs.push({ tool: node, from: previous.tool_type });
  }
  if (pairs.length === 0) return;
  const { tool, from } = b.rng.pick(pairs);
  const row = b.config.toolTransitions[from];
  const choices = TOOL_TYPES.filter((type) => type !== from && type !== tool.tool_type && !((row[type] ?? 0) > 0));
  if (choices.length === 0) return;
  const replacement = toolCallNode(b, b.rng.pick(choices), tool.agent_type);
  replacement.node_id = tool.node_id;
  b.nodes[b.nodes.indexOf(tool)] = replacement;
  // The steps that read the call's result now read the other tool's (the work still serves the task).
  for (const edge of b.edges) {
    if (edge.edge_type !== "data_dependency" || edge.source_node_id !== tool.node_id) continue;
    restateStep(b.rng, b.topic, g.targetOf(edge), stepInput(replacement));
  }
}

/** Steps between the last work and the final action that giving up leaves in place. */
const PASSED_OVER: ReadonlySet<string> = new Set(["VALIDATION", "HANDOFF", "OBSERVATION"]);

const GIVE_UP_REASONS = [
  "the required data is not available to this agent",
  "the request needs a permission the user has not granted",
  "the source the task depends on is offline; partial findings attached",
  "the task is outside what the available tools can do",
] as const;

const AGENTS: readonly AgentType[] = ["PLANNER", "EXECUTOR", "VALIDATOR"];
/** Transient failures an agent retries through. */
const RETRYABLE_CODES: readonly ToolErrorCode[] = ["RATE_LIMITED", "SERVICE_UNAVAILABLE", "TIMEOUT", "TIMEOUT"];
/** How many attempts of a retried step fail before one succeeds: mostly one. */
const RETRY_COUNT_WEIGHTS = [0.7, 0.2, 0.1];
const REFUSALS: readonly ToolErrorCode[] = ["AUTH_FAILED", "RATE_LIMITED", "SERVICE_UNAVAILABLE"];

/** A validation whose single control predecessor is a completed work step. */
function checkedWork(g: DraftGraph): { validation: NodeOf<"VALIDATION">; producer: TrajectoryNode } | undefined {
  for (const node of g.nodes) {
    if (node.node_type !== "VALIDATION" || node.status !== "completed" || !node.validation_result) continue;
    const producer = g.previous(node);
    if (producer !== undefined && isWork(producer)) return { validation: node, producer };
  }
  return undefined;
}

/** The revised step: same inputs, a new (better) result, one more attempt. */
function revise(b: TrajectoryBuilder, producer: TrajectoryNode, round: number): TrajectoryNode {
  const revision = cloneNode(producer);
  revision.node_id = drawId(b.ids);
  revision.retry_count = producer.retry_count + round;
  revision.duration = Math.max(0.001, round3(producer.duration * b.rng.float(0.7, 1.2)));
  if (revision.node_type === "TOOL_CALL")
    revision.tool_result = toolResult(b.rng, revision.tool_type, b.topic, revision.tool_parameters);
  else if (revision.node_type === "LLM_CALL")
    revision.llm_confidence = round3(Math.min(0.95, revision.llm_confidence + b.rng.float(0.02, 0.1)));
  else if (revision.node_type === "REASONING")
    revision.reasoning_confidence = round3(Math.min(0.9, revision.reasoning_confidence + b.rng.float(0.02, 0.1)));
  return revision;
}

/** Scores of a rejected draft: below the lowest passing score (0.7). */
function rejectDraft(rng: Randomizer, node: NodeOf<"VALIDATION">): void {
  node.validation_result = false;
  node.validation_score = round3(rng.float(0.4, 0.69));
}

function passRevision(rng: Randomizer, node: NodeOf<"VALIDATION">, previous: number): void {
  node.validation_result = true;
  node.validation_score = round3(Math.max(0.7, Math.min(0.98, previous + rng.float(0, 0.1))));
}

function readSite(b: TrajectoryBuilder, g: DraftGraph, after: TrajectoryNode): TrajectoryNode {
  const later = g.singleExits(isStep, g.later(after));
  return later.length > 0 ? b.rng.pick(later) : after;
}

/** The nearest tool call before node `at` on its path of single predecessors (`before`: `previousPositions()`). */
function previousTool(
  nodes: readonly TrajectoryNode[],
  before: readonly number[],
  at: number,
): NodeOf<"TOOL_CALL"> | undefined {
  for (let p = before[at] as number; p !== -1; p = before[p] as number) {
    const current = nodes[p] as TrajectoryNode;
    if (current.node_type === "TOOL_CALL") return current;
  }
  return undefined;
}

/**
 * A failed attempt of a step: its error code, no result, and the time it took to fail (a timeout waits for the
 * call's own `timeout` parameter when it has one).
 */
export function failStep(rng: Randomizer, node: TrajectoryNode, code: ToolErrorCode): void {
  if (node.node_type === "TOOL_CALL") {
    failToolCall(rng, node, code);
    return;
  }
  node.status = code === "TIMEOUT" ? "timeout" : "failed";
  node.error_code = code;
  node.duration = failureDuration(rng, node, code);
  switch (node.node_type) {
    case "LLM_CALL":
      node.llm_response = "";
      node.llm_tokens_used = 0;
      break;
    case "MEMORY_ACCESS":
      node.memory_success = false;
      if (node.memory_operation === "retrieve") node.memory_value = null;
      break;
    case "HANDOFF":
      node.handoff_success = false;
      break;
    default:
      break;
  }
  node.error_message = `${node.node_type.toLowerCase()} ${TOOL_ERROR_MESSAGES[code]}`;
}

function refuse(rng: Randomizer, node: NodeOf<"HANDOFF">): void {
  const code = rng.pick(REFUSALS);
  node.status = "failed";
  node.handoff_success = false;
  node.error_code = code;
  node.error_message = `Handoff to ${node.target_agent} ${TOOL_ERROR_MESSAGES[code]}`;
}

/** A step that ran without the input it needed: it fails fast with UPSTREAM_FAILED. */
export function failUpstream(rng: Randomizer, node: TrajectoryNode): void {
  node.status = "failed";
  node.error_code = "UPSTREAM_FAILED";
  node.error_message = `${node.node_type.toLowerCase()} failed: its input is missing`;
  node.duration = Math.max(1, Math.round(node.duration * 1000 * rng.float(0.1, 0.5))) / 1000;
  if (node.node_type === "TOOL_CALL") {
    node.tool_success = false;
    node.tool_result = { error: "UPSTREAM_FAILED" };
  } else if (node.node_type === "VALIDATION") node.validation_result = false;
  else if (node.node_type === "MEMORY_ACCESS") node.memory_success = false;
  else if (node.node_type === "HANDOFF") node.handoff_success = false;
  else if (node.node_type === "LLM_CALL") node.llm_response = "";
}
