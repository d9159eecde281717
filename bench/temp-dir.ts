import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs `run` with a fresh temporary directory and removes it afterwards. */
export function inTempDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "agentsynth-bench-"));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
