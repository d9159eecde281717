// Runs one CLI command in a fresh process and prints its wall time and peak RSS as JSON on the last line, so each
// benchmark case is measured alone (worker threads count toward the same process's RSS).
import { main } from "../cli/main.ts";

const sink = { write() {} };
const started = performance.now();
const code = await main(process.argv.slice(2), { stdout: sink, stderr: sink, env: process.env });
const seconds = (performance.now() - started) / 1000;
// resourceUsage().maxRSS is in kilobytes.
const usage = process.resourceUsage();
// CPU seconds (user + system, all threads): on shared cores the wall time of a one-worker run includes waiting for a
// core, and this does not.
const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
console.log(JSON.stringify({ code, seconds, cpuSeconds, peakRssMb: usage.maxRSS / 1024 }));
process.exit(code);
