import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { makeReadOnly } from "../helpers/read-only-dir.ts";

/** What `npm start` runs, as its own process, so it can be killed for real. */
const LOCAL_SERVER = fileURLToPath(new URL("../../functions/local.ts", import.meta.url));

interface Server {
  url: string;
  child: ChildProcess;
  /** Everything the server printed so far (JSON log lines). */
  output(): string;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "agentsynth-faults-"));
  dirs.push(dir);
  return dir;
}

async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, [LOCAL_SERVER], {
    env: { ...process.env, PORT: "0", DATA_DIR: dataDir, WORKERS: "2", AGENTSYNTH_API_TOKEN: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /API on (http:\/\/[\d.:]+)/.exec(output);
      if (match) {
        clearInterval(timer);
        resolve(match[1] as string);
      }
    }, 20);
    child.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`the local server exited with code ${code}: ${output}`));
    });
  });
  return { url, child, output: () => output };
}

interface Status {
  status: string;
  shards: { total: number; done: number; failed: number; pending: number };
  errors: Array<{ shard: number; code: string; message: string; final: boolean }>;
  hint: string | null;
}

/**
 * The batch's status. A poll whose kept-alive socket the server closed just then ("other side closed", seen on a
 * loaded machine) is sent again on a new one; a server that is gone still fails after the retries.
 */
async function statusOf(server: Server, id: string): Promise<Status> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await (await fetch(`${server.url}/v1/batches/${id}`)).json()) as Status;
    } catch (error) {
      if (attempt === 3 || !(error instanceof TypeError)) throw error;
      await delay(100);
    }
  }
}

async function waitFor(server: Server, id: string, done: (status: Status) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await statusOf(server, id);
    if (done(status)) return status;
    if (Date.now() > deadline) throw new Error(`timed out; last status ${JSON.stringify(status)}`);
    await delay(50);
  }
}

async function submit(server: Server, spec: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${server.url}/v1/batches`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(spec),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

/** Every file under `dir`, relative, with its bytes. */
function filesUnder(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.set(full.slice(dir.length + 1), readFileSync(full));
  }
  return files;
}

const SPEC = { kind: "trajectories", total: 24_000, shard_size: 1_000, seed: 1313, anomaly_ratio: 0.2 };

describe("the local server under faults", () => {
  it("finishes a batch after kill -9 and a restart, byte-identical to an uninterrupted run, with no temp file left", async () => {
    const interruptedDir = tempDir();
    const first = await startServer(interruptedDir);
    const id = await submit(first, SPEC);
    const before = await waitFor(first, id, (status) => status.shards.done >= 3, 60_000);
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));
    expect(before.shards.done).toBeLessThan(before.shards.total);

    // No resubmission: the restarted server finds the batch and queues what is missing.
    const second = await startServer(interruptedDir);
    const finished = await waitFor(second, id, (status) => status.status === "complete", 120_000);
    expect(finished.shards).toStrictEqual({ total: 24, done: 24, failed: 0, pending: 0 });
    expect(second.output()).toContain('"message":"resumed batch"');

    const cleanDir = tempDir();
    const clean = await startServer(cleanDir);
    expect(await submit(clean, SPEC)).toBe(id);
    await waitFor(clean, id, (status) => status.status === "complete", 120_000);

    const interrupted = filesUnder(join(interruptedDir, "datasets", id));
    const uninterrupted = filesUnder(join(cleanDir, "datasets", id));
    const dataFiles = (files: Map<string, Buffer>) =>
      [...files.keys()].filter((key) => !key.startsWith("status/")).sort();
    expect(dataFiles(interrupted)).toStrictEqual(dataFiles(uninterrupted));
    for (const key of dataFiles(uninterrupted)) {
      expect(interrupted.get(key)?.equals(uninterrupted.get(key) as Buffer), key).toBe(true);
    }
    expect(dataFiles(interrupted)).toContain("manifest.json");
    expect([...filesUnder(interruptedDir).keys()].filter((key) => key.includes(".~"))).toStrictEqual([]);
  }, 300_000);

  it("turns a data directory made read-only mid-batch into failed shards with a cause and a log line", async () => {
    const dataDir = tempDir();
    const server = await startServer(dataDir);
    const id = await submit(server, { ...SPEC, seed: 1314 });
    await waitFor(server, id, (status) => status.shards.done >= 1, 60_000);
    const started = Date.now();
    const restore = makeReadOnly(dataDir);
    let status: Status;
    try {
      status = await waitFor(server, id, (current) => current.status === "failed", 60_000);
    } finally {
      restore();
    }
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(status.shards.failed).toBeGreaterThan(0);
    expect(status.shards.failed + status.shards.done).toBe(status.shards.total);
    expect(status.errors[0]).toMatchObject({ code: "storage_failed", final: true });
    expect(status.errors[0]?.message).toMatch(/read-only|permission denied/);
    expect(status.hint).toContain("POST the same spec");
    // Each failure is a structured log line with its code, and says that its record could not be written either.
    const failures = server
      .output()
      .split("\n")
      .filter((line) => line.includes('"message":"shard job failed"'))
      .map((line) => JSON.parse(line) as { level: string; code: string; record_error?: string; batch_id: string });
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toMatchObject({ level: "ERROR", code: "storage_failed", batch_id: id });
    expect(failures[0]?.record_error).toBeDefined();

    // With write access back, posting the spec again finishes the batch.
    await submit(server, { ...SPEC, seed: 1314 });
    await waitFor(server, id, (current) => current.status === "complete", 120_000);
  }, 300_000);
});
