import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runShardsOnWorkers } from "../../cli/shard-pool.ts";
import { planShards } from "../../core/dataset/plan.ts";
import { parseTrajectoryDatasetSpec } from "../../core/dataset/spec.ts";
import { runCli } from "../helpers/cli.ts";

const roots: string[] = [];
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), "agentsynth-resume-"));
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

const run = runCli;

/** Every file under `dir` by relative path, with its bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

function expectSameFiles(actual: string, expected: string): void {
  const got = snapshot(actual);
  const want = snapshot(expected);
  expect([...got.keys()].sort()).toStrictEqual([...want.keys()].sort());
  for (const [path, bytes] of want) expect(got.get(path)?.equals(bytes), path).toBe(true);
}

function tempFiles(dir: string): string[] {
  return [...snapshot(dir).keys()].filter((path) => path.split("/").some((segment) => segment.startsWith(".~")));
}

function doneRecords(dir: string): number {
  const done = join(dir, "status", "done");
  return existsSync(done) ? readdirSync(done).filter((name) => name.endsWith(".json")).length : 0;
}

// 16 shards of 500: long enough on two threads to be stopped halfway.
const ARGS = ["--count", "8000", "--shard-size", "500", "--seed", "5", "--anomaly-ratio", "0.2", "--quiet"];
let reference: string;

beforeAll(async () => {
  reference = join(tmp(), "reference");
  const result = await run(["trajectories", ...ARGS, "--workers", "1", "--out", reference]);
  expect(result.code).toBe(0);
}, 120_000);

/** The CLI as a child process (from source), stopped with `signal` once `records` shards are recorded. */
async function interruptedRun(out: string, signal: NodeJS.Signals, records: number) {
  const child: ChildProcess = spawn(
    process.execPath,
    ["cli/main.ts", "trajectories", ...ARGS, "--workers", "2", "--out", out],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, "exit");
  const started = performance.now();
  while (doneRecords(out) < records) {
    if (child.exitCode !== null) throw new Error(`the run ended before it could be interrupted: ${stderr}`);
    if (performance.now() - started > 60_000) throw new Error("the run never got going");
    await delay(20);
  }
  child.kill(signal);
  const [code, killedBy] = (await exited) as [number | null, NodeJS.Signals | null];
  return { code, killedBy, stderr };
}

