import { BatchError, BatchPendingError, CoreError, LlmCallError } from "../errors.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { sleep } from "./adaptive-limiter.ts";
import type { BatchItemResult, GenerateRequest, GenerateResult, LanguageModel } from "./language-model.ts";
import { type ResponseCache, responseCacheKey } from "./response-cache.ts";

// Batch mode without a second code path for tasks: every task runs its usual loop (prompt, parse, validate, correct)
// against this model, whose generate() only queues the request. When every live task is waiting on a reply, the
// queue goes to the provider's Batch API as one batch (a round); replies come back, tasks parse them, and the ones
// that need a correction queue their next request, which makes the next round. Expired, cancelled and retryable
// failed requests are resubmitted in the next round. Each submitted batch is recorded in the object store before it
// is awaited, so a killed run, started again, polls that batch instead of paying for the same requests twice.

/** Most requests per submitted batch (OpenAI allows 50,000 per file, Anthropic 100,000 per batch). */
const MAX_REQUESTS_PER_BATCH = 10_000;
/** Times one request is resubmitted after expiring or failing retryably inside a batch. */
export const DEFAULT_MAX_RESUBMITS = 3;

/** A submitted batch, stored at `{prefix}{provider}-{batchId}.json` until its results are in the cache. */
export interface OpenBatchRecord {
  provider: string;
  model: string;
  batchId: string;
  customIds: string[];
  /** What to resume when the batch ends (a shard job on AWS); opaque here. */
  resume?: unknown;
}

export interface BatchCollectorOptions {
  model: LanguageModel;
  store: ObjectStore;
  cache: ResponseCache;
  /** Where open batch records live (default `batches/open/`). */
  prefix?: string;
  pollIntervalMs?: number;
  maxResubmits?: number;
  signal?: AbortSignal;
  /**
   * false: submit and return (Lambda never waits); every queued call then fails with BatchPendingError and the
   * scheduled poller resumes the job when the batch ends. Default true: poll until the batch ends.
   */
  wait?: boolean;
  /** Stored with each open record when `wait` is false. */
  resume?: unknown;
  onRound?: (round: BatchRoundInfo) => void;
}

export interface BatchRoundInfo {
  round: number;
  submitted: number;
  resumed: number;
  batchIds: string[];
}

export interface BatchCollectorStats {
  rounds: number;
  submittedRequests: number;
  resubmittedRequests: number;
  resumedBatches: number;
  batchIds: string[];
}

interface Pending {
  customId: string;
  body: Record<string, unknown>;
  resubmits: number;
  resolve: (result: GenerateResult) => void;
  reject: (error: unknown) => void;
}

export interface BatchCollector {
  /** The model tasks call: queues each request into the next batch. */
  model: LanguageModel;
  /** A task started its loop (it will either settle or queue a request). */
  taskStarted(): void;
  /** A task finished; if every remaining task is waiting, the queue is submitted. */
  taskSettled(): void;
  stats(): BatchCollectorStats;
}

/**
 * A batch-mode model over a provider's Batch API (see the comment at the top of this file).
 * @example
 * const collector = createBatchCollector({ model, store, cache });
 */
