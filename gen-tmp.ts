import { writeFileSync, openSync, writeSync, closeSync } from "node:fs";
import { generateTrajectory } from "./core/dataset/generate-trajectory.ts";
import { parseTrajectoryConfig, serializeTrajectory } from "./core/trajectory/index.ts";
const [out, count] = process.argv.slice(2);
const config = parseTrajectoryConfig({ anomaly_injection: { ratio: 0.5 } });
const fd = openSync(out, "w");
for (let i = 0; i < Number(count); i++) writeSync(fd, serializeTrajectory(generateTrajectory(config, 20260101, i)) + "\n");
closeSync(fd);
