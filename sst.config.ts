/// <reference path="./.sst/platform/config.d.ts" />

/**
 * agentsynth on AWS: an HTTP API on a Lambda Function URL, a bucket for datasets, and a queue of shard jobs with a
 * dead-letter queue. Batches start from POST /v1/batches or from a spec uploaded under batches/ in the bucket; both
 * store the normalized spec at {datasets|task-batches}/{id}/spec.json, and that write notifies the fan-out function,
 * which queues one job per missing shard. See docs/service.md.
 */

/** Worker time limit: a 10,000-trajectory shard takes ~1-2 s; a task shard makes ~25 model calls with retries. */
const WORKER_TIMEOUT_SECONDS = 300;
/** Lambda's event source mapping needs visibility >= the function timeout; AWS advises 6x to absorb retries. */
const SHARD_VISIBILITY_SECONDS = WORKER_TIMEOUT_SECONDS * 6;
/** Receives before a shard job moves to the dead-letter queue (and shows as failed in the batch status). */
const SHARD_MAX_RECEIVES = 3;
/**
 * Concurrent worker invocations: caps model-provider load and S3 writes. Each worker instance has its own adaptive
 * limiter per provider and model, whose ceiling is the spec's `tasks.concurrency`: the fleet's ceiling on calls in
 * flight to one provider is WORKER_MAX_CONCURRENCY x that (20 x 8 = 160 by default). Each limiter backs off on 429s.
 */
const WORKER_MAX_CONCURRENCY = 20;
/** How often submitted provider batches are polled (results take minutes to hours; Lambda never waits for them). */
const BATCH_POLL_SCHEDULE = "rate(5 minutes)";

export default $config({
  app(input) {
    return {
      name: "agentsynth",
      home: "aws",
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: ["production"].includes(input?.stage),
      providers: { aws: { region: "us-east-1" } },
    };
  },
  async run() {
    const apiToken = new sst.Secret("ApiToken");
    const openaiApiKey = new sst.Secret("OpenaiApiKey", "unset");
    const anthropicApiKey = new sst.Secret("AnthropicApiKey", "unset");

    const bucket = new sst.aws.Bucket("Datasets");
    const deadLetter = new sst.aws.Queue("ShardsDeadLetter", {
      transform: { queue: { messageRetentionSeconds: 14 * 24 * 3600 } },
    });
    const shards = new sst.aws.Queue("Shards", {
      visibilityTimeout: `${SHARD_VISIBILITY_SECONDS} seconds`,
      dlq: { queue: deadLetter.arn, retry: SHARD_MAX_RECEIVES },
    });

    const common = {
      runtime: "nodejs22.x" as const,
      architecture: "arm64" as const,
      environment: { SHARD_MAX_RECEIVES: String(SHARD_MAX_RECEIVES) },
      nodejs: { format: "esm" as const },
    };
    const modelKeys = [openaiApiKey, anthropicApiKey];

    shards.subscribe(
      {
        ...common,
        handler: "functions/worker/handler.handler",
        timeout: `${WORKER_TIMEOUT_SECONDS} seconds`,
        memory: "1769 MB",
        link: [bucket, ...modelKeys],
        copyFiles: [{ from: "prompts" }],
      },
      {
        batch: { size: 1, partialResponses: true },
        transform: {
          eventSourceMapping: (args) => {
            args.scalingConfig = { maximumConcurrency: WORKER_MAX_CONCURRENCY };
          },
        },
      },
    );

    deadLetter.subscribe(
      { ...common, handler: "functions/dead-letter/handler.handler", timeout: "30 seconds", link: [bucket] },
      { batch: { size: 10, partialResponses: true } },
    );

    const fanOut = new sst.aws.Function("FanOut", {
      ...common,
      handler: "functions/fan-out/handler.handler",
      timeout: "5 minutes",
      link: [bucket, shards],
    });

    bucket.notify({
      notifications: [
        {
          name: "BatchSpecUploaded",
          function: {
            ...common,
            handler: "functions/trigger/handler.handler",
            timeout: "1 minute",
            link: [bucket],
          },
          events: ["s3:ObjectCreated:*"],
          filterPrefix: "batches/",
        },
        {
          name: "TrajectoryBatchRegistered",
          function: fanOut.arn,
          events: ["s3:ObjectCreated:*"],
          filterPrefix: "datasets/",
          filterSuffix: "/spec.json",
        },
        {
          name: "TaskBatchRegistered",
          function: fanOut.arn,
          events: ["s3:ObjectCreated:*"],
          filterPrefix: "task-batches/",
          filterSuffix: "/spec.json",
        },
      ],
    });

    // Provider batches (tasks.batch_api): a worker submits and returns; this collects ended batches into the cache
    // and requeues their shard jobs.
    new sst.aws.CronV2("BatchPoller", {
      schedule: BATCH_POLL_SCHEDULE,
      function: {
        ...common,
        handler: "functions/batch-poller/handler.handler",
        timeout: "5 minutes",
        memory: "1024 MB",
        link: [bucket, shards, ...modelKeys],
      },
    });

    const api = new sst.aws.Function("Api", {
      ...common,
      handler: "functions/api/handler.handler",
      url: true,
      streaming: true,
      timeout: "5 minutes",
      memory: "1769 MB",
      link: [bucket, apiToken, ...modelKeys],
      copyFiles: [{ from: "prompts" }],
    });

    return { api: api.url, bucket: bucket.name, queue: shards.url, deadLetterQueue: deadLetter.url };
  },
});