export function createBatchCollector(options: BatchCollectorOptions): BatchCollector {
  const { model, store, cache } = options;
  const api = model.batchApi;
  const requestBody = model.requestBody;
  const parse = model.parseResponse;
  if (api === undefined || requestBody === undefined || parse === undefined) {
    throw new BatchError(
      `The ${model.provider} provider has no Batch API: use --batch-api with --provider openai or anthropic.`,
    );
  }
  const prefix = options.prefix ?? "batches/open/";
  const pollIntervalMs = options.pollIntervalMs ?? 30_000;
  const maxResubmits = options.maxResubmits ?? DEFAULT_MAX_RESUBMITS;
  const pending = new Map<string, Pending>();
  const stats: BatchCollectorStats = {
    rounds: 0,
    submittedRequests: 0,
    resubmittedRequests: 0,
    resumedBatches: 0,
    batchIds: [],
  };
  let live = 0;
  let flushing = false;

  const maybeFlush = (): void => {
    if (flushing || pending.size === 0 || pending.size < live) return;
    flushing = true;
    const round = [...pending.values()];
    pending.clear();
    void runRound(round)
      .catch((error: unknown) => {
        for (const item of round) item.reject(error);
      })
      .finally(() => {
        flushing = false;
        maybeFlush();
      });
  };

  async function openRecords(): Promise<Map<string, OpenBatchRecord>> {
    const byCustomId = new Map<string, OpenBatchRecord>();
    let cursor: string | undefined;
    do {
      const page = await store.list(prefix, cursor === undefined ? {} : { cursor });
      for (const info of page.keys) {
        const bytes = await store.get(info.key);
        if (bytes === null) continue;
        const record = JSON.parse(Buffer.from(bytes).toString("utf8")) as OpenBatchRecord;
        if (record.provider !== model.provider || record.model !== model.modelId) continue;
        for (const id of record.customIds) byCustomId.set(id, record);
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
    return byCustomId;
  }

  async function runRound(round: Pending[]): Promise<void> {
    stats.rounds++;
    const open = await openRecords();
    const batches = new Map<string, OpenBatchRecord>();
    const fresh: Pending[] = [];
    for (const item of round) {
      const record = open.get(item.customId);
      if (record === undefined) fresh.push(item);
      else batches.set(record.batchId, record);
    }
    stats.resumedBatches += batches.size;
    const resumed = round.length - fresh.length;
    for (let start = 0; start < fresh.length; start += MAX_REQUESTS_PER_BATCH) {
      const chunk = fresh.slice(start, start + MAX_REQUESTS_PER_BATCH);
      const batchId = await (api as NonNullable<typeof api>).submit(
        chunk.map((item) => ({ customId: item.customId, body: item.body })),
        options.signal,
      );
      const record: OpenBatchRecord = {
        provider: model.provider,
        model: model.modelId,
        batchId,
        customIds: chunk.map((item) => item.customId),
        ...(options.resume === undefined ? {} : { resume: options.resume }),
      };
      await store.put(recordKey(prefix, record), JSON.stringify(record), { contentType: "application/json" });
      batches.set(batchId, record);
      stats.submittedRequests += chunk.length;
    }
    stats.batchIds.push(...batches.keys());
    options.onRound?.({ round: stats.rounds, submitted: fresh.length, resumed, batchIds: [...batches.keys()] });
    if (options.wait === false) {
      const ids = [...batches.keys()].join(", ");
      for (const item of round) {
        item.reject(new BatchPendingError(`Waiting for ${model.provider} batch ${ids}; the poller resumes the job.`));
      }
      return;
    }
    const byId = new Map(round.map((item) => [item.customId, item]));
    await Promise.all(
      [...batches.values()].map(async (record) => {
        const outcome = await awaitBatch(record);
        for (const [customId, result] of outcome) {
          const item = byId.get(customId);
          if (item === undefined) continue;
          byId.delete(customId);
          settle(item, result);
        }
      }),
    );
    // Requests the provider never answered (a batch that expired or was cancelled midway) go round again.
    for (const item of byId.values()) {
      settle(item, { customId: item.customId, ok: false, reason: "expired", retryable: true, message: "no result" });
    }
  }

  /** Polls until the batch ends, stores every reply in the cache, then forgets the open record. */
  async function awaitBatch(record: OpenBatchRecord): Promise<Map<string, BatchItemResult | GenerateResult>> {
    const batchApi = api as NonNullable<typeof api>;
    for (;;) {
      const status = await batchApi.poll(record.batchId, options.signal);
      if (status.state === "failed") {
        await store.delete(recordKey(prefix, record));
        throw new LlmCallError(`[llm] [${model.provider}] ${status.message ?? `Batch ${record.batchId} failed.`}`, {
          provider: model.provider,
          isRetryable: false,
        });
      }
      if (status.state === "ended") break;
      await sleep(pollIntervalMs, options.signal);
    }
    const outcome = await collectBatchResults(
      batchApi,
      record,
      cache,
      parse as NonNullable<typeof parse>,
      options.signal,
    );
    await store.delete(recordKey(prefix, record));
    return outcome;
  }

  function settle(item: Pending, result: BatchItemResult | GenerateResult): void {
    if (!("customId" in result)) {
      item.resolve(result);
      return;
    }
    if (result.ok) return; // collectBatchResults turns successes into GenerateResults
    if (result.retryable && item.resubmits < maxResubmits) {
      stats.resubmittedRequests++;
      item.resubmits++;
      pending.set(item.customId, item);
      return;
    }
    item.reject(
      new LlmCallError(
        `[llm] [${model.provider}] Batch request ${result.reason} after ${item.resubmits} resubmissions: ${result.message}`,
        {
          provider: model.provider,
          code: result.retryable ? "llm_unavailable" : "llm_call_failed",
          isRetryable: result.retryable,
        },
      ),
    );
  }

  const batchModel: LanguageModel = {
    provider: model.provider,
    modelId: model.modelId,
    requestBody,
    parseResponse: parse,
    generate(request: GenerateRequest): Promise<GenerateResult> {
      if (request.taskRef === undefined) {
        return Promise.reject(new BatchError("Batch mode needs each request's task (taskRef) to address its reply."));
      }
      const body = requestBody(request);
      const customId = responseCacheKey(model.provider, body, request.taskRef);
      return new Promise((resolve, reject) => {
        pending.set(customId, { customId, body, resubmits: 0, resolve, reject });
        maybeFlush();
      });
    },
  };

  return {
    model: batchModel,
    taskStarted: () => {
      live++;
    },
    taskSettled: () => {
      live--;
      maybeFlush();
    },
    stats: () => ({ ...stats, batchIds: [...stats.batchIds] }),
  };
}

export function recordKey(prefix: string, record: { provider: string; batchId: string }): string {
  return `${prefix}${record.provider}-${record.batchId.replace(/[^A-Za-z0-9_-]/g, "_")}.json`;
}

/**
 * Downloads a finished batch's results, stores each reply in the response cache (before anyone uses it, so a crash
 * after this point never pays for it again) and returns replies as GenerateResults and failures as they came.
 * Shared by the waiting collector and the scheduled poller.
 */
export async function collectBatchResults(
  api: NonNullable<LanguageModel["batchApi"]>,
  record: OpenBatchRecord,
  cache: ResponseCache,
  parse: (body: unknown) => GenerateResult,
  signal?: AbortSignal,
): Promise<Map<string, BatchItemResult | GenerateResult>> {
  const outcome = new Map<string, BatchItemResult | GenerateResult>();
  for await (const item of api.results(record.batchId, signal)) {
    if (!item.ok) {
      outcome.set(item.customId, item);
      continue;
    }
    let result: GenerateResult;
    try {
      result = parse(item.body);
    } catch (error) {
      const message = error instanceof CoreError ? error.message : String(error);
      outcome.set(item.customId, { customId: item.customId, ok: false, reason: "errored", retryable: false, message });
      continue;
    }
    await cache.put(item.customId, result);
    outcome.set(item.customId, { ...result, persisted: true });
  }
  return outcome;
}
