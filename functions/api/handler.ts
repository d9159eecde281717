import { streamHandle } from "hono/aws-lambda";
import { registerBatch } from "../../core/batch/submit.ts";
import { ConfigError } from "../../core/errors.ts";
import { loadTaskPrompts } from "../../core/tasks/index.ts";
import { createLambdaDeps } from "../deps.ts";
import { createApp } from "./app.ts";

// Cold start: links, secrets and the app are built once per container. Deployed stages always require a token.
const deps = createLambdaDeps();
// Prompts ship with the function (copyFiles); a missing or invalid file fails the cold start, not a task shard.
loadTaskPrompts();
const apiToken = deps.apiToken;
if (apiToken === undefined) {
  throw new ConfigError("The ApiToken secret is not set: run `npx sst secret set ApiToken <token>` and redeploy.");
}

/** Registering the spec is enough: its write to the bucket notifies the fan-out function (see sst.config.ts). */
const app = createApp({
  store: deps.store,
  taskModels: deps.taskModels,
  apiToken,
  limits: deps.limits,
  async startBatch(spec) {
    const { id, jobs, estimate } = await registerBatch(deps.store, spec, deps.limits);
    return { id, shards: jobs.length, estimate };
  },
});

/** Function URL with response streaming (`streaming: true`), so JSONL shards are not capped at 6 MB. */
export const handler = streamHandle(app);
