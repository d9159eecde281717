import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The last main commit before the content layer (composed tasks, text derived from the task): the trajectory bench
 * runs the generator of this commit beside the current one, so the cost of rich content is a ratio measured in one
 * run rather than against a figure from another day.
 */
export const CONTENT_BASELINE = "e0f5cc84c332ba754bbae119e0590df7219d92bd";

export interface Baseline {
  readonly commit: string;
  /** The compiled tree of the commit (its `dist/`). */
  readonly dist: string;
  readonly remove: () => void;
}

/**
 * Checks `commit` out of the repository at `root` into a temporary directory and compiles it with this checkout's
 * `node_modules`. Returns why not when it cannot (a shallow clone without the commit, a failed build).
 */
export function buildBaseline(root: string, commit: string): Baseline | { readonly error: string } {
  const dir = mkdtempSync(join(tmpdir(), "agentsynth-baseline-"));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const archive = execFileSync("git", ["-C", root, "archive", "--format=tar", commit], {
      maxBuffer: 1 << 30,
      stdio: ["ignore", "pipe", "pipe"],
    });
    execFileSync("tar", ["-x", "-C", dir], { input: archive });
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
    execFileSync(process.execPath, [join(dir, "scripts", "build.js")], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    return { commit, dist: join(dir, "dist"), remove };
  } catch (error) {
    remove();
    const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { error: `could not build ${commit.slice(0, 12)} (${detail})` };
  }
}
