import type { TrajectoryBuilder } from "../builder.ts";
import type { NodeOf, TrajectoryNode } from "../model.ts";
import {
  actionNode,
  llmCallNode,
  memoryAccessNode,
  memoryValue,
  planningNode,
  reasoningNode,
  userEnquiryNode,
  validationNode,
} from "../node-factories.ts";
import type { ToolType } from "../vocabulary.ts";
import { append, type Chain, nextToolNode, planEstimate, splitCount, startChain } from "./chain.ts";

/** Tools that open a research thread (SPEC §2.2 gathering phase). */
const GATHERING_TOOLS: readonly ToolType[] = ["WEB_SEARCH", "DEEP_RESEARCH", "READ_DOCUMENT", "EXTERNAL_API"];
const ANALYSIS_TOOLS: readonly ToolType[] = ["ANALYZE_DATA"];

/**
 * USER_ENQUIRY → planning phase → 2–4 parallel gathering threads (tool chains, some storing their findings in
 * memory) → a synthesis that merges them → analysis (retrieving a stored finding, analysing gathered data) →
 * VALIDATION → ACTION.
 */
export function buildComplexResearch(
  b: TrajectoryBuilder,
  nodeCount: number,
  task: string,
  plannedCount: number,
): void {
  const rng = b.rng;
  const rest = nodeCount - 4;
  const analysisCount = Math.max(1, Math.floor(0.3 * rest));
  const planningExtra = Math.floor(0.1 * rest);
  const gatherCount = rest - analysisCount - planningExtra;
  const threads = splitCount(rng, gatherCount, Math.min(rng.int(2, 4), gatherCount), 1);

  const chain: Chain = startChain(b.add(userEnquiryNode(b, task)));
  append(b, chain, planningNode(b, "PLANNER", planEstimate(rng, plannedCount - 4)));
  for (let i = 0; i < planningExtra; i++) append(b, chain, reasoningNode(b));
  const fanOut = chain.previous;

  const ends: TrajectoryNode[] = [];
  const gathered: NodeOf<"TOOL_CALL">[] = [];
  const stores: NodeOf<"MEMORY_ACCESS">[] = [];
  for (let t = 0; t < threads.length; t++) {
    const size = threads[t] as number;
    const stores_finding = size >= 2 && rng.chance(0.6);
    const thread = startChain(fanOut);
    const toolCount = stores_finding ? size - 1 : size;
    for (let i = 0; i < toolCount; i++) {
      const tool = nextToolNode(b, thread, "EXECUTOR", GATHERING_TOOLS);
      gathered.push(append(b, thread, tool, i === 0 ? "branch" : "sequential"));
    }
    if (stores_finding) {
      const key = `finding_${t + 1}_${rng.int(1, 1000)}`;
      stores.push(append(b, thread, memoryAccessNode(b, "store", key, memoryValue(rng))));
    }
    ends.push(thread.previous);
  }

  const synthesis = b.add(reasoningNode(b, "EXECUTOR", gathered.at(-1) ?? null));
  for (const end of ends) b.link(end, synthesis, "merge");
  const analysis = startChain(synthesis);
  let remaining = analysisCount - 1;
  if (remaining > 0 && stores.length > 0) {
    const store = rng.pick(stores);
    const value = store.memory_value === null ? null : { ...store.memory_value };
    const retrieve = append(b, analysis, memoryAccessNode(b, "retrieve", store.memory_key, value));
    b.dependency(store, retrieve, "dataset");
    remaining--;
  }
  let consumedGathering = false;
  for (let i = 0; i < remaining; i++) {
    const roll = rng.next();
    if (roll < 0.6) {
      const tool = append(b, analysis, nextToolNode(b, analysis, "EXECUTOR", ANALYSIS_TOOLS));
      if (!consumedGathering) {
        b.dependency(rng.pick(gathered), tool);
        consumedGathering = true;
      }
    } else if (roll < 0.85) {
      append(b, analysis, reasoningNode(b, "EXECUTOR", analysis.lastTool));
    } else {
      append(b, analysis, llmCallNode(b, "analysis", "EXECUTOR", analysis.lastTool));
    }
  }
  append(b, analysis, validationNode(b));
  append(b, analysis, actionNode(b, "EXECUTOR", analysis.lastTool ?? gathered.at(-1) ?? null));
}
