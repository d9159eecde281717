import type { ProgressStream } from "./progress.ts";

/** What a command may touch of the process: injected so tests can run commands in-process. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  env: Record<string, string | undefined>;
  /** Aborted on SIGINT/SIGTERM (its reason is the signal's name): long commands stop cleanly and say how to resume. */
  signal?: AbortSignal;
}
