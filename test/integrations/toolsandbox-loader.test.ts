import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTaskBatch } from "../../core/tasks/index.ts";
import { MEASURED_COMBINATIONS } from "../../core/tasks/task-variety.ts";
import { createTemplateLanguageModel } from "../../core/tasks/template-model.ts";

// The Python loader's tests (integrations/toolsandbox/tests) under Debian's /usr/bin/python3, with upstream
// ToolSandbox from the shared reference on the path and the stand-ins for what Debian lacks. `.ci/run` installs the
// Debian packages they need.

const run = promisify(execFile);
const UPSTREAM = "/work/shared/reference/toolsandbox/upstream";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "agentsynth-toolsandbox-"));
  const lines: string[] = [];
  for (const seed of [3, 17]) {
    const batch = await generateTaskBatch({
      categories: MEASURED_COMBINATIONS,
      count: 100,
      seed,
      model: createTemplateLanguageModel(),
      insufficientInformationRatio: 0.2,
      multiTurnRatio: 0.2,
    });
    for (const result of batch.results) lines.push(JSON.stringify(result));
  }
  await writeFile(join(dir, "tasks.jsonl"), `${lines.join("\n")}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("ToolSandbox loader (Python, upstream evaluation)", () => {
  it("loads every generated scenario into upstream objects and an exact agent scores 1.0 on each", async () => {
    const root = join(import.meta.dirname, "../../integrations/toolsandbox");
    const { stderr } = await run("/usr/bin/python3", ["-m", "unittest", "-v", "tests.test_loader"], {
      cwd: root,
      env: {
        ...process.env,
        AGENTSYNTH_TASKS: join(dir, "tasks.jsonl"),
        PYTHONDONTWRITEBYTECODE: "1",
        PYTHONPATH: [root, join(root, "tests/standins"), UPSTREAM].join(":"),
      },
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`Python loader tests failed:\n${error.stderr ?? error.message}`);
    });
    expect(stderr).toMatch(/Ran 8 tests/);
    expect(stderr).toMatch(/\nOK\n?$/);
  }, 600_000);
});
