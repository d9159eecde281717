import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runTasksCommand } from "../../cli/tasks.ts";
import { startLlmServer } from "../helpers/llm-server.ts";

function captureIo(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text) },
      env,
    },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "agentsynth-tasks-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("runTasksCommand", () => {
  it("writes tasks.jsonl and report.json with the template provider and prints a summary", async () => {
    const capture = captureIo();
    const code = await runTasksCommand(
      ["--categories", "contact,messaging", "--categories", "setting", "--count", "6", "--seed", "3", "--out", dir],
      capture.io,
    );
    expect(code).toBe(0);
    const lines = (await readFile(join(dir, "tasks.jsonl"), "utf8")).trimEnd().split("\n");
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines[1] as string).task.tools_category).toStrictEqual(["setting"]);
    const report = JSON.parse(await readFile(join(dir, "report.json"), "utf8"));
    expect(report).toMatchObject({ requested: 6, produced: 6, shortfall: 0, provider: "template" });
    expect(capture.stdout()).toContain("Wrote 6 of 6 tasks to");
    expect(capture.stdout()).toContain("  contact+messaging: 3/3");
  });

  it("writes the same bytes twice for the same flags", async () => {
    const args = ["--categories", "reminder,utilities", "--count", "4", "--out", dir];
    await runTasksCommand(args, captureIo().io);
    const first = await readFile(join(dir, "tasks.jsonl"), "utf8");
    await runTasksCommand(args, captureIo().io);
    expect(await readFile(join(dir, "tasks.jsonl"), "utf8")).toBe(first);
  });

  it("lists every bad flag and exits with 2", async () => {
    const capture = captureIo();
    const code = await runTasksCommand(["--count", "zero", "--provider", "gemini"], capture.io);
    expect(code).toBe(2);
    expect(capture.stderr()).toMatchInlineSnapshot(`
      "Invalid flags:
        - --categories is required, e.g. --categories contact,messaging
        - --count must be a whole number >= 1 (got "zero")
        - --out is required: the directory to write tasks.jsonl and report.json to
        - --provider must be one of template, openai, anthropic (got "gemini")

      Run agentsynth tasks --help for usage.
      "
    `);
  });

  it("rejects an unknown flag and an unknown category with exit code 2", async () => {
    const unknownFlag = captureIo();
    expect(await runTasksCommand(["--colour", "red"], unknownFlag.io)).toBe(2);
    expect(unknownFlag.stderr()).toContain("Unknown option '--colour'");
    const unknownCategory = captureIo();
    expect(await runTasksCommand(["--categories", "contacts", "--count", "1", "--out", dir], unknownCategory.io)).toBe(
      2,
    );
    expect(unknownCategory.stderr()).toContain("unknown category; available: contact, messaging");
  });

  it("says which key is missing for a remote provider", async () => {
    const capture = captureIo({});
    const code = await runTasksCommand(
      ["--categories", "setting", "--count", "1", "--provider", "openai", "--out", dir],
      capture.io,
    );
    expect(code).toBe(2);
    expect(capture.stderr()).toBe(
      "error [config_invalid]: OpenAI API key is missing. Pass `apiKey` or set OPENAI_API_KEY.\n",
    );
  });

  it("uses an OpenAI-compatible server from --base-url and exits 1 when tasks fail", async () => {
    const server = await startLlmServer([
      { text: "TASK: Check whether wifi is enabled\nTRAJECTORY: get_wifi_status\nCATEGORIES: [setting]" },
      { text: "no idea" },
    ]);
    try {
      const capture = captureIo({ OPENAI_API_KEY: "test" });
      const code = await runTasksCommand(
        [
          "--categories",
          "setting",
          "--count",
          "2",
          "--provider",
          "openai",
          "--base-url",
          server.openaiBaseURL,
          "--concurrency",
          "1",
          "--max-attempts",
          "1",
          "--out",
          dir,
        ],
        capture.io,
      );
      expect(code).toBe(1);
      expect(capture.stdout()).toContain("Wrote 1 of 2 tasks");
      expect(capture.stdout()).toContain("Tokens: 200 in, 40 out.");
      expect(capture.stderr()).toMatch(
        /1 of 2 tasks failed; see report.json. First failure \(task 1\): No valid task after 1 attempt/,
      );
    } finally {
      await server.close();
    }
  });

  it("writes insufficient-information scenarios with --insufficient-ratio and summarises the kinds", async () => {
    const capture = captureIo();
    const code = await runTasksCommand(
      ["--categories", "contact,messaging", "--count", "4", "--insufficient-ratio", "1", "--out", dir],
      capture.io,
    );
    expect(code).toBe(0);
    const records = (await readFile(join(dir, "tasks.jsonl"), "utf8"))
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    const insufficient = records.filter((record) => record.scenario.kind === "insufficient_information");
    expect(insufficient.length).toBeGreaterThan(0);
    for (const record of insufficient) {
      expect(record.scenario.tool_deny_list).toStrictEqual([record.scenario.denied_tool]);
      expect(record.scenario.tool_allow_list).not.toContain(record.scenario.denied_tool);
    }
    const report = JSON.parse(await readFile(join(dir, "report.json"), "utf8"));
    expect(report.byKind.produced.insufficient_information).toBe(insufficient.length);
    expect(report.byKind.requested.insufficient_information).toBe(4);
    expect(report.byKind.shortfall.insufficient_information).toBe(4 - insufficient.length);
    expect(capture.stdout()).toContain(`  insufficient information: ${insufficient.length} of 4 requested`);
  });

  it("rejects an --insufficient-ratio outside 0..1 or not a number", async () => {
    for (const value of ["1.5", "-0.2", "half", ""]) {
      const capture = captureIo();
      const code = await runTasksCommand(
        ["--categories", "contact", "--count", "1", `--insufficient-ratio=${value}`, "--out", dir],
        capture.io,
      );
      expect(code).toBe(2);
      expect(capture.stderr()).toContain(
        `--insufficient-ratio must be a number from 0 to 1, e.g. 0.2 for one task in five (got "${value}")`,
      );
    }
  });

  it("writes multiple-user-turn scenarios with --multi-turn-ratio and summarises the kinds", async () => {
    const capture = captureIo();
    const code = await runTasksCommand(
      [
        "--categories",
        "contact,messaging",
        "--categories",
        "setting",
        "--count",
        "4",
        "--multi-turn-ratio",
        "1",
        "--out",
        dir,
      ],
      capture.io,
    );
    expect(code).toBe(0);
    const records = (await readFile(join(dir, "tasks.jsonl"), "utf8"))
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    const multi = records.filter((record) => record.scenario.kind === "multiple_user_turn");
    expect(multi.length).toBeGreaterThan(0);
    for (const record of multi) {
      expect(record.scenario.categories).toContain("MULTIPLE_USER_TURN");
      expect(record.scenario.messages[1].content).not.toContain(record.scenario.withheld_detail.text);
    }
    const report = JSON.parse(await readFile(join(dir, "report.json"), "utf8"));
    expect(report.byKind.produced.multiple_user_turn).toBe(multi.length);
    expect(report.byKind.requested.multiple_user_turn).toBe(4);
    expect(report.byKind.keptStandard.multiple_user_turn).toHaveLength(4 - multi.length);
    expect(capture.stdout()).toContain(`  multiple user turn: ${multi.length} of 4 requested`);
  });

  it("rejects a --multi-turn-ratio outside 0..1 or not a number", async () => {
    for (const value of ["1.5", "-0.2", "half", ""]) {
      const capture = captureIo();
      const code = await runTasksCommand(
        ["--categories", "contact", "--count", "1", `--multi-turn-ratio=${value}`, "--out", dir],
        capture.io,
      );
      expect(code).toBe(2);
      expect(capture.stderr()).toContain(
        `--multi-turn-ratio must be a number from 0 to 1, e.g. 0.2 for one task in five (got "${value}")`,
      );
    }
  });

  it("prints usage for --help", async () => {
    const capture = captureIo();
    expect(await runTasksCommand(["--help"], capture.io)).toBe(0);
    expect(capture.stdout()).toContain("--categories a,b");
    expect(capture.stdout()).toContain("--insufficient-ratio R");
    expect(capture.stdout()).toContain("--multi-turn-ratio R");
  });
});
