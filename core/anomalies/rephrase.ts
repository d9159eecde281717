import type { Randomizer } from "../random.ts";
import type { TrajectoryNode } from "../trajectory/model.ts";

/**
 * How an agent that makes no progress repeats itself in a real trace: not byte for byte. A model sampled again
 * words the same request and the same answer a little differently ("<query> latest", "Checking again: ..."), while
 * what it asks and what it learns stay the same. Code that repeats a call (a poll, a framework retry) sends the
 * identical request, so exact repeats are the benign ones; at the `realistic` and `hard` difficulties an anomaly's
 * repetitions are rephrased, and telling "the same work again" from new work takes reading, not string equality.
 */
export function rephraseRepeat(rng: Randomizer, node: TrajectoryNode): void {
  switch (node.node_type) {
    case "TOOL_CALL": {
      const key = Object.keys(node.tool_parameters).find((name) => isPhrase(node.tool_parameters[name]));
      if (key !== undefined) {
        node.tool_parameters = { ...node.tool_parameters, [key]: requery(rng, node.tool_parameters[key] as string) };
      }
      return;
    }
    case "LLM_CALL":
      node.llm_prompt = `${rng.pick(PROMPT_OPENERS)}${node.llm_prompt}`;
      node.llm_response = `${rng.pick(ANSWER_OPENERS)}${lowerFirst(node.llm_response)}`;
      return;
    case "REASONING":
      node.reasoning_output = {
        ...node.reasoning_output,
        conclusion: `${rng.pick(ANSWER_OPENERS)}${lowerFirst(node.reasoning_output.conclusion)}`,
      };
      return;
    case "PLANNING":
      node.planning_output = {
        ...node.planning_output,
        strategy: `${rng.pick(PLAN_OPENERS)}${lowerFirst(node.planning_output.strategy)}`,
      };
      return;
    default:
      return;
  }
}

const PROMPT_OPENERS = ["Try again. ", "Once more: ", "Re-check: ", "Again, "] as const;
const ANSWER_OPENERS = ["As before, ", "Again: ", "Still, ", "To confirm, ", "Checking again, "] as const;
const PLAN_OPENERS = ["Revised: ", "Plan (again): ", "Restating the plan: "] as const;
const QUERY_WORDS = ["latest", "overview", "details", "explained", "summary", "data"] as const;

/** A free-text parameter (a query, a topic, a task), not a path, URL, key or identifier. */
function isPhrase(value: unknown): value is string {
  return typeof value === "string" && value.includes(" ") && !/[/:]/.test(value);
}

/** The same request worded again: a qualifier added, or the one it already ends with swapped for another. */
function requery(rng: Randomizer, query: string): string {
  const words = query.split(" ");
  const last = words.at(-1) as string;
  const stem = (QUERY_WORDS as readonly string[]).includes(last) ? words.slice(0, -1).join(" ") : query;
  const options = QUERY_WORDS.filter((word) => word !== last);
  return `${stem} ${rng.pick(options)}`;
}

function lowerFirst(text: string): string {
  return text.length === 0 ? text : `${text[0]?.toLowerCase()}${text.slice(1)}`;
}
