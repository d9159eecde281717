// `npm run bench [-- names...] [--quick]`: prints the figures of each benchmark. Not a test: nothing here asserts.
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { quick: { type: "boolean" } } });
const quick = values.quick ?? false;

const suites: Record<string, () => Promise<string[]>> = {
  trajectories: async () => (await import("./trajectories.ts")).benchTrajectories({ large: !quick }),
  content: async () => (await import("./content-cost.ts")).benchContentCost({ quick }),
  formats: async () => (await import("./formats.ts")).benchFormats({ quick }),
  anomalies: async () => (await import("./anomalies.ts")).benchAnomalies(),
  separability: async () => (await import("./separability.ts")).benchSeparability({ quick }),
  tasks: async () => [
    ...(await (await import("./tasks-rate-limit.ts")).benchRateLimitedTasks()),
    ...(await (await import("./tasks.ts")).benchTasks()),
  ],
  service: async () =>
    (await import("./service.ts")).benchService(quick ? { batchTotal: 100_000, loadSeconds: 3 } : {}),
};

const selected = positionals.length > 0 ? positionals : Object.keys(suites);
for (const name of selected) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown benchmark "${name}"; choose from ${Object.keys(suites).join(", ")}`);
    process.exit(2);
  }
  console.log(`== ${name}`);
  const started = performance.now();
  for (const line of await suite()) console.log(`  ${line}`);
  console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
