import type { Body } from "./object-store.ts";

const encoder = new TextEncoder();

/** True when the body is a stream (to be consumed once, chunk by chunk). */
export function isStreamBody(body: Body): body is AsyncIterable<Uint8Array> {
  return typeof body !== "string" && !(body instanceof Uint8Array);
}

/** The body as bytes; streams are read to the end (only for drivers that keep whole objects anyway, like memory). */
export async function bodyToBytes(body: Body): Promise<Uint8Array> {
  if (typeof body === "string") return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Yields the body chunk by chunk without copying streams into memory. */
export async function* bodyChunks(body: Body): AsyncIterable<Uint8Array> {
  if (typeof body === "string") {
    yield encoder.encode(body);
  } else if (body instanceof Uint8Array) {
    yield body;
  } else {
    for await (const chunk of body) yield typeof chunk === "string" ? encoder.encode(chunk) : chunk;
  }
}
