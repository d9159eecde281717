import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

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
}

export type ReplyScript = ScriptedReply[] | ((request: RecordedRequest, callIndex: number) => ScriptedReply);

export interface LlmServer {
  /** Base URL for the OpenAI SDK (`…/v1`). */
  openaiBaseURL: string;
  /** Base URL for the Anthropic SDK (the SDK appends `/v1/messages`). */
  anthropicBaseURL: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Starts the server on 127.0.0.1 with a random port. A list script answers the n-th request with the n-th reply
 * (and the last reply after that); a function script computes each reply.
 */
export async function startLlmServer(script: ReplyScript, options: { delayMs?: number } = {}): Promise<LlmServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    void handle(request, response);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = request.url ?? "";
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
    const callIndex = requests.length;
    requests.push(recorded);
    const reply = Array.isArray(script)
      ? (script[Math.min(callIndex, script.length - 1)] as ScriptedReply)
      : script(recorded, callIndex);
    const delay = reply.delayMs ?? options.delayMs ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function openAiCompletion(request: RecordedRequest, reply: ScriptedReply): unknown {
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

function anthropicMessage(request: RecordedRequest, reply: ScriptedReply): unknown {
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

function errorBody(protocol: "openai" | "anthropic", status: number): unknown {
  const message = status === 429 ? "Rate limit reached, slow down." : `Scripted failure with status ${status}.`;
  return protocol === "openai"
    ? { error: { message, type: status === 429 ? "rate_limit_error" : "server_error", code: null } }
    : { type: "error", error: { type: status === 429 ? "rate_limit_error" : "api_error", message } };
}
