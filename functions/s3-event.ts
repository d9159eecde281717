import type { S3Event } from "aws-lambda";

/**
 * Object keys of an S3 notification, decoded: S3 URL-encodes keys in events and writes spaces as '+'.
 * Records for other buckets or non-creation events are skipped.
 */
export function createdObjectKeys(event: S3Event, bucket?: string): string[] {
  return (event.Records ?? [])
    .filter((record) => record.eventName?.startsWith("ObjectCreated:"))
    .filter((record) => bucket === undefined || record.s3.bucket.name === bucket)
    .map((record) => decodeURIComponent(record.s3.object.key.replace(/\+/g, " ")));
}
