import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import { parseAnomalyInjectionConfig } from "../../../core/trajectory/anomaly-config.ts";
import { decideAnomaly } from "../../../core/trajectory/anomaly-decision.ts";
import {
  createSplitAssigner,
  describeSplitConfig,
  parseSplitConfig,
  SPLIT_BLOCK_SIZE,
  type SplitName,
  splitOf,
} from "../../../core/trajectory/splits.ts";
import { ANOMALY_TYPES } from "../../../core/trajectory/vocabulary.ts";

const anomalies = parseAnomalyInjectionConfig({ ratio: 0.3 });
const splits = parseSplitConfig(undefined);

describe("parseSplitConfig", () => {
  it("defaults to 0.6 / 0.2 / 0.2 when absent", () => {
    expect(describeSplitConfig(splits)).toStrictEqual({ train: 0.6, validation: 0.2, test: 0.2 });
  });

  it("counts a missing split as 0 when the others are given", () => {
    expect(parseSplitConfig({ train: 0.9, test: 0.1 }).fractions).toStrictEqual([0.9, 0, 0.1]);
  });

  it("names the problem when fractions do not sum to 1 or are out of range", () => {
    expect(() => parseSplitConfig({ train: 0.5, validation: 0.2, test: 0.2 })).toThrow(/sum to 1 \(they sum to 0.9/);
    expect(() => parseSplitConfig({ train: 1.2 })).toThrow(ConfigError);
    expect(() => parseSplitConfig({ training: 1 })).toThrow(/training/);
  });
});

describe("createSplitAssigner", () => {
  it("gives the same split whatever shard size, shard order or lookup order asks for it", () => {
    const sequential = createSplitAssigner(7, anomalies, splits);
    const expected = Array.from({ length: 3 * SPLIT_BLOCK_SIZE }, (_, i) => sequential.splitOf(i));
    for (const shardSize of [1000, 3333]) {
      const shards = Math.ceil(expected.length / shardSize);
      for (let shard = shards - 1; shard >= 0; shard--) {
        // A fresh assigner per shard, as a worker would have.
        const worker = createSplitAssigner(7, anomalies, splits);
        for (let i = shard * shardSize; i < Math.min(expected.length, (shard + 1) * shardSize); i++) {
          expect(worker.splitOf(i)).toBe(expected[i]);
        }
      }
    }
    for (let k = 0; k < 50; k++) {
      const i = (k * 7919) % expected.length;
      expect(splitOf(7, i, anomalies, splits)).toBe(expected[i]);
    }
  });

  it("hits the configured fractions within each stratum", () => {
    const assigner = createSplitAssigner(3, anomalies, splits);
    const counts = new Map<string, Record<SplitName, number>>();
    for (let i = 0; i < 20_000; i++) {
      const stratum = decideAnomaly(anomalies, 3, i)?.type ?? "normal";
      const row = counts.get(stratum) ?? { train: 0, validation: 0, test: 0 };
      row[assigner.splitOf(i)]++;
      counts.set(stratum, row);
    }
    for (const [stratum, row] of counts) {
      const total = row.train + row.validation + row.test;
      // Within ~one member per block and stratum of the exact share.
      expect(Math.abs(row.train - 0.6 * total), stratum).toBeLessThanOrEqual(6);
      expect(Math.abs(row.test - 0.2 * total), stratum).toBeLessThanOrEqual(6);
    }
  });

  it("puts every anomaly type in every split when a dataset holds a few thousand trajectories", () => {
    const assigner = createSplitAssigner(11, anomalies, splits);
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const decision = decideAnomaly(anomalies, 11, i);
      if (decision !== null) seen.add(`${decision.type}/${assigner.splitOf(i)}`);
    }
    for (const type of ANOMALY_TYPES) {
      for (const split of ["train", "validation", "test"])
        expect(seen.has(`${type}/${split}`), `${type}/${split}`).toBe(true);
    }
  });

  it("never uses a split whose fraction is 0", () => {
    const assigner = createSplitAssigner(1, anomalies, parseSplitConfig({ train: 0.8, test: 0.2 }));
    for (let i = 0; i < 5000; i++) expect(assigner.splitOf(i)).not.toBe("validation");
  });
});
