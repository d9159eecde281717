import { createRandomizer, publicSeed, type Randomizer, type Seed } from "../random.ts";
import { applyBenign, eventCost, planBenign } from "./benign.ts";
import { TrajectoryBuilder } from "./builder.ts";
import type { TrajectoryConfig } from "./config.ts";
import { composeTask, taskTopic } from "./content/topic.ts";
import { PATTERN_TASK_CATEGORIES, type PatternSettings, STRUCTURAL_MIN_NODES } from "./defaults.ts";
import type { EdgeEndpoints } from "./endpoints.ts";
import { drawId } from "./ids.ts";
import type { Trajectory } from "./model.ts";
import { PATTERN_BUILDERS } from "./patterns/index.ts";
import { splitOf } from "./splits.ts";
import { applyVariance } from "./variance.ts";
import type { PatternName } from "./vocabulary.ts";

/** Trajectory start times spread over 30 days after the epoch, so a dataset does not all start at one instant. */
const START_SPREAD_MS = 30 * 86_400_000;

/**
 * Nodes of a trajectory's drawn size that benign noise leaves free, whatever it draws: room for the smallest effect
 * of any anomaly (a rejected validation plus its rework and re-check), so an anomalous trajectory stays within its
 * drawn size without its noise differing from the normal twin's.
 */
const NOISE_HEADROOM = 3;

/** A built trajectory before finalize: its graph, durations and latencies are set, times and metrics are not. */
export interface TrajectoryDraft {
  readonly trajectory: Trajectory;
  /** The builder that made it (content stream, id stream), for adding nodes from the same distributions. */
  readonly builder: TrajectoryBuilder;
  /** The trajectory's start, to pass to `finalizeTrajectory`. */
  readonly startMs: number;
  /** Its edges' endpoints as node positions, for `finalizeTrajectory` while the graph stays as drafted. */
  readonly endpoints: EdgeEndpoints;
}

/**
 * How many of the `nodeCount` nodes drawn for a trajectory of `pattern` the pattern builds, when benign noise will
 * add `reserved` of them; the anomaly step adds the rest, so an anomalous trajectory ends up with as many nodes as a
 * normal one drawn alike.
 */
export type NodeBudget = (pattern: PatternName, nodeCount: number, reserved: number) => number;

/**
 * Steps 1–2 of generation: pattern → build → variance. Every draw comes from `createRandomizer(seed, "trajectory",
 * index)`, so the draft depends only on (config, seed, index). `budget` (the anomaly step's) makes the pattern
 * build fewer nodes than drawn; the draws are the same either way, and the plan still estimates the drawn size.
 */
export function draftTrajectory(
  config: TrajectoryConfig,
  seed: Seed,
  index: number,
  budget?: NodeBudget,
): TrajectoryDraft {
  const rng = createRandomizer(seed, "trajectory", index);
  const pattern = config.patternNames[rng.weightedIndex(config.patternWeights)] as PatternName;
  const settings = config.patterns[pattern] as PatternSettings;
  const nodeCount = rng.int(settings.minNodes, settings.maxNodes);
  const category = rng.pick(PATTERN_TASK_CATEGORIES[pattern]);
  const templates = config.taskTemplates[category];
  const task = templates === undefined ? composeTask(rng, category) : rng.pick(templates);
  const startMs = config.epochMs + rng.int(0, START_SPREAD_MS - 1);
  const trajectoryId = drawId(rng);
  // One stream for content and ids: a fork costs a seed hash per trajectory, measurable at this rate.
  const builder = new TrajectoryBuilder(config, taskTopic(task), rng, rng);
  // Benign noise is drawn against the drawn size, so a trajectory has the same noise whether or not an anomaly is
  // injected; the pattern builds what is left after the anomaly's and the noise's nodes.
  const floor = STRUCTURAL_MIN_NODES[pattern];
  const noise = planBenign(rng, config.benign, pattern, nodeCount - floor - NOISE_HEADROOM);
  const cost = noise.reduce((sum, event) => sum + eventCost(event, pattern), 0);
  const build = budget === undefined ? Math.max(floor, nodeCount - cost) : budget(pattern, nodeCount, cost);
  PATTERN_BUILDERS[pattern](builder, build, task, nodeCount);
  const endpoints = applyBenign(builder, noise, config.benign, pattern);
  const trajectory: Trajectory = {
    trajectory_id: trajectoryId,
    seed: publicSeed(seed),
    index,
    split: splitOf(seed, index, config.anomalies, config.splits),
    pattern,
    task_category: category,
    task_description: task,
    status: "completed",
    start_time: "",
    end_time: "",
    total_duration: 0,
    nodes: builder.nodes,
    edges: builder.edges,
    metadata: {
      agent_types: [],
      tool_usage: [],
      is_anomalous: false,
      anomaly_types: [],
      anomaly_severity: null,
      anomalies: [],
      completion_rate: 0,
      success: false,
      total_nodes: 0,
      total_edges: 0,
      total_tool_calls: 0,
      total_handoffs: 0,
      total_errors: 0,
      average_node_duration: 0,
      tags: [],
    },
  };
  applyVariance(trajectory, rng);
  return { trajectory, builder, startMs, endpoints };
}

export type { Randomizer };
