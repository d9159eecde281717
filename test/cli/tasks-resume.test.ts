import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runTasksCommand } from "../../cli/tasks.ts";
import { type LlmServer, startLlmServer } from "../helpers/llm-server.ts";

// Resume, cache, SIGTERM and budget through the command line, against the local OpenAI-compatible server.

const VALID = "TASK: Check whether wifi is enabled\nTRAJECTORY: get_wifi_status\nCATEGORIES: [setting]";
// The CLI from source (Node strips the types), so the test does not wait for a build of dist/.
const CLI = join(import.meta.dirname, "..", "..", "cli", "main.ts");
let dir: string;
let server: LlmServer | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "agentsynth-resume-"));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

function io(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

const args = (count: number, extra: string[] = []) => [
  "tasks",
  "--categories",
  "setting",
  "--count",
  String(count),
  "--provider",
  "openai",
  "--model",
  "gpt-4o-mini",
  "--base-url",
  (server as LlmServer).openaiBaseURL,
  "--out",
  dir,
  ...extra,
];

it("keeps finished tasks and writes report.json on SIGTERM; the rerun repeats no cached call", async () => {
  server = await startLlmServer(() => ({ text: VALID }), { delayMs: 60 });
  const child = spawn(process.execPath, [CLI, ...args(40, ["--concurrency", "4"])], {
    env: { ...process.env, OPENAI_API_KEY: "test-key" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  // Wait until a dozen replies were paid for, then stop the run.
  while (server.requests.length < 12) await new Promise((resolve) => setTimeout(resolve, 20));
  child.kill("SIGTERM");
  expect(await exited).toBe(143);
  expect(stderr).toContain("SIGTERM: stopping");
  const killedCalls = server.requests.length;
  const kept = (await readFile(join(dir, "tasks.jsonl"), "utf8")).trimEnd().split("\n");
  const report = JSON.parse(await readFile(join(dir, "report.json"), "utf8"));
  expect(report.stopped_by).toBe("SIGTERM");
  expect(kept.length).toBe(report.produced);
  expect(report.produced).toBeGreaterThan(0);
  expect(report.interrupted).toBe(40 - report.produced);
  expect(report.failures).toStrictEqual([]);
  expect(kept.map((line) => JSON.parse(line).index)).toStrictEqual(
    [...kept.map((line) => JSON.parse(line).index)].sort((a, b) => a - b),
  );

  // The same command again: cached replies are not paid twice; only the calls in flight at the kill are repeated.
  const rerun = io({ OPENAI_API_KEY: "test-key" });
  expect(await runTasksCommand(args(40, ["--concurrency", "4"]).slice(1), rerun.io)).toBe(0);
  const rerunReport = JSON.parse(await readFile(join(dir, "report.json"), "utf8"));
  expect(rerunReport.produced).toBe(40);
  expect(rerunReport.calls.cache_hits).toBe(report.produced);
  expect(killedCalls).toBeGreaterThanOrEqual(report.produced);
  expect(server.requests.length).toBeLessThanOrEqual(40 + 4);
  const full = await readFile(join(dir, "tasks.jsonl"), "utf8");

  // A third run is served entirely from the cache and writes the same bytes.
  const before = server.requests.length;
  expect(await runTasksCommand(args(40).slice(1), io({ OPENAI_API_KEY: "test-key" }).io)).toBe(0);
  expect(server.requests.length).toBe(before);
  expect(await readFile(join(dir, "tasks.jsonl"), "utf8")).toBe(full);
  expect(JSON.parse(await readFile(join(dir, "report.json"), "utf8")).calls).toMatchObject({ made: 0, cache_hits: 40 });
}, 180_000);

it("stops starting calls when --max-cost is reached and says so", async () => {
  server = await startLlmServer(() => ({ text: VALID, usage: { inputTokens: 1_000_000, outputTokens: 0 } }));
  const prices = join(dir, "prices.json");
  await writeFile(prices, JSON.stringify({ "budget-model": { input: 1, output: 2 } }));
  const capture = io({ OPENAI_API_KEY: "test-key" });
  const code = await runTasksCommand(
    [...args(5, ["--concurrency", "1", "--prices", prices, "--max-cost", "2.5"]).slice(1), "--model", "budget-model"],
    capture.io,
  );
  expect(code).toBe(1);
  const report = JSON.parse(await readFile(join(dir, "report.json"), "utf8"));
  // Each call costs $1: three calls reach $2.5, the other two tasks are refused.
  expect(report.calls).toMatchObject({ made: 3, spent_usd: 3 });
  expect(report.cost_usd).toBe(3);
  expect(report.budget).toStrictEqual({ max_cost_usd: 2.5, reached: true, calls_refused: 2, tasks_stopped: 2 });
  expect(report.failures.map((f: { code: string }) => f.code)).toStrictEqual(["budget_exceeded", "budget_exceeded"]);
  expect(capture.stdout()).toContain("Budget reached: --max-cost $2.5 stopped 2 tasks.");
  const lines = (await readFile(join(dir, "tasks.jsonl"), "utf8")).trimEnd().split("\n");
  expect(lines.map((line) => JSON.parse(line).cost_usd)).toStrictEqual([1, 1, 1, 0, 0]);
});

it("estimates calls, tokens and cost with --dry-run without calling the model", async () => {
  server = await startLlmServer(() => ({ text: VALID }));
  const capture = io({ OPENAI_API_KEY: "test-key" });
  expect(await runTasksCommand([...args(10, ["--dry-run", "--batch-api"]).slice(1)], capture.io)).toBe(0);
  expect(server.requests).toHaveLength(0);
  const estimate = JSON.parse(capture.stdout());
  expect(estimate).toMatchObject({
    dry_run: true,
    tasks: 10,
    calls: { expected: 10, max: 30, cached: 0 },
    batch_api: true,
  });
  expect(estimate.tokens.input_expected).toBeGreaterThan(1000);
  // gpt-4o-mini at $0.15 / $0.60 per million tokens, halved by the Batch API.
  const expected = ((estimate.tokens.input_expected * 0.15 + estimate.tokens.output_expected * 0.6) / 1e6) * 0.5;
  expect(estimate.cost_usd.expected).toBeCloseTo(expected, 8);
});

it("rejects a bad --max-cost and --batch-api with the template provider", async () => {
  const capture = io({});
  const code = await runTasksCommand(
    ["--categories", "setting", "--count", "1", "--out", dir, "--max-cost", "free", "--batch-api"],
    capture.io,
  );
  expect(code).toBe(2);
  expect(capture.stderr()).toContain('--max-cost must be a positive number of US dollars, e.g. 5 or 0.25 (got "free")');
  expect(capture.stderr()).toContain("--batch-api needs --provider openai or anthropic");
});
