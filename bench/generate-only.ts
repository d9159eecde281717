// Child process of the formats bench: generates the trajectories of a `trajectories --count N --seed S` run in
// process, one after another, and serialises nothing, then prints its CPU time as JSON. Every format's run costs at
// least this, so its rate is the ceiling of any format's rate per core.

import { generateTrajectory } from "../core/dataset/generate-trajectory.ts";
import { resolveDatasetConfig } from "../core/dataset/resolve-config.ts";
import { parseTrajectoryDatasetSpec } from "../core/dataset/spec.ts";

const [count, seed] = process.argv.slice(2).map(Number) as [number, number];
const config = resolveDatasetConfig(parseTrajectoryDatasetSpec({ seed, total: count }));
let nodes = 0;
for (let i = 0; i < count; i++) nodes += generateTrajectory(config, seed, i).nodes.length;
const usage = process.resourceUsage();
const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
console.log(JSON.stringify({ nodes, cpuSeconds }));
