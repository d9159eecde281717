import { describe, expect, it } from "vitest";
import { batchIdFor, batchKindOf, isBatchId } from "../../../core/batch/batch-id.ts";
import { canonicalJson } from "../../../core/batch/canonical-json.ts";
import { planShardJobs } from "../../../core/batch/shard-job.ts";
import { parseBatchSpec, parseBatchSpecText } from "../../../core/batch/spec.ts";
import { ConfigError } from "../../../core/errors.ts";

describe("parseBatchSpec", () => {
  it("fills defaults when only kind, total and seed are given", () => {
    // Prepare / Act
    const spec = parseBatchSpec({ kind: "trajectories", total: 25, seed: 42 });
    // Assess
    expect(spec).toStrictEqual({
      kind: "trajectories",
      total: 25,
      seed: 42,
      shard_size: 10_000,
      start_index: 0,
      gzip: false,
      format: "trajectory",
    });
  });

  it("lists every problem with field and value when a spec is wrong in several places", () => {
    const input = { kind: "trajectories", total: 0, seed: -1, shard_size: "big", colour: "red" };
    let error: unknown;
    try {
      parseBatchSpec(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((issue) => issue.path).sort()).toStrictEqual(["colour", "seed", "shard_size", "total"]);
    expect(issues.find((issue) => issue.path === "total")).toMatchObject({ value: 0 });
    expect(issues.find((issue) => issue.path === "colour")?.message).toMatch(/^unknown key "colour"; allowed: kind, /);
  });

  it("rejects an unknown kind naming the allowed kinds", () => {
    expect(() => parseBatchSpec({ kind: "images", total: 1, seed: 1 })).toThrow(ConfigError);
    try {
      parseBatchSpec({ kind: "images", total: 1, seed: 1 });
    } catch (error) {
      expect((error as ConfigError).issues[0]?.path).toBe("kind");
      expect((error as ConfigError).issues[0]?.message).toMatch(/trajectories.*tasks/);
    }
  });

  it("validates task categories against the catalogue when kind is tasks", () => {
    const input = {
      kind: "tasks",
      total: 4,
      seed: 1,
      tasks: { categories: [["contact", "nope"]], provider: "template" },
    };
    try {
      parseBatchSpec(input);
      expect.unreachable();
    } catch (error) {
      const issue = (error as ConfigError).issues[0];
      expect(issue).toMatchObject({ path: "tasks.categories.0.1", value: "nope" });
      expect(issue?.message).toContain("contact");
    }
  });

  it("accepts a task batch with defaults for shard size, concurrency and retries", () => {
    const spec = parseBatchSpec({
      kind: "tasks",
      total: 4,
      seed: 1,
      tasks: { categories: [["contact"]], provider: "template" },
    });
    expect(spec).toMatchObject({ shard_size: 25, tasks: { concurrency: 4, max_retry_attempts: 3 } });
  });
});

describe("parseBatchSpecText", () => {
  it("reads YAML and JSON into the same spec", () => {
    const yaml = "kind: trajectories\ntotal: 30\nseed: 9\nshard_size: 10\n";
    const json = '{"seed": 9, "shard_size": 10, "total": 30, "kind": "trajectories"}';
    expect(parseBatchSpecText(yaml)).toStrictEqual(parseBatchSpecText(json));
  });

  it("names the source when the text is not YAML", () => {
    expect(() => parseBatchSpecText("kind: [unclosed", "batches/x.yaml")).toThrow(/batches\/x\.yaml/);
  });

  it("rejects a top-level list with a clear message", () => {
    expect(() => parseBatchSpecText("- 1\n- 2\n")).toThrow(/mapping with kind, total, seed/);
  });
});

describe("batchIdFor", () => {
  it("gives the same id when key order or defaults differ", () => {
    const a = parseBatchSpec({ kind: "trajectories", total: 30, seed: 9 });
    const b = parseBatchSpec({ seed: 9, shard_size: 10_000, total: 30, kind: "trajectories", start_index: 0 });
    expect(batchIdFor(a)).toBe(batchIdFor(b));
  });

  it("gives different ids when any setting differs", () => {
    const a = parseBatchSpec({ kind: "trajectories", total: 30, seed: 9 });
    const b = parseBatchSpec({ kind: "trajectories", total: 30, seed: 10 });
    expect(batchIdFor(a)).not.toBe(batchIdFor(b));
  });

  it("encodes the kind in the id", () => {
    const trajectories = batchIdFor(parseBatchSpec({ kind: "trajectories", total: 1, seed: 1 }));
    const tasks = batchIdFor(
      parseBatchSpec({ kind: "tasks", total: 1, seed: 1, tasks: { categories: [["contact"]], provider: "template" } }),
    );
    expect(trajectories).toMatch(/^traj-[0-9a-f]{20}$/);
    expect(tasks).toMatch(/^task-[0-9a-f]{20}$/);
    expect(batchKindOf(trajectories)).toBe("trajectories");
    expect(batchKindOf(tasks)).toBe("tasks");
  });

  it("rejects strings that are not batch ids", () => {
    expect(isBatchId("traj-../../etc")).toBe(false);
    expect(() => batchKindOf("nope")).toThrow(/Invalid batch id "nope"/);
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every level and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
  });
});

describe("planShardJobs", () => {
  it("splits the total into shard jobs with a smaller last shard", () => {
    const spec = parseBatchSpec({ kind: "trajectories", total: 25, seed: 1, shard_size: 10, start_index: 5 });
    expect(planShardJobs("traj-00000000000000000000", spec)).toStrictEqual([
      { batch_id: "traj-00000000000000000000", shard: 0, start_index: 5, count: 10 },
      { batch_id: "traj-00000000000000000000", shard: 1, start_index: 15, count: 10 },
      { batch_id: "traj-00000000000000000000", shard: 2, start_index: 25, count: 5 },
    ]);
  });
});
