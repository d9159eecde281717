import { readFileSync } from "node:fs";
import type { S3Event, SQSEvent } from "aws-lambda";
import type { LambdaEvent } from "hono/aws-lambda";

const FIXTURES = new URL("../../fixtures/events/", import.meta.url);

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8")) as T;
}

/** The recorded Function URL POST event with another path and JSON body (base64, as Lambda delivers it). */
export function functionUrlPost(path: string, body: unknown, headers: Record<string, string> = {}): LambdaEvent {
  const event = fixture<LambdaEvent & { rawPath: string; requestContext: { http: { path: string } } }>(
    "function-url-post.json",
  );
  event.rawPath = path;
  event.requestContext.http.path = path;
  (event as { body: string }).body = Buffer.from(JSON.stringify(body)).toString("base64");
  Object.assign(event.headers as Record<string, string>, headers);
  return event;
}

/** The recorded Function URL GET event for another path. */
export function functionUrlGet(path: string, headers: Record<string, string> = {}): LambdaEvent {
  const event = fixture<LambdaEvent & { rawPath: string; requestContext: { http: { path: string } } }>(
    "function-url-get.json",
  );
  event.rawPath = path;
  event.requestContext.http.path = path;
  Object.assign(event.headers as Record<string, string>, headers);
  return event;
}

/** The recorded S3 ObjectCreated:Put event for another bucket and key (the key URL-encoded, as S3 sends it). */
export function s3ObjectCreated(bucket: string, key: string): S3Event {
  const event = fixture<S3Event>("s3-object-created.json");
  const record = event.Records[0]!;
  record.s3.bucket.name = bucket;
  record.s3.bucket.arn = `arn:aws:s3:::${bucket}`;
  record.s3.object.key = encodeURIComponent(key).replace(/%2F/g, "/").replace(/%20/g, "+");
  return event;
}

/** The recorded SQS event with another message body and receive count. */
export function sqsEvent(body: string, receiveCount = 1): SQSEvent {
  const event = fixture<SQSEvent>("sqs-shard-job.json");
  const record = event.Records[0]!;
  record.body = body;
  record.attributes.ApproximateReceiveCount = String(receiveCount);
  return event;
}
