import { describe, expect, it } from "vitest";
import { generateTrajectory } from "../../../core/dataset/generate-trajectory.ts";
import { createRandomizer } from "../../../core/random.ts";
import {
  composeTask,
  contradictQuote,
  driftTopic,
  restateStep,
  resultQuote,
  stepInput,
  taskTopic,
} from "../../../core/trajectory/content/index.ts";
import {
  DEFAULT_TRAJECTORY_CONFIG,
  type NodeOf,
  parseTrajectoryConfig,
  type Trajectory,
  type TrajectoryNode,
} from "../../../core/trajectory/index.ts";

const COUNT = 2000;
const trajectories: Trajectory[] = Array.from({ length: COUNT }, (_, i) =>
  generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, i),
);

type ToolNode = NodeOf<"TOOL_CALL">;

function dependencyInputs(t: Trajectory): Map<string, TrajectoryNode[]> {
  const byId = new Map(t.nodes.map((node) => [node.node_id, node]));
  const inputs = new Map<string, TrajectoryNode[]>();
  for (const edge of t.edges) {
    if (edge.edge_type !== "data_dependency") continue;
    const list = inputs.get(edge.target_node_id) ?? [];
    list.push(byId.get(edge.source_node_id) as TrajectoryNode);
    inputs.set(edge.target_node_id, list);
  }
  return inputs;
}

describe("task descriptions", () => {
  it("are mostly distinct over 2,000 trajectories (they were 20)", () => {
    const distinct = new Set(trajectories.map((t) => t.task_description));
    expect(distinct.size).toBeGreaterThan(1800);
  });

  it("compose the parts of their category: analysis names a file, development an API", () => {
    const rng = createRandomizer(1, "tasks");
    for (let i = 0; i < 200; i++) {
      expect(taskTopic(composeTask(rng, "analysis")).file).toMatch(/^[a-z_]+_(?:q\d|h\d|\d{4})\.(?:csv|xlsx|parquet)$/);
      expect(taskTopic(composeTask(rng, "development")).api).toMatch(/ API$/);
    }
  });

  it("keep a configured template verbatim and compose only the categories left out", () => {
    const config = parseTrajectoryConfig({
      data_generation: { task_templates: { analysis: ["Audit the cloud bill"] } },
    });
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const t = generateTrajectory(config, 3, i);
      if (t.task_category === "analysis") expect(t.task_description).toBe("Audit the cloud bill");
      else seen.add(t.task_description);
    }
    expect(seen.size).toBeGreaterThan(100);
  });
});

describe("taskTopic", () => {
  it("reads subject, context, file and API from a description", () => {
    expect(taskTopic("Evaluate churn rate in orders_q3.csv by region")).toMatchObject({
      subject: "churn rate",
      context: "region",
      file: "orders_q3.csv",
      api: null,
      slug: "churn_rate",
      kind: "measure",
    });
    expect(taskTopic("Build a retry queue for the checkout service using the Stripe Payments API")).toMatchObject({
      subject: "retry queue",
      context: "checkout service",
      api: "Stripe Payments API",
      kind: "build",
    });
    expect(taskTopic("Audit the cloud bill").subject).toBe("cloud bill");
  });
});

describe("tool calls", () => {
  it("take their parameters from the task: queries, metrics and tasks contain its subject; files and APIs it names", () => {
    let searches = 0;
    let named = 0;
    for (const t of trajectories) {
      const topic = taskTopic(t.task_description);
      for (const node of t.nodes) {
        if (node.node_type !== "TOOL_CALL") continue;
        const p = node.tool_parameters;
        if (node.tool_type === "WEB_SEARCH") {
          expect(String(p.query)).toContain(topic.subject);
          searches++;
        }
        if (node.tool_type === "ANALYZE_DATA" && topic.file !== null) {
          expect(p.dataset).toBe(topic.file);
          named++;
        }
        if (node.tool_type === "EXTERNAL_API" && topic.api !== null) {
          expect(p.api).toBe(topic.api);
          named++;
        }
        if (node.tool_type === "WRITE_CODE") expect(String(p.task)).toContain(topic.subject);
      }
    }
    expect(searches).toBeGreaterThan(500);
    expect(named).toBeGreaterThan(100);
  });

  it("read the source the search just before found", () => {
    let chained = 0;
    for (const t of trajectories) {
      const byId = new Map(t.nodes.map((node) => [node.node_id, node]));
      for (const edge of t.edges) {
        if (edge.edge_type !== "execution_flow") continue;
        const [from, to] = [byId.get(edge.source_node_id), byId.get(edge.target_node_id)];
        if (from?.node_type !== "TOOL_CALL" || to?.node_type !== "TOOL_CALL") continue;
        if (from.tool_type !== "WEB_SEARCH" || to.tool_type !== "READ_DOCUMENT" || from.status !== "completed")
          continue;
        expect(to.tool_parameters.document).toBe(from.tool_result.top_url);
        chained++;
      }
    }
    expect(chained).toBeGreaterThan(100);
  });
});

