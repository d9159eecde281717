import type { IncomingMessage, ServerResponse } from "node:http";
import type { LlmServerOptions, RecordedRequest, ScriptedReply } from "./llm-server.ts";
import { anthropicMessage, openAiCompletion } from "./llm-server.ts";

// The Files API + OpenAI Batch API and Anthropic Message Batches, answered by the same reply script as direct calls,
// so the official SDKs' batch methods run over real HTTP: upload (multipart), create, poll, download output/error
// files or the results JSONL. A batch stays "in progress" for `batchPollsBeforeEnd` polls; requests picked by
// `expire` come back expired (OpenAI: error file with code batch_expired; Anthropic: result type "expired").

interface StoredBatch {
  protocol: "openai" | "anthropic";
  id: string;
  polls: number;
  inputFileId?: string;
  outputFileId?: string | null;
  errorFileId?: string | null;
  results?: string;
  expired: number;
  total: number;
}

export function createBatchEndpoints(input: {
  options: LlmServerOptions;
  answer: (recorded: RecordedRequest) => ScriptedReply;
  stats: { batchesCreated: number; batchPolls: number };
}) {
  const files = new Map<string, string>();
  const batches = new Map<string, StoredBatch>();
  const expiredTimes = new Map<string, number>();
  let nextId = 0;
  const pollsBeforeEnd = input.options.batchPollsBeforeEnd ?? 1;

  const json = (response: ServerResponse, status: number, body: unknown): true => {
    response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    return true;
  };
  const expires = (customId: string): boolean => {
    const times = expiredTimes.get(customId) ?? 0;
    if (input.options.expire?.(customId, times) !== true) return false;
    expiredTimes.set(customId, times + 1);
    return true;
  };

  /** Answers every request of a batch when it ends, as the provider would have over the day. */
  function run(batch: StoredBatch): void {
    if (batch.protocol === "openai") {
      const lines = (files.get(batch.inputFileId ?? "") ?? "").split("\n").filter((line) => line.trim() !== "");
      const output: string[] = [];
      const errors: string[] = [];
      for (const line of lines) {
        const item = JSON.parse(line) as { custom_id: string; body: Record<string, unknown> };
        if (expires(item.custom_id)) {
          batch.expired++;
          errors.push(
            JSON.stringify({
              id: `batch_req_${nextId++}`,
              custom_id: item.custom_id,
              response: null,
              error: {
                code: "batch_expired",
                message: "This request could not be executed before the completion window expired.",
              },
            }),
          );
          continue;
        }
        const recorded: RecordedRequest = {
          protocol: "openai",
          body: item.body,
          headers: {},
          batchCustomId: item.custom_id,
        };
        const reply = input.answer(recorded);
        output.push(
          JSON.stringify({
            id: `batch_req_${nextId++}`,
            custom_id: item.custom_id,
            response: { status_code: 200, request_id: "req", body: openAiCompletion(recorded, reply) },
            error: null,
          }),
        );
      }
      batch.outputFileId = output.length > 0 ? store(`${output.join("\n")}\n`) : null;
      batch.errorFileId = errors.length > 0 ? store(`${errors.join("\n")}\n`) : null;
      return;
    }
    const requests = JSON.parse(files.get(batch.id) ?? "[]") as Array<{
      custom_id: string;
      params: Record<string, unknown>;
    }>;
    batch.results = requests
      .map((item) => {
        if (expires(item.custom_id)) {
          batch.expired++;
          return JSON.stringify({ custom_id: item.custom_id, result: { type: "expired" } });
        }
        const recorded: RecordedRequest = {
          protocol: "anthropic",
          body: item.params,
          headers: {},
          batchCustomId: item.custom_id,
        };
        const reply = input.answer(recorded);
        return JSON.stringify({
          custom_id: item.custom_id,
          result: { type: "succeeded", message: anthropicMessage(recorded, reply) },
        });
      })
      .map((line) => `${line}\n`)
      .join("");
  }

  function store(text: string): string {
    const id = `file-${nextId++}`;
    files.set(id, text);
    return id;
  }

  function openAiBatch(batch: StoredBatch, ended: boolean) {
    return {
      id: batch.id,
      object: "batch",
      endpoint: "/v1/chat/completions",
      input_file_id: batch.inputFileId,
      completion_window: "24h",
      status: ended ? (batch.expired > 0 ? "expired" : "completed") : "in_progress",
      output_file_id: ended ? batch.outputFileId : null,
      error_file_id: ended ? batch.errorFileId : null,
      created_at: 1_735_732_800,
      request_counts: { total: batch.total, completed: ended ? batch.total - batch.expired : 0, failed: 0 },
    };
  }

  function anthropicBatch(batch: StoredBatch, ended: boolean, base: string) {
    return {
      id: batch.id,
      type: "message_batch",
      processing_status: ended ? "ended" : "in_progress",
      request_counts: {
        processing: ended ? 0 : batch.total,
        succeeded: ended ? batch.total - batch.expired : 0,
        errored: 0,
        canceled: 0,
        expired: ended ? batch.expired : 0,
      },
      created_at: "2025-01-01T12:00:00Z",
      expires_at: "2025-01-02T12:00:00Z",
      ended_at: ended ? "2025-01-01T13:00:00Z" : null,
      results_url: ended ? `${base}/v1/messages/batches/${batch.id}/results` : null,
    };
  }

  /** Polls count towards the end; the batch's replies are made once, when it ends. */
  function poll(batch: StoredBatch): boolean {
    input.stats.batchPolls++;
    batch.polls++;
    const ended = batch.polls > pollsBeforeEnd;
    if (ended && batch.outputFileId === undefined && batch.results === undefined) run(batch);
    return ended;
  }

  return {
    async handle(request: IncomingMessage, response: ServerResponse, raw: Buffer, base: string): Promise<boolean> {
      const path = (request.url ?? "").split("?")[0] as string;
      const method = request.method ?? "GET";
      if (method === "POST" && path === "/v1/files") {
        const form = await new Request("http://local/upload", {
          method: "POST",
          headers: { "content-type": request.headers["content-type"] ?? "" },
          body: raw,
        }).formData();
        const file = form.get("file") as File;
        const id = store(await file.text());
        return json(response, 200, {
          id,
          object: "file",
          bytes: file.size,
          created_at: 1_735_732_800,
          filename: file.name,
          purpose: form.get("purpose"),
          status: "processed",
        });
      }
      const content = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
      if (method === "GET" && content !== null) {
        const text = files.get(content[1] as string);
        if (text === undefined) return json(response, 404, { error: { message: "No such file" } });
        response.writeHead(200, { "content-type": "application/octet-stream" }).end(text);
        return true;
      }
      if (method === "POST" && path === "/v1/batches") {
        const body = JSON.parse(raw.toString("utf8")) as { input_file_id: string };
        const id = `batch_${nextId++}`;
        const total = (files.get(body.input_file_id) ?? "").split("\n").filter((line) => line.trim() !== "").length;
        const batch: StoredBatch = {
          protocol: "openai",
          id,
          polls: 0,
          inputFileId: body.input_file_id,
          expired: 0,
          total,
        };
        batches.set(id, batch);
        input.stats.batchesCreated++;
        return json(response, 200, openAiBatch(batch, false));
      }
      const openAiGet = /^\/v1\/batches\/([^/]+)$/.exec(path);
      if (method === "GET" && openAiGet !== null) {
        const batch = batches.get(openAiGet[1] as string);
        if (batch === undefined) return json(response, 404, { error: { message: "No such batch" } });
        return json(response, 200, openAiBatch(batch, poll(batch)));
      }
      if (method === "POST" && path === "/v1/messages/batches") {
        const body = JSON.parse(raw.toString("utf8")) as { requests: unknown[] };
        const id = `msgbatch_${nextId++}`;
        files.set(id, JSON.stringify(body.requests));
        const batch: StoredBatch = { protocol: "anthropic", id, polls: 0, expired: 0, total: body.requests.length };
        batches.set(id, batch);
        input.stats.batchesCreated++;
        return json(response, 200, anthropicBatch(batch, false, base));
      }
      const results = /^\/v1\/messages\/batches\/([^/]+)\/results$/.exec(path);
      if (method === "GET" && results !== null) {
        const batch = batches.get(results[1] as string);
        if (batch?.results === undefined)
          return json(response, 404, { type: "error", error: { message: "not ended" } });
        response.writeHead(200, { "content-type": "application/binary" }).end(batch.results);
        return true;
      }
      const anthropicGet = /^\/v1\/messages\/batches\/([^/]+)$/.exec(path);
      if (method === "GET" && anthropicGet !== null) {
        const batch = batches.get(anthropicGet[1] as string);
        if (batch === undefined) return json(response, 404, { type: "error", error: { message: "No such batch" } });
        // The SDK's results() retrieves the batch first; only explicit polls move it towards its end.
        const ended = batch.results !== undefined || poll(batch);
        return json(response, 200, anthropicBatch(batch, ended, base));
      }
      return false;
    },
  };
}
