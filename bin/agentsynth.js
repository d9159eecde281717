#!/usr/bin/env node
// The `agentsynth` command: runs the compiled CLI (see scripts/build.js for why compiled).
import { distUrl, ensureBuilt } from "./ensure-built.js";

ensureBuilt();
const { main, processIo } = await import(distUrl("cli/main.js"));
process.exitCode = await main(process.argv.slice(2), processIo());
