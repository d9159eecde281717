import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createBatchEndpoints } from "./llm-batch-endpoints.ts";

// A local server speaking OpenAI chat-completions and Anthropic messages over real HTTP, driven by scripted replies,
// so the official SDKs (retries, Retry-After, timeouts, error classes) run exactly as in production.

export type ScriptedFinish = "stop" | "length" | "content-filter";

export interface ScriptedReply {
  /** Text of the assistant message (ignored when `status` is an error). */
  text?: string;
  finish?: ScriptedFinish;
  /** HTTP status; 2xx sends a completion, anything else an error body. */
  status?: number;
  headers?: Record<string, string>;
  /** Wait this long before answering (for timeouts and latency). */
  delayMs?: number;
  usage?: { inputTokens: number; outputTokens: number };
}

export interface RecordedRequest {
  protocol: "openai" | "anthropic";
  body: Record<string, unknown>;
  headers: IncomingMessage["headers"];
  /** Set for a request that arrived inside a Batch API batch (its custom_id). */
  batchCustomId?: string;
}

export type ReplyScript = ScriptedReply[] | ((request: RecordedRequest, callIndex: number) => ScriptedReply);

export interface LlmServer {
  /** Base URL for the OpenAI SDK (`…/v1`). */
  openaiBaseURL: string;
  /** Base URL for the Anthropic SDK (the SDK appends `/v1/messages`). */
  anthropicBaseURL: string;
  /** Every generation request, direct or inside a batch, including the ones answered 429 by the limit. */
  requests: RecordedRequest[];
  /** Load figures of the rate-limited and queueing modes. */
  stats: { inFlight: number; peakInFlight: number; rejected: number; batchesCreated: number; batchPolls: number };
  close(): Promise<void>;
}

export interface LlmServerOptions {
  delayMs?: number;
  /**
   * A capacity of this many generation requests in flight. Above it, `overload: "reject"` (default) answers 429 at
   * once, like a hosted API's concurrency limit; `"queue"` makes the request wait for a free slot, like vLLM, so
   * overload shows only as rising latency.
   */
  maxInFlight?: number;
  overload?: "reject" | "queue";
  /** Headers sent with each 429 of the limit (e.g. `{ "retry-after": "3600" }`). */
  rejectHeaders?: Record<string, string>;
  /** Batch API: polls that answer "in progress" before a batch ends (default 1). */
  batchPollsBeforeEnd?: number;
  /** Batch API: requests for which this returns true expire instead of being answered. */
  expire?: (customId: string, attemptOfThisId: number) => boolean;
}

/**
 * Starts the server on 127.0.0.1 with a random port. A list script answers the n-th request with the n-th reply
 * (and the last reply after that); a function script computes each reply.
 */
export async function startLlmServer(script: ReplyScript, options: LlmServerOptions = {}): Promise<LlmServer> {
  const requests: RecordedRequest[] = [];
  const stats = { inFlight: 0, peakInFlight: 0, rejected: 0, batchesCreated: 0, batchPolls: 0 };
  const queue: Array<() => void> = [];
  const batches = createBatchEndpoints({
    options,
    answer: (recorded) => {
      const callIndex = requests.length;
      requests.push(recorded);
      return Array.isArray(script)
        ? (script[Math.min(callIndex, script.length - 1)] as ScriptedReply)
        : script(recorded, callIndex);
    },
    stats,
  });
  const server = createServer((request, response) => {
    void handle(request, response);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = request.url ?? "";
    if (await batches.handle(request, response, Buffer.concat(chunks), base)) return;
    const protocol = path.endsWith("/chat/completions")
      ? "openai"
      : path.endsWith("/messages")
        ? "anthropic"
        : undefined;
    if (request.method !== "POST" || protocol === undefined) {
      response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
      return;
    }
    const recorded: RecordedRequest = {
      protocol,
      body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
      headers: request.headers,
    };
    const limit = options.maxInFlight;
    if (limit !== undefined && stats.inFlight >= limit) {
      if ((options.overload ?? "reject") === "reject") {
        requests.push(recorded);
        stats.rejected++;
        response
          .writeHead(429, { "content-type": "application/json", ...options.rejectHeaders })
          .end(JSON.stringify(errorBody(protocol, 429)));
        return;
      }
      // The slot of the request that finishes is handed over, so it stays counted in inFlight.
      await new Promise<void>((resolve) => queue.push(resolve));
    } else {
      stats.inFlight++;
    }
    stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
    const callIndex = requests.length;
    requests.push(recorded);
    const reply = Array.isArray(script)
      ? (script[Math.min(callIndex, script.length - 1)] as ScriptedReply)
      : script(recorded, callIndex);
    const delay = reply.delayMs ?? options.delayMs ?? 0;
    try {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    } finally {
      const next = queue.shift();
      if (next === undefined) stats.inFlight--;
      else next();
    }
    // The client gave up (timeout or abort) while we waited.
    if (response.socket === null || response.socket.destroyed) return;
    const status = reply.status ?? 200;
    const headers = { "content-type": "application/json", ...reply.headers };
    const body =
      status >= 300
        ? errorBody(protocol, status)
        : protocol === "openai"
          ? openAiCompletion(recorded, reply)
          : anthropicMessage(recorded, reply);
    response.writeHead(status, headers).end(JSON.stringify(body));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    openaiBaseURL: `${base}/v1`,
    anthropicBaseURL: base,
    requests,
    stats,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export function openAiCompletion(request: RecordedRequest, reply: ScriptedReply): unknown {
  const finish = { stop: "stop", length: "length", "content-filter": "content_filter" }[reply.finish ?? "stop"];
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 1_735_732_800,
    model: request.body.model,
    choices: [{ index: 0, message: { role: "assistant", content: reply.text ?? "" }, finish_reason: finish }],
    usage: {
      prompt_tokens: reply.usage?.inputTokens ?? 100,
      completion_tokens: reply.usage?.outputTokens ?? 20,
      total_tokens: (reply.usage?.inputTokens ?? 100) + (reply.usage?.outputTokens ?? 20),
    },
  };
}

export function anthropicMessage(request: RecordedRequest, reply: ScriptedReply): unknown {
  const stop = { stop: "end_turn", length: "max_tokens", "content-filter": "refusal" }[reply.finish ?? "stop"];
  return {
    id: "msg_test",
    type: "message",
    role: "assistant",
    model: request.body.model,
    content: reply.text === undefined || reply.text === "" ? [] : [{ type: "text", text: reply.text }],
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: reply.usage?.inputTokens ?? 100, output_tokens: reply.usage?.outputTokens ?? 20 },
  };
}

export function errorBody(protocol: "openai" | "anthropic", status: number): unknown {
  const message = status === 429 ? "Rate limit reached, slow down." : `Scripted failure with status ${status}.`;
  return protocol === "openai"
    ? { error: { message, type: status === 429 ? "rate_limit_error" : "server_error", code: null } }
    : { type: "error", error: { type: status === 429 ? "rate_limit_error" : "api_error", message } };
}
