import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = new URL("../../", import.meta.url);
const PLATFORM_TYPES = new URL(".sst/platform/config.d.ts", ROOT);

describe("sst.config.ts", () => {
  it("type-checks against the SST platform types (installing them first on a fresh checkout)", async () => {
    // .sst/ is gitignored: a fresh checkout needs `sst install` (~40-70 s, npm registry only) once.
    if (!existsSync(PLATFORM_TYPES)) {
      await run(process.execPath, ["scripts/ensure-sst-platform.js"], { cwd: ROOT, timeout: 240_000 });
    }
    const result = await run("node_modules/.bin/tsc", ["-p", "tsconfig.sst.json"], {
      cwd: ROOT,
      timeout: 120_000,
    }).catch((error: { stdout?: string; code?: number }) => ({ stdout: error.stdout ?? "", code: error.code ?? 1 }));
    expect(result.stdout).toBe("");
  }, 300_000);

  it("declares in sst-env.d.ts every resource the config links", () => {
    const config = readFileSync(new URL("sst.config.ts", ROOT), "utf8");
    const declared = readFileSync(new URL("sst-env.d.ts", ROOT), "utf8");
    const names = [...config.matchAll(/new sst\.(?:aws\.\w+|Secret)\("(\w+)"/g)].map((match) => match[1]);
    expect(names.length).toBeGreaterThanOrEqual(6);
    for (const name of names) expect(declared).toMatch(new RegExp(`\\b${name}: \\{`));
  });
});
