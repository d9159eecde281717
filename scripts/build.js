// Compiles the TypeScript sources to dist/ (plain JS: no type stripping at run time, which costs every process and
// worker thread ~40 MB and start-up time) and copies the data files the code reads at run time.
import { spawnSync } from "node:child_process";
import { cpSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export function build() {
  const tsc = join(root, "node_modules", ".bin", "tsc");
  const result = spawnSync(tsc, ["-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
  if (result.status !== 0)
    throw new Error(`tsc -p tsconfig.build.json failed (exit ${result.status ?? result.signal})`);
  cpSync(join(root, "prompts"), join(root, "dist", "prompts"), { recursive: true });
  // The stamp bin/ensure-built.js compares source times with (tsc leaves its own buildinfo alone when nothing changed).
  writeFileSync(join(root, "dist", ".built"), "");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) build();
