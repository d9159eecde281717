import { execFile } from "node:child_process";
import { promisify } from "node:util";

const exec = promisify(execFile);

/**
 * Debian's Python, not the pyenv one first on PATH: the consumers' packages (pandas, numpy, jsonschema, torch) come
 * from apt, which `.ci/run` installs when they are missing.
 */
export const DEBIAN_PYTHON = "/usr/bin/python3";

/** Test timeout for a test that starts Python: importing pandas or torch takes seconds on a busy machine. */
export const PYTHON_TIMEOUT_MS = 180_000;

/** Runs `code` with Debian's Python in `cwd` and returns its stdout; a failure rejects with the script's stderr. */
export async function runPython(code: string, cwd: string, timeoutMs = PYTHON_TIMEOUT_MS - 10_000): Promise<string> {
  try {
    const { stdout } = await exec(DEBIAN_PYTHON, ["-c", code], { cwd, timeout: timeoutMs, maxBuffer: 16 << 20 });
    return stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`python failed: ${message}\n${stderr ?? ""}`);
  }
}

/** The body of the first fenced block of `language` in a markdown text (after `after`, when given). */
export function fencedBlock(markdown: string, language: string, after = ""): string {
  const from = after === "" ? 0 : markdown.indexOf(after);
  if (from < 0) throw new Error(`no "${after}" in the text`);
  const start = markdown.indexOf(`\`\`\`${language}\n`, from);
  if (start < 0) throw new Error(`no ${language} block in the text`);
  const body = start + language.length + 4;
  return markdown.slice(body, markdown.indexOf("\n```", body) + 1);
}
