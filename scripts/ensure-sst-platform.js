// sst.config.ts type-checks against .sst/platform, which SST writes on `sst install` (gitignored; ~40-70 s once,
// npm registry only). The env keeps SST from downloading Pulumi/Bun or sending telemetry (it works offline).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export function ensureSstPlatform() {
  if (existsSync(join(root, ".sst", "platform", "config.d.ts"))) return;
  const env = { ...process.env, SST_SKIP_DEPENDENCY_CHECK: "1", SST_NO_BUN: "1", SST_TELEMETRY_DISABLED: "1" };
  const result = spawnSync(join(root, "node_modules", ".bin", "sst"), ["install", "--stage", "dev"], {
    cwd: root,
    env,
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error(`sst install failed (exit ${result.status ?? result.signal})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureSstPlatform();
