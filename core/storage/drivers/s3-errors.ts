import { StorageError } from "../../errors.ts";

interface AwsLikeError {
  name?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The S3 error code of an SDK error ("NoSuchKey", "PreconditionFailed", ...), or its HTTP status as a fallback. */
export function s3ErrorName(error: unknown): string | undefined {
  const aws = error as AwsLikeError | undefined;
  // Network failures arrive as plain Errors whose errno sits in `code` (ECONNREFUSED, ENOTFOUND, ...).
  const name = aws?.name === "Error" || aws?.name === "AggregateError" ? undefined : aws?.name;
  return aws?.Code ?? name ?? aws?.code;
}

export function s3HttpStatus(error: unknown): number | undefined {
  return (error as AwsLikeError | undefined)?.$metadata?.httpStatusCode;
}

export function isS3NotFound(error: unknown): boolean {
  const name = s3ErrorName(error);
  return name === "NoSuchKey" || name === "NotFound" || (s3HttpStatus(error) === 404 && name !== "NoSuchBucket");
}

/** What to do about each failure, so an operator can fix it without reading a stack trace. */
function adviceFor(name: string | undefined, status: number | undefined, bucket: string): string {
  if (name === "NoSuchBucket") {
    return `bucket "${bucket}" does not exist: create it, or fix the bucket name the store was given.`;
  }
  if (name === "AccessDenied" || name === "Forbidden" || status === 403) {
    return `permission denied on bucket "${bucket}": grant this role s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket on it.`;
  }
  if (name === "InvalidAccessKeyId" || name === "SignatureDoesNotMatch" || name === "ExpiredToken") {
    return "the AWS credentials were rejected: refresh them or check the configured profile/role.";
  }
  if (name === "CredentialsProviderError") {
    return "no AWS credentials were found: configure a role, profile or the standard AWS_* credential variables.";
  }
  if (name === "SlowDown" || status === 503) return "S3 is throttling requests: lower the write concurrency and retry.";
  if (name !== undefined && ["ECONNREFUSED", "ENOTFOUND", "ECONNRESET", "ETIMEDOUT", "TimeoutError"].includes(name)) {
    return `S3 could not be reached (${name}): check the endpoint, region and network.`;
  }
  if (name === "EntityTooLarge") return "the object is larger than S3 accepts in one request.";
  if (status !== undefined && status >= 500) return `S3 returned ${status}: retry later.`;
  return `unexpected S3 error ${name ?? "(unnamed)"}${status === undefined ? "" : ` (HTTP ${status})`}.`;
}

/**
 * Wraps an SDK error in a StorageError naming the operation, bucket and key. Only the error's code and status go
 * into the message (the SDK error stays as `cause`), so request signatures or credentials never reach it.
 */
export function s3StorageError(
  operation: string,
  bucket: string,
  key: string | undefined,
  error: unknown,
): StorageError {
  const name = s3ErrorName(error);
  const status = s3HttpStatus(error);
  const target = key === undefined ? `bucket "${bucket}"` : `${JSON.stringify(key)} in bucket "${bucket}"`;
  return new StorageError("s3", key, `${operation} ${target} failed: ${adviceFor(name, status, bucket)}`, {
    cause: error,
  });
}