describe("agentsynth trajectories --resume", () => {
  it("finishes a run killed with SIGKILL byte-identical to an uninterrupted one, leaving no temp file", async () => {
    const out = join(tmp(), "out");
    const killed = await interruptedRun(out, "SIGKILL", 4);
    expect(killed.killedBy).toBe("SIGKILL");
    expect(existsSync(join(out, "manifest.json"))).toBe(false);
    // What a write cut short leaves behind (the kill may or may not have caught one in flight).
    writeFileSync(join(out, "shards", ".~00015.jsonl.0123456789abcdef.tmp"), "half a shard");

    const notDone = await run(["verify", out]);
    expect(notDone.code).toBe(1);
    expect(notDone.stderr).toMatch(/no manifest\.json: the run did not finish.*--resume/);

    const resumed = await run(["trajectories", ...ARGS, "--workers", "2", "--resume", "--out", out]);

    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resume: \d+ of 16 shard\(s\) verified and kept, \d+ to write/);
    expect(resumed.stdout).toMatch(/wrote 8,000 trajectories in 16 shard\(s\).*kept from the interrupted run/);
    expect(tempFiles(out)).toStrictEqual([]);
    expectSameFiles(out, reference);
  }, 120_000);

  it("stops cleanly on SIGTERM: whole shards with records, exit 143, and a hint to resume", async () => {
    const out = join(tmp(), "out");
    const stopped = await interruptedRun(out, "SIGTERM", 2);

    expect(stopped.code).toBe(143);
    expect(stopped.stderr).toMatch(/interrupted: \d+ of 16 shard\(s\) are written to .*--resume/);
    expect(stopped.stderr).not.toMatch(/\n\s+at /);
    expect(tempFiles(out)).toStrictEqual([]);
    const resumed = await run(["trajectories", ...ARGS, "--workers", "2", "--resume", "--out", out]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).not.toMatch(/rewriting/);
    expectSameFiles(out, reference);
  }, 120_000);

  it("verify finds truncated, missing and altered shards, and --resume rewrites exactly those", async () => {
    const out = join(tmp(), "out");
    expect((await run(["trajectories", ...ARGS, "--workers", "1", "--out", out])).code).toBe(0);
    const shard = (index: number) => join(out, "shards", `${String(index).padStart(5, "0")}.jsonl`);
    truncateSync(shard(1), statSync(shard(1)).size - 100);
    unlinkSync(shard(2));
    const altered = readFileSync(shard(3));
    altered[10] = altered[10] === 0x41 ? 0x42 : 0x41;
    writeFileSync(shard(3), altered);

    const verified = await run(["verify", out]);

    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(/FAIL shards\/00001\.jsonl: [\d,]+ bytes, the manifest says [\d,]+ \(truncated/);
    expect(verified.stdout).toMatch(/FAIL shards\/00002\.jsonl: missing/);
    expect(verified.stdout).toMatch(/FAIL shards\/00003\.jsonl: sha256 [0-9a-f]{12}\.\.\., the manifest says/);
    expect(verified.stdout).toMatch(
      /3 of 16 shard\(s\), .* do not match manifest\.json: run "agentsynth trajectories --resume"/,
    );

    const resumed = await run(["trajectories", ...ARGS, "--workers", "1", "--resume", "--out", out]);

    expect(resumed.code).toBe(0);
    expect(resumed.stderr.match(/resume: rewriting shards\/0000[123]\.jsonl: /g)).toHaveLength(3);
    expect(resumed.stderr).toMatch(/13 of 16 shard\(s\) verified and kept, 3 to write/);
    expectSameFiles(out, reference);
    const clean = await run(["verify", out]);
    expect(clean).toMatchObject({ code: 0 });
    expect(clean.stdout).toMatch(/^ok: 16 shard\(s\), [\d.]+ MB, in .* match manifest\.json/);
  }, 120_000);

  it("refuses to resume a directory started with another spec, naming what differs", async () => {
    const out = join(tmp(), "out");
    expect((await run(["trajectories", "--count", "30", "--seed", "1", "--quiet", "--out", out])).code).toBe(0);

    const other = await run(["trajectories", "--count", "30", "--seed", "2", "--resume", "--out", out]);

    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/was started with a different spec \(seed\)/);
    expect(other.stderr).toMatch(/seed: was 1 \(got 2\)/);
  });
});

describe("the CLI worker pool", () => {
  it("retries the shard of a thread that died mid-write: byte-identical output, no temp file left", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    const markerDir = join(dir, "marker");
    const spec = parseTrajectoryDatasetSpec({ seed: 5, total: 8_000, shard_size: 500, anomaly_ratio: 0.2 });
    mkdirSync(markerDir);

    const result = await runShardsOnWorkers({
      spec,
      outDir: out,
      plan: planShards(spec.total, spec.shard_size, spec.start_index).slice(0, 6),
      workers: 2,
      onProgress: () => undefined,
      handler: {
        moduleUrl: new URL("./fixtures/crashing-shard-handler.ts", import.meta.url),
        exportName: "createCrashingShardHandler",
        workerData: { spec, outDir: out, crashShard: 3, markerDir },
      },
    });

    const crash = JSON.parse(readFileSync(join(markerDir, "crash.json"), "utf8")) as { shard: number; temps: string[] };
    expect(crash.shard).toBe(3);
    expect(crash.temps.some((name) => name.startsWith(".~00003.jsonl."))).toBe(true);
    expect(result.interrupted).toBe(false);
    expect(result.records.map((record) => record.index)).toStrictEqual([0, 1, 2, 3, 4, 5]);
    expect(tempFiles(out)).toStrictEqual([]);
    for (let index = 0; index < 6; index++) {
      const key = `shards/${String(index).padStart(5, "0")}.jsonl`;
      expect(readFileSync(join(out, key)).equals(readFileSync(join(reference, key))), key).toBe(true);
    }
  }, 120_000);
});
