import { createHash } from "node:crypto";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { generateTrajectory } from "../../../core/dataset/generate-trajectory.ts";
import { createRandomizer } from "../../../core/random.ts";
import {
  DEFAULT_TRAJECTORY_CONFIG,
  parseTrajectoryConfig,
  serializeTrajectory,
  TrajectoryEdgeSchema,
  TrajectoryMetadataSchema,
  TrajectoryNodeSchema,
  TrajectorySchema,
} from "../../../core/trajectory/index.ts";

function datasetHash(seed: number, count: number): string {
  const hash = createHash("sha256");
  for (let i = 0; i < count; i++)
    hash.update(`${serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, seed, i))}\n`);
  return hash.digest("hex");
}

describe("generateTrajectory determinism", () => {
  it("draws from the trajectory streams the numbers of seedrandom's alea for the same key", () => {
    // core/random.ts writes Alea out as a class (cheaper to create); every dataset depends on it matching the reference.
    for (let index = 0; index < 200; index++) {
      const ours = createRandomizer(42, "trajectory", index);
      const reference = seedrandom.alea(["42", "trajectory", String(index)].join("\u001f"));
      for (let draw = 0; draw < 50; draw++) expect(ours.next()).toBe(reference());
    }
    expect(createRandomizer(7, "anomaly", 3).fork("inject").uuid()).toBe(
      createRandomizer(7, "anomaly", 3, "inject").uuid(),
    );
  });

  it("pins the sha256 of the first 20 serialized trajectories when the seed is 42, 1337 or 1211", () => {
    // Golden: a change here changes every dataset; update only on purpose and say so in the changelog.
    // Updated for issue #3: trajectories gained the `split` field (all other bytes unchanged; ratio 0 injects nothing).
    // Updated for issue #9: the content layer (composed tasks; parameters, results and LLM text from the task).
    // Updated for issue #9: benign noise in normal runs (re-planning, retries, refused handoffs, slow calls...), one
    // model per agent and run, timeouts that wait their own timeout parameter.
    expect(datasetHash(42, 20)).toMatchInlineSnapshot(
      `"c25bf459a9536143fc4f4230993e4f28b0e46081918bff3ba0585cbd3a7698fc"`,
    );
    expect(datasetHash(1337, 20)).toMatchInlineSnapshot(
      `"2dd8e238025cac8e9d898e9f9f6ba538fd811138741ea3d7a0353238b05a4c81"`,
    );
    expect(datasetHash(1211, 20)).toMatchInlineSnapshot(
      `"be0d87bb8a8ccba5fcc98b316dbcbf4af40478ee2b04b39f221c37845ba27043"`,
    );
  });

  it("gives byte-identical output when called twice with the same arguments", () => {
    for (let i = 0; i < 50; i++) {
      expect(serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 5, i))).toBe(
        serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 5, i)),
      );
    }
  });

  it("depends only on (config, seed, index) when trajectories are generated in any order", () => {
    const forward = [0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
      serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 77, i)),
    );
    const backward = [7, 6, 5, 4, 3, 2, 1, 0].map((i) =>
      serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 77, i)),
    );
    expect(backward.reverse()).toStrictEqual(forward);
    const alone = serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 77, 5));
    expect(alone).toBe(forward[5]);
  });

  it("gives different trajectories when the seed or the index differ", () => {
    const lines = new Set<string>();
    for (const seed of [1, 2])
      for (let i = 0; i < 20; i++)
        lines.add(serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, seed, i)));
    expect(lines.size).toBe(40);
  });

  it("anchors times on the configured epoch rather than the clock", () => {
    const config = parseTrajectoryConfig({ data_generation: { epoch: "2030-01-01T00:00:00Z" } });
    for (let i = 0; i < 30; i++) {
      const t = generateTrajectory(config, 3, i);
      const start = Date.parse(t.start_time);
      expect(start).toBeGreaterThanOrEqual(Date.parse("2030-01-01T00:00:00Z"));
      expect(start).toBeLessThan(Date.parse("2030-01-31T00:00:00Z"));
      expect(t.start_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
  });

  it("builds every object with the zod schema's key order so serialization is stable", () => {
    const nodeKeys = new Map(TrajectoryNodeSchema.options.map((o) => [o.shape.node_type.value, Object.keys(o.shape)]));
    const edgeKeys = new Map(TrajectoryEdgeSchema.options.map((o) => [o.shape.edge_type.value, Object.keys(o.shape)]));
    const present = (keys: string[] | undefined, value: object) => (keys ?? []).filter((key) => key in value);
    for (let i = 0; i < 100; i++) {
      const t = generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 8, i);
      expect(Object.keys(t)).toStrictEqual(present(Object.keys(TrajectorySchema.shape), t));
      expect(Object.keys(t.metadata)).toStrictEqual(present(Object.keys(TrajectoryMetadataSchema.shape), t.metadata));
      for (const node of t.nodes) expect(Object.keys(node)).toStrictEqual(present(nodeKeys.get(node.node_type), node));
      for (const edge of t.edges) expect(Object.keys(edge)).toStrictEqual(present(edgeKeys.get(edge.edge_type), edge));
      expect(JSON.parse(serializeTrajectory(t))).toStrictEqual(t);
    }
  });

  it("serializes to one line with a fixed key order when the trajectory is written", () => {
    const line = serializeTrajectory(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, 0));
    expect(line).not.toContain("\n");
    expect(Object.keys(JSON.parse(line))).toStrictEqual([
      "trajectory_id",
      "seed",
      "index",
      "split",
      "pattern",
      "task_category",
      "task_description",
      "status",
      "start_time",
      "end_time",
      "total_duration",
      "nodes",
      "edges",
      "metadata",
    ]);
  });
});
