import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { siblingModule } from "../core/module-url.ts";

export interface ChildResult {
  code: number;
  seconds: number;
  /** CPU time of the whole process (user + system). */
  cpuSeconds: number;
  peakRssMb: number;
}

/**
 * Runs `agentsynth <args>` in a child process (see child.ts) and returns its time and peak RSS. `child` is another
 * build's compiled child.js (the baseline the trajectory bench compares against).
 */
export function runCliMeasured(
  args: string[],
  child: string = fileURLToPath(siblingModule("child", import.meta.url)),
): ChildResult {
  const output = execFileSync(process.execPath, [child, ...args], { encoding: "utf8", maxBuffer: 1 << 20 });
  const last = output.trim().split("\n").at(-1) ?? "{}";
  return JSON.parse(last) as ChildResult;
}

export function fmt(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/**
 * The least time each named part of a measurement took over `passes` runs of `pass` (which returns milliseconds per
 * part): the best pass filters out other tenants' noise on shared cores.
 */
export function bestOfPasses<K extends string>(
  passes: number,
  pass: (index: number) => Record<K, number>,
): Record<K, number> {
  const best = pass(0);
  for (let index = 1; index < passes; index++) {
    const spent = pass(index);
    for (const key of Object.keys(best) as K[]) best[key] = Math.min(best[key], spent[key]);
  }
  return best;
}
