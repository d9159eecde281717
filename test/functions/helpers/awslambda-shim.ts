import { Writable } from "node:stream";

/** What a streamed Lambda response looked like: the prelude (status, headers, cookies) and the body bytes. */
export interface StreamedResponse {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

interface Prelude {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
}

class CapturingStream extends Writable {
  readonly chunks: Buffer[] = [];
  prelude: Prelude = { statusCode: 200, headers: {}, cookies: [] };

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk));
    callback();
  }
}

type StreamingHandler = (event: unknown, stream: CapturingStream, context: unknown) => Promise<void>;

/**
 * The Lambda runtime's `awslambda` global, which `streamHandle` from hono/aws-lambda calls at import time
 * (infra-findings §2). Install it before importing the handler; the wrapped handler then resolves with the captured
 * response instead of streaming it to the runtime.
 */
export function installAwsLambdaShim(): void {
  (globalThis as unknown as { awslambda: unknown }).awslambda = {
    streamifyResponse(handler: StreamingHandler) {
      return async (event: unknown, context: unknown): Promise<StreamedResponse> => {
        const stream = new CapturingStream();
        const finished = new Promise<void>((resolve, reject) => {
          stream.once("finish", resolve);
          stream.once("error", reject);
        });
        await handler(event, stream, context);
        await finished;
        return { ...stream.prelude, body: Buffer.concat(stream.chunks) };
      };
    },
    HttpResponseStream: {
      from(stream: CapturingStream, prelude: Prelude): CapturingStream {
        stream.prelude = prelude;
        return stream;
      },
    },
  };
}

/** Lambda environment for handlers built by functions/deps.ts: SST links pointing at the emulator. */
export function sstResourceEnv(links: { bucket: string; queueUrl: string; apiToken: string }): Record<string, string> {
  return {
    SST_RESOURCE_App: JSON.stringify({ name: "agentsynth", stage: "test" }),
    SST_RESOURCE_Datasets: JSON.stringify({ type: "sst.aws.Bucket", name: links.bucket }),
    SST_RESOURCE_Shards: JSON.stringify({ type: "sst.aws.Queue", url: links.queueUrl }),
    SST_RESOURCE_ApiToken: JSON.stringify({ type: "sst.sst.Secret", value: links.apiToken }),
    SST_RESOURCE_OpenaiApiKey: JSON.stringify({ type: "sst.sst.Secret", value: "unset" }),
    SST_RESOURCE_AnthropicApiKey: JSON.stringify({ type: "sst.sst.Secret", value: "unset" }),
  };
}
