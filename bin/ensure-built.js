// Rebuilds dist/ when a source file is newer than the last build, so `npm run agentsynth` never runs stale code
// after an edit. A no-change check stats ~200 files (a few ms); a rebuild takes about a second.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "../scripts/build.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE_DIRS = ["core", "functions", "cli", "bench", "prompts"];
const STAMP = join(root, "dist", ".built");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function ensureBuilt() {
  const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
  const sources = Math.max(
    ...SOURCE_DIRS.map((dir) => newestSource(join(root, dir))),
    statSync(join(root, "tsconfig.json")).mtimeMs,
  );
  if (sources > built) build();
}

export function distUrl(path) {
  return new URL(`../dist/${path}`, import.meta.url).href;
}
