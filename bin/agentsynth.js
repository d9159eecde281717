#!/usr/bin/env node
// The `agentsynth` command: runs the compiled CLI (see scripts/build.js for why compiled).
import { distUrl, ensureBuilt } from "./ensure-built.js";

ensureBuilt();
const { main } = await import(distUrl("cli/main.js"));
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
