#!/usr/bin/env node
import { ConfigError, CoreError, formatIssues } from "../core/errors.ts";
// The agentsynth command line: a thin shell over core/, like a handler.
import { GENERATOR_VERSION } from "../core/version.ts";
import type { CliIo } from "./io.ts";

const USAGE = `agentsynth: synthetic data for people who build and test AI agents

Usage:
  agentsynth trajectories --count N --out DIR [options]   agent execution graphs with labelled anomalies
  agentsynth tasks --categories a,b --count N --out DIR [options]   ToolSandbox tasks and scenarios
  agentsynth verify DIR | --batch ID [--data-dir DIR]      check every shard against its manifest (sizes, sha256)
  agentsynth <command> --help                             options of a command
  agentsynth --version                                    the generator version

Run with no network and no keys: trajectories are fully offline, and tasks use --provider template by default.`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "trajectories": {
        const { runTrajectoriesCommand } = await import("./trajectories.ts");
        return await runTrajectoriesCommand(rest, io);
      }
      case "tasks": {
        const { runTasksCommand } = await import("./tasks.ts");
        return await runTasksCommand(rest, io);
      }
      case "verify": {
        const { runVerifyCommand } = await import("./verify.ts");
        return await runVerifyCommand(rest, io);
      }
      case "--version":
      case "-V":
      case "version":
        io.stdout.write(`agentsynth ${GENERATOR_VERSION}\n`);
        return 0;
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        io.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    io.stderr.write(`${describeError(error)}\n`);
    // 2 = the invocation or its config is wrong (fix the command); 1 = the run itself failed.
    return error instanceof ConfigError ? 2 : 1;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof CoreError) {
    const issues = error instanceof ConfigError && error.listsIssues ? [] : (error as { issues?: unknown }).issues;
    const listed = Array.isArray(issues) && issues.length > 0 ? `\n${formatIssues(issues)}` : "";
    return `error [${error.code}]: ${error.message}${listed}`;
  }
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * The real process as a CliIo. Commands that stop cleanly read `signal`, which from then on turns the first
 * SIGINT/SIGTERM into an abort (the run finishes what it is writing and says how to resume) and a second one into an
 * immediate exit; other commands keep the default signal handling.
 */
export function processIo(): CliIo {
  let controller: AbortController | undefined;
  const listen = (): AbortSignal => {
    if (controller !== undefined) return controller.signal;
    const created = new AbortController();
    controller = created;
    const onSignal = (name: NodeJS.Signals) => {
      if (created.signal.aborted) process.exit(name === "SIGTERM" ? 143 : 130);
      process.stderr.write(`\n${name}: finishing the shards being written (send it again to stop at once)\n`);
      created.abort(name);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    return created.signal;
  };
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    get signal() {
      return listen();
    },
  };
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2), processIo());
}
