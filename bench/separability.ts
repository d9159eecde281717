import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateTrajectory } from "../core/dataset/generate-trajectory.ts";
import { RULE_MAX_FPR, SeparabilityStats, separabilityReport } from "../core/dataset/separability.ts";
import { parseTrajectoryConfig, serializeTrajectory } from "../core/trajectory/index.ts";
import { fmt } from "./measure.ts";

/** The issue's yardstick: 40,000 trajectories at ratio 0.5, default difficulty, train on `train`, score `test`. */
const COUNT = 40_000;
/** `--quick`: enough trajectories per type to see the table, not to quote it. */
const QUICK_COUNT = 8_000;
const RATIO = 0.5;
const SEED = 20_260_101;
/** Debian's interpreter, where python3-sklearn is installed (not a pyenv one first on PATH). */
const PYTHON = "/usr/bin/python3";

interface DetectorLine {
  anomaly_type: string;
  auc: number;
}

/**
 * How hard the default dataset is: per anomaly type, the best single-feature AUC and the best one-threshold rule's
 * recall at FPR ≤ 1% (from the dataset statistics), and the test AUC of a gradient-boosting detector on aggregate
 * features (bench/detector.py), when scikit-learn is importable.
 */
export async function benchSeparability(options: { quick?: boolean; difficulty?: string } = {}): Promise<string[]> {
  const { difficulty } = options;
  const count = options.quick ? QUICK_COUNT : COUNT;
  const config = parseTrajectoryConfig({
    anomaly_injection: difficulty === undefined ? { ratio: RATIO } : { ratio: RATIO, difficulty },
  });
  const stats = new SeparabilityStats();
  const dir = mkdtempSync(join(tmpdir(), "agentsynth-separability-"));
  const file = join(dir, "trajectories.jsonl");
  const detector = sklearnAvailable();
  const fd = detector ? openSync(file, "w") : -1;
  try {
    for (let i = 0; i < count; i++) {
      const trajectory = generateTrajectory(config, SEED, i);
      stats.add(trajectory);
      if (fd >= 0) writeSync(fd, `${serializeTrajectory(trajectory)}\n`);
    }
    if (fd >= 0) closeSync(fd);
    const gbm = new Map<string, number>();
    if (detector) {
      const script = detectorScript();
      const output = execFileSync(PYTHON, [script, file], { encoding: "utf8", maxBuffer: 1 << 20 });
      for (const line of output.trim().split("\n")) {
        const parsed = JSON.parse(line) as DetectorLine;
        gbm.set(parsed.anomaly_type, parsed.auc);
      }
    }
    const report = separabilityReport(stats.toJSON());
    const lines = [
      `separability ${fmt(count)} trajectories, ratio ${RATIO}, difficulty ${config.anomalies.difficulty}`,
      `${"type".padEnd(24)} ${"n".padStart(5)}  ${"best feature AUC".padEnd(42)} ${"rule recall@FPR<=1%".padStart(19)}  GBM AUC`,
    ];
    for (const row of report) {
      const auc = gbm.get(row.anomaly_type);
      lines.push(
        `${row.anomaly_type.padEnd(24)} ${String(row.trajectories).padStart(5)}  ${`${row.best_auc.toFixed(3)} ${row.best_feature}`.padEnd(42)} ${row.rule_recall.toFixed(3).padStart(19)}  ${auc === undefined ? "-" : auc.toFixed(3)}`,
      );
    }
    const worstRule = Math.max(...report.map((row) => row.rule_recall));
    lines.push(
      `max one-rule recall at FPR <= ${RULE_MAX_FPR}: ${worstRule.toFixed(3)} (target <= 0.5: ${worstRule <= 0.5 ? "met" : "NOT met"})`,
    );
    if (detector) {
      const aucs = [...gbm.values()];
      const below = aucs.filter((auc) => auc < 0.95).length;
      const above = aucs.every((auc) => auc > 0.6);
      lines.push(
        `GBM: ${below} of ${aucs.length} types below AUC 0.95 (target >= 7), all above 0.6: ${above} (target: ${below >= 7 && above ? "met" : "NOT met"})`,
      );
    } else {
      lines.push(`GBM detector skipped: ${PYTHON} cannot import sklearn (apt-get install python3-sklearn)`);
    }
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sklearnAvailable(): boolean {
  try {
    execFileSync(PYTHON, ["-c", "import sklearn, numpy"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** bench/detector.py, from the compiled bench (dist/bench) or from the source. */
function detectorScript(): string {
  for (const relative of ["../../bench/detector.py", "./detector.py"]) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error("bench/detector.py not found next to the bench");
}
