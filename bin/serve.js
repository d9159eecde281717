#!/usr/bin/env node
// `npm start`: the HTTP API with the embedded defaults (fs store under ./data, worker-thread queue), compiled.
import { distUrl, ensureBuilt } from "./ensure-built.js";

ensureBuilt();
const { main } = await import(distUrl("functions/local.js"));
await main();
