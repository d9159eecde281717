/**
 * Request and reply examples for the OpenAPI document (and so for the reference at /docs), in the shapes the service
 * answers; test/functions/api/docs.test.ts checks every example against its route's schema.
 */
const BATCH_ID = "traj-8f0c2b1d4e5a69788796";
const HASH = "9b51c0d1d7e3a6f8e2b4c5d6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6";

export const EXAMPLES = {
  trajectoriesRequest: {
    stream: { summary: "Stream 100 trajectories, 20% anomalous", value: { seed: 42, count: 100, anomaly_ratio: 0.2 } },
    store: {
      summary: "Store a window as a shard",
      value: { seed: 42, count: 500, start_index: 1000, format: "graph", store: true },
    },
  },
  trajectoryLine:
    '{"trajectory_id":"9fb5bb28-1c24-42ac-8d13-c7a80478c0e5","seed":42,"index":0,"split":"train","pattern":"error_recovery","nodes":[…],"edges":[…],"metadata":{…}}\n',
  storedShard: {
    id: "traj-5c2f0a9e8d7b6c5a4f3e",
    key: "datasets/traj-5c2f0a9e8d7b6c5a4f3e/shards/00000.jsonl",
    manifest_key: "datasets/traj-5c2f0a9e8d7b6c5a4f3e/manifest.json",
    count: 500,
    bytes: 9_612_345,
    sha256: HASH,
    created: true,
  },
  tasksRequest: {
    seed: 1,
    count: 2,
    categories: [["contact"], ["messaging", "contact"]],
    provider: "template",
  },
  tasksResponse: {
    tasks: [
      {
        index: 0,
        task: { description: "Add Fredrik Thordendal to my contacts with phone number +12453344098." },
        scenario: { name: "agentsynth_1_0", categories: ["contact"], milestones: ["…"] },
        usage: { input_tokens: 0, output_tokens: 0 },
        attempts: 1,
      },
    ],
  },
  batchRequest: {
    trajectories: {
      summary: "1,000,000 trajectories in 100 shards",
      value: { kind: "trajectories", total: 1_000_000, shard_size: 10_000, seed: 42, anomaly_ratio: 0.1 },
    },
    tasks: {
      summary: "500 ToolSandbox tasks written by a model",
      value: {
        kind: "tasks",
        total: 500,
        seed: 7,
        tasks: { categories: [["contact"], ["messaging", "contact"]], provider: "openai", model: "gpt-4o-mini" },
      },
    },
  },
  batchAccepted: {
    id: BATCH_ID,
    status_url: `/v1/batches/${BATCH_ID}`,
    shards: 100,
    estimate: {
      items: 1_000_000,
      shards: 100,
      bytes: 19_234_567_890,
      largest_shard_bytes: 192_345_679,
      max_model_calls: null,
    },
  },
  batchStatus: {
    id: BATCH_ID,
    kind: "trajectories",
    status: "running",
    shards: { total: 100, done: 97, failed: 1, pending: 2 },
    manifest_key: null,
    shards_prefix: `datasets/${BATCH_ID}/shards/`,
    errors: [
      {
        shard: 41,
        attempts: 3,
        final: true,
        code: "storage_failed",
        message:
          '[storage] [fs] Writing "datasets/…/shards/00041.jsonl" failed: the data directory is on a read-only file system: choose a writable directory.',
      },
    ],
    hint: null,
    links: null,
  },
  batchCancelled: {
    id: BATCH_ID,
    kind: "trajectories",
    status: "cancelled",
    shards: { total: 100, done: 40, failed: 0, pending: 60 },
    manifest_key: null,
    shards_prefix: `datasets/${BATCH_ID}/shards/`,
    errors: [],
    hint: "Cancelled: queued shards are skipped. POST the same spec to /v1/batches to resume it.",
    links: null,
  },
  manifest: {
    format: "agentsynth.dataset/v1",
    spec: { seed: 42, total: 1_000_000, shard_size: 10_000, start_index: 0, gzip: false, format: "trajectory" },
    shards: [{ key: "shards/00000.jsonl", start_index: 0, count: 10_000, bytes: 192_345_679, sha256: HASH }],
  },
  error: {
    error: {
      code: "config_invalid",
      message: "Invalid batch spec (1 problem): …",
      issues: [
        {
          field: "config.anomaly_injecton",
          allowed:
            'unknown key "anomaly_injecton"; did you mean "anomaly_injection"? allowed: random_seed, data_generation, anomaly_injection, splits',
        },
      ],
    },
  },
} as const;
