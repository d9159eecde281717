// Runs one CLI command in a fresh process and prints its wall time and peak RSS as JSON on the last line, so each
// benchmark case is measured alone (worker threads count toward the same process's RSS).
import { main } from "../cli/main.ts";

const sink = { write() {} };
const started = performance.now();
const code = await main(process.argv.slice(2), { stdout: sink, stderr: sink, env: process.env });
const seconds = (performance.now() - started) / 1000;
// resourceUsage().maxRSS is in kilobytes.
console.log(JSON.stringify({ code, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
process.exit(code);