describe("LLM calls and reasoning", () => {
  it("quote the result of the tool call they consume, and the prompt refers to the task", () => {
    let quoted = 0;
    for (const t of trajectories.slice(0, 500)) {
      const topic = taskTopic(t.task_description);
      const inputs = dependencyInputs(t);
      for (const node of t.nodes) {
        const tools = (inputs.get(node.node_id) ?? []).filter(
          (input): input is ToolNode => input.node_type === "TOOL_CALL" && resultQuote(input) !== null,
        );
        if (tools.length === 0) continue;
        const quotes = tools.map((tool) => resultQuote(tool) as string);
        if (node.node_type === "LLM_CALL") {
          expect(quotes.some((quote) => node.llm_prompt.includes(quote))).toBe(true);
          expect(node.llm_prompt.includes(topic.subject) || node.llm_prompt.includes(topic.text)).toBe(true);
          quoted++;
        } else if (node.node_type === "REASONING") {
          expect(
            quotes.some((quote) => node.reasoning_output.conclusion.toLowerCase().includes(quote.toLowerCase())),
          ).toBe(true);
          quoted++;
        }
      }
    }
    // Enough consuming steps to mean something (benign re-plans, polls and revisits take some of the budget).
    expect(quoted).toBeGreaterThan(250);
  });

  it("say more than a few dozen distinct prompts (they were 16)", () => {
    const prompts = new Set<string>();
    for (const t of trajectories)
      for (const node of t.nodes) if (node.node_type === "LLM_CALL") prompts.add(node.llm_prompt);
    expect(prompts.size).toBeGreaterThan(2000);
  });
});

describe("the final answer", () => {
  it("names the task's subject in every completed trajectory", () => {
    for (const t of trajectories) {
      const action = t.nodes.find((node) => node.node_type === "ACTION");
      if (action?.node_type !== "ACTION") throw new Error(`trajectory ${t.index} has no ACTION`);
      expect(action.final_output.toLowerCase()).toContain(taskTopic(t.task_description).subject.toLowerCase());
    }
  });
});

describe("content API for the anomaly layer", () => {
  const rng = createRandomizer(9, "content-api");

  it("driftTopic gives a topic sharing no keyword with the task", () => {
    let disjoint = 0;
    for (const t of trajectories.slice(0, 300)) {
      const topic = taskTopic(t.task_description);
      const drifted = driftTopic(rng, topic);
      expect(drifted.text).not.toBe(topic.text);
      if (!drifted.keywords.some((word) => topic.keywords.includes(word))) disjoint++;
    }
    expect(disjoint).toBeGreaterThan(290);
  });

  it("contradictQuote changes the stated percentage and nothing else", () => {
    for (let i = 0; i < 200; i++) {
      const quote = `churn rate rose ${(i / 3).toFixed(1)}% year on year (p. 4)`;
      const wrong = contradictQuote(rng, quote);
      expect(wrong).not.toBe(quote);
      expect(wrong).toMatch(/^churn rate rose \d+\.\d% year on year \(p\. 4\)$/);
    }
  });

  it("contradictQuote with a relative error states the value that much above or below the original", () => {
    for (let i = 0; i < 200; i++) {
      const original = 10 + i / 10;
      const quote = `churn rate rose ${original.toFixed(1)}% year on year`;
      const wrong = contradictQuote(rng, quote, 0.2);
      const stated = Number(/(\d+\.\d)%/.exec(wrong)?.[1]);
      expect(wrong).not.toBe(quote);
      const ratio = stated / original;
      expect(Math.abs(ratio - 1.2) < 0.01 || Math.abs(ratio - 1 / 1.2) < 0.01).toBe(true);
    }
  });

  it("restateStep makes an LLM call state a value the tool did not return, while its prompt quotes the real one", () => {
    const t = trajectories.find((candidate) =>
      candidate.nodes.some((node) => node.node_type === "LLM_CALL" && node.llm_purpose === "reasoning"),
    ) as Trajectory;
    const llm = t.nodes.find((node) => node.node_type === "LLM_CALL") as NodeOf<"LLM_CALL">;
    const tool = trajectories
      .flatMap((candidate) => candidate.nodes)
      .find(
        (node): node is ToolNode => node.node_type === "TOOL_CALL" && node.tool_type === "ANALYZE_DATA",
      ) as ToolNode;
    const real = resultQuote(tool) as string;
    const wrong = contradictQuote(rng, real);
    restateStep(rng, taskTopic(t.task_description), llm, { tool, stated: wrong });
    expect(llm.llm_prompt).toContain(real);
    expect(llm.llm_response).toContain(wrong);
    expect(llm.llm_response).not.toContain(real);
    restateStep(rng, taskTopic(t.task_description), llm, stepInput(tool));
    expect(llm.llm_response).toContain(real);
  });
});
