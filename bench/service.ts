// The service benchmark: `npm start`'s server in a child process, driven over loopback HTTP from this process.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { siblingModule } from "../core/module-url.ts";
import { fmt } from "./measure.ts";

export interface ServiceBenchOptions {
  /** Trajectories of the local batch (default 1,000,000, as the CLI benchmark). */
  batchTotal?: number;
  /** Seconds of sustained load (default 10). */
  loadSeconds?: number;
  /** Requests in flight at once (default 8). */
  loadConcurrency?: number;
}

interface Reply {
  status: number;
  bytes: number;
}

const LOCAL_SERVER = fileURLToPath(siblingModule("../functions/local", import.meta.url));
/** Trajectories per request under sustained load: a typical small on-demand request. */
const LOAD_COUNT = 10;
const ON_DEMAND_COUNT = 1_000;
const ON_DEMAND_RUNS = 7;

/**
 * On-demand shard latency, sustained POST /v1/trajectories throughput with zero errors, and a large batch through
 * the in-process queue on all cores, all against the real local server.
 */
export async function benchService(options: ServiceBenchOptions = {}): Promise<string[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "agentsynth-service-bench-"));
  const server = await startServer(dataDir);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const lines: string[] = [];
  try {
    lines.push(...(await onDemandLatency(server.url, agent)));
    lines.push(await sustainedLoad(server.url, agent, options.loadSeconds ?? 10, options.loadConcurrency ?? 8));
    lines.push(await localBatch(server.url, agent, options.batchTotal ?? 1_000_000));
  } finally {
    agent.destroy();
    server.child.kill("SIGTERM");
    await new Promise((resolve) => server.child.once("exit", resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
  return lines;
}

async function onDemandLatency(url: string, agent: Agent): Promise<string[]> {
  const lines: string[] = [];
  for (const store of [false, true]) {
    const times: number[] = [];
    let bytes = 0;
    for (let run = 0; run < ON_DEMAND_RUNS; run++) {
      // A new seed each run, so stored shards are generated rather than found.
      const body = { seed: 1000 + run, count: ON_DEMAND_COUNT, store };
      const started = performance.now();
      const reply = await send(url, agent, "POST", "/v1/trajectories", body);
      times.push(performance.now() - started);
      if (reply.status !== (store ? 201 : 200)) throw new Error(`on-demand request failed with ${reply.status}`);
      bytes = reply.bytes;
    }
    const warm = times.slice(1).sort((a, b) => a - b);
    lines.push(
      `on-demand ${fmt(ON_DEMAND_COUNT)} trajectories ${store ? "stored (reply: key + sha256)" : "streamed JSONL"}: ` +
        `first ${fmt(times[0]!)} ms, median ${fmt(warm[Math.floor(warm.length / 2)]!)} ms, best ${fmt(warm[0]!)} ms` +
        (store ? "" : ` (${fmt(bytes / 1e6, 1)} MB per reply)`),
    );
  }
  return lines;
}

async function sustainedLoad(url: string, agent: Agent, seconds: number, concurrency: number): Promise<string> {
  const deadline = performance.now() + seconds * 1000;
  let ok = 0;
  let errors = 0;
  let bytes = 0;
  let seed = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      try {
        const reply = await send(url, agent, "POST", "/v1/trajectories", { seed: seed++, count: LOAD_COUNT });
        if (reply.status === 200) {
          ok += 1;
          bytes += reply.bytes;
        } else errors += 1;
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const elapsed = (performance.now() - started) / 1000;
  return (
    `sustained POST /v1/trajectories (count ${LOAD_COUNT}, ${concurrency} in flight, keep-alive, ${fmt(elapsed, 1)} s): ` +
    `${fmt(ok / elapsed)} requests/s, ${fmt((ok * LOAD_COUNT) / elapsed)} traj/s, ${fmt(bytes / 1e6 / elapsed, 1)} MB/s, ${errors} errors`
  );
}

async function localBatch(url: string, agent: Agent, total: number): Promise<string> {
  const spec = { kind: "trajectories", total, shard_size: 10_000, seed: 42 };
  const started = performance.now();
  const accepted = await send(url, agent, "POST", "/v1/batches", spec, true);
  if (accepted.status !== 202) throw new Error(`batch submission failed with ${accepted.status}`);
  const { id } = JSON.parse(accepted.text ?? "{}") as { id: string };
  let status: { status: string; shards: { total: number; done: number; failed: number } } | undefined;
  for (;;) {
    const reply = await send(url, agent, "GET", `/v1/batches/${id}`, undefined, true);
    status = JSON.parse(reply.text ?? "{}") as typeof status;
    if (status?.status !== "running") break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const seconds = (performance.now() - started) / 1000;
  return (
    `local batch ${fmt(total)} trajectories (${status?.shards.total} shards of 10,000, in-process queue on ${availableParallelism()} worker threads): ` +
    `${status?.status} in ${fmt(seconds, 1)} s wall (${fmt(total / seconds)} traj/s), ${status?.shards.failed} failed shards`
  );
}

function send(
  url: string,
  agent: Agent,
  method: string,
  path: string,
  body: unknown,
  keepText = false,
): Promise<Reply & { text?: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${url}${path}`,
      {
        method,
        agent,
        headers:
          payload === undefined
            ? {}
            : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        let bytes = 0;
        const parts: Buffer[] = [];
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          if (keepText) parts.push(chunk);
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            bytes,
            ...(keepText ? { text: Buffer.concat(parts).toString("utf8") } : {}),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** Starts `node functions/local.ts` (what `npm start` runs) on a free port and waits for its URL. */
async function startServer(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [LOCAL_SERVER], {
    env: { ...process.env, PORT: "0", DATA_DIR: dataDir, AGENTSYNTH_API_TOKEN: "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /API on (http:\/\/[\d.:]+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the local server exited with code ${code}: ${output}`)));
  });
  return { url, child };
}
