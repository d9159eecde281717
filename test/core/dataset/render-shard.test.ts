import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { generateTrajectory } from "../../../core/dataset/generate-trajectory.ts";
import { renderTrajectoryShard } from "../../../core/dataset/render-shard.ts";
import { parseTrajectoryConfig, serializeTrajectory } from "../../../core/trajectory/index.ts";

const config = parseTrajectoryConfig({});

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of chunks) out.push(Buffer.from(chunk));
  return out;
}

describe("renderTrajectoryShard", () => {
  it("writes one serialized trajectory per line, in index order, in chunks of whole lines", async () => {
    const chunks = await collect(renderTrajectoryShard({ config, seed: 5, startIndex: 10, count: 120, gzip: false }));
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.at(-1)).toBe(10);
    const lines = Buffer.concat(chunks).toString("utf8").split("\n").slice(0, -1);
    expect(lines).toHaveLength(120);
    expect(lines[0]).toBe(serializeTrajectory(generateTrajectory(config, 5, 10)));
    expect(lines[119]).toBe(serializeTrajectory(generateTrajectory(config, 5, 129)));
  });

  it("gzips to exactly the plain bytes", async () => {
    const plain = Buffer.concat(
      await collect(renderTrajectoryShard({ config, seed: 1, startIndex: 0, count: 40, gzip: false })),
    );
    const gz = Buffer.concat(
      await collect(renderTrajectoryShard({ config, seed: 1, startIndex: 0, count: 40, gzip: true })),
    );
    expect(gz[0]).toBe(0x1f);
    expect(gunzipSync(gz).equals(plain)).toBe(true);
  });

  it("reports progress up to the shard's count", async () => {
    const seen: number[] = [];
    await collect(
      renderTrajectoryShard({
        config,
        seed: 1,
        startIndex: 0,
        count: 300,
        gzip: false,
        onProgress: (n) => seen.push(n),
      }),
    );
    expect(seen.at(-1)).toBe(300);
    expect([...seen].sort((a, b) => a - b)).toStrictEqual(seen);
  });

  it("fails the stream when generation fails part-way", async () => {
    const failing = renderTrajectoryShard({
      config,
      seed: 1,
      startIndex: 0,
      count: 200,
      gzip: false,
      onTrajectory: (trajectory) => {
        if (trajectory.index === 150) throw new Error("boom at 150");
      },
    });
    await expect(collect(failing)).rejects.toThrow("boom at 150");
  });

  it("lets a consumer stop early without leaving a failure behind", async () => {
    // The renderer prefetches the next chunk; make that prefetch fail after the consumer has stopped.
    let consumerStopped = false;
    const stream = renderTrajectoryShard({
      config,
      seed: 1,
      startIndex: 0,
      count: 400,
      gzip: false,
      onTrajectory: () => {
        if (consumerStopped) throw new Error("prefetch after stop");
      },
    });
    for await (const chunk of stream) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      consumerStopped = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
});
