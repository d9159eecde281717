#!/usr/bin/env node
// `npm run bench`: runs the compiled benchmarks, so measured processes carry no type-stripping cost.
import { distUrl, ensureBuilt } from "./ensure-built.js";

ensureBuilt();
await import(distUrl("bench/run.js"));
