import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { GENERATOR_VERSION } from "../../core/version.ts";
import { runCli } from "../helpers/cli.ts";

const exec = promisify(execFile);
const roots: string[] = [];
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), "agentsynth-edge-"));
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

const run = runCli;

/** Exit 2 with one coded error and no stack trace. */
function expectUsageError(result: { code: number; stderr: string }, message: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^error \[config_invalid\]: /);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe("agentsynth trajectories: bad --out", () => {
  it("refuses an --out under /proc at once instead of hanging", async () => {
    const result = await run(["trajectories", "--count", "5", "--out", "/proc/agentsynth-x"]);
    expectUsageError(result, /Cannot use --out \/proc\/agentsynth-x: the file system does not allow creating it/);
  });

  it("refuses an --out that is a file, or below one, naming the flag", async () => {
    const file = join(tmp(), "data.txt");
    writeFileSync(file, "not a directory");
    expectUsageError(
      await run(["trajectories", "--count", "5", "--out", file]),
      /--out .*data\.txt is not a directory \(it is a file\): choose a directory path/,
    );
    expectUsageError(
      await run(["trajectories", "--count", "5", "--out", join(file, "sub")]),
      /--out .*data\.txt\/sub is not a directory \(a parent of it is a file\)/,
    );
  });
});

describe("agentsynth trajectories: bad values", () => {
  it("accepts only decimal whole numbers for counts, naming the flag as typed", async () => {
    for (const text of ["0x10", "1e3", "16.0", "-4", " "]) {
      const result = await run(["trajectories", `--count=${text}`, "--out", tmp()]);
      expectUsageError(result, /Invalid --count .*: use a whole number in decimal digits/);
    }
    expectUsageError(
      await run(["trajectories", "--count", "5", "--workers", "0x2", "--out", tmp()]),
      /Invalid --workers "0x2"/,
    );
    expectUsageError(
      await run(["trajectories", "--count", "5", "--shard-size", "0", "--out", tmp()]),
      /Invalid --shard-size\n {2}- --shard-size: Too small/,
    );
  });

  it("refuses a YAML alias bomb with a coded error, quickly", async () => {
    const dir = tmp();
    const config = join(dir, "bomb.yaml");
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (const [index, name] of ["b", "c", "d", "e", "f", "g", "h", "i"].entries()) {
      const previous = index === 0 ? "a" : (["b", "c", "d", "e", "f", "g", "h"][index - 1] as string);
      levels.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(", ")}]`);
    }
    writeFileSync(config, `${levels.join("\n")}\n`);
    const started = performance.now();

    const result = await run(["trajectories", "--count", "5", "--config", config, "--out", join(dir, "out")]);

    expectUsageError(result, /bomb\.yaml expands YAML aliases \(\*name\) more than 100 times/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("refuses --force with --resume, and --resume of a directory it did not write", async () => {
    expectUsageError(
      await run(["trajectories", "--count", "5", "--force", "--resume", "--out", tmp()]),
      /--force and --resume contradict each other/,
    );
    const foreign = tmp();
    writeFileSync(join(foreign, "notes.txt"), "mine");
    expectUsageError(
      await run(["trajectories", "--count", "5", "--resume", "--out", foreign]),
      /--resume: .* has no readable spec\.json/,
    );
    expect(readdirSync(foreign)).toStrictEqual(["notes.txt"]);
  });
});

describe("agentsynth --version and verify usage", () => {
  it("prints the generator version", async () => {
    expect(await run(["--version"])).toStrictEqual({
      code: 0,
      stdout: `agentsynth ${GENERATOR_VERSION}\n`,
      stderr: "",
    });
  });

  it("answers verify usage errors with exit 2 and a missing manifest with exit 1", async () => {
    expectUsageError(await run(["verify"]), /Missing DIR/);
    expectUsageError(await run(["verify", join(tmp(), "nope")]), /DIR .*nope does not exist/);
    expectUsageError(await run(["verify", "--batch", "nope"]), /Invalid --batch "nope"/);
    expectUsageError(await run(["verify", "--bogus"]), /Unknown option '--bogus'/);
    const empty = await run(["verify", "--batch", "traj-0123456789abcdef0123", "--data-dir", tmp()]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/batch traj-0123456789abcdef0123 .* has no manifest\.json: it is not a dataset/);
  });
});

describe("npm start: bad settings", () => {
  for (const [name, value, message] of [
    ["PORT", "abc", /PORT="abc": use a port number from 0 to 65535/],
    ["WORKERS", "0", /WORKERS="0": use a positive integer/],
  ] as const) {
    it(`exits 2 with one line for ${name}=${value}`, async () => {
      const failed = await exec(process.execPath, ["functions/local.ts"], {
        env: { ...process.env, [name]: value, DATA_DIR: tmp() },
        timeout: 80_000,
      }).catch((error: { code: number; stderr: string }) => error);

      expect(failed).toMatchObject({ code: 2 });
      const stderr = (failed as { stderr: string }).stderr;
      expect(stderr).toMatch(/^agentsynth: cannot start: \[config_invalid\] /);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split("\n")).toHaveLength(1);
    }, 90_000);
  }
});
