import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { apiIssuesOf, type FieldIssue } from "../../core/batch/issues.ts";
import { CoreError, type ErrorCode, type Issue } from "../../core/errors.ts";
import { logger } from "../logger.ts";

export type ApiIssue = FieldIssue;

export interface ApiErrorBody {
  error: { code: string; message: string; issues?: ApiIssue[] };
}

const STATUS_BY_CODE: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  config_invalid: 400,
  input_invalid: 400,
  task_invalid: 400,
  not_found: 404,
  storage_failed: 503,
  llm_call_failed: 502,
  llm_output_invalid: 502,
  task_generation_failed: 502,
  task_format_invalid: 502,
};

export const apiIssues = apiIssuesOf;

/** What a caller is told about a failure on our side; the details (paths, buckets, provider replies) go to the log. */
const SERVER_SIDE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  storage_failed:
    "The data store could not be written or read (read-only, full, throttled or unreachable); the details are in the service log. Try again once the operator has fixed it.",
  llm_call_failed: "The model provider failed; try again later.",
  llm_output_invalid: "The model provider failed; try again later.",
  task_generation_failed: "The model provider failed; try again later.",
  task_format_invalid: "The model provider failed; try again later.",
};

export function errorBody(code: string, message: string, issues?: ApiIssue[]): ApiErrorBody {
  return { error: issues === undefined ? { code, message } : { code, message, issues } };
}

/**
 * The edge where errors become HTTP: client mistakes keep their message and issues; anything else is logged and
 * answered with a generic 500, so stack traces, keys and internal paths never reach a caller.
 */
export function toErrorResponse(error: unknown, c: Context): Response {
  if (error instanceof CoreError) {
    const status = STATUS_BY_CODE[error.code];
    if (status !== undefined) {
      const issues = Array.isArray(error.details) ? apiIssues(error.details as Issue[]) : undefined;
      const message = status >= 500 ? (SERVER_SIDE_MESSAGES[error.code] ?? "Try again later.") : error.message;
      if (status >= 500) logger.error("request failed", { code: error.code, error: error.message });
      return c.json(errorBody(error.code, message, status >= 500 ? undefined : issues), status);
    }
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    if (status === 413) return c.json(errorBody("payload_too_large", error.message), 413);
    if (status === 415) {
      return c.json(
        errorBody("unsupported_media_type", 'Send the body as JSON with "content-type: application/json".'),
        415,
      );
    }
    if (status < 500) return c.json(errorBody("input_invalid", error.message || "Bad request"), status);
  }
  logger.error("unhandled error", {
    name: error instanceof Error ? error.name : typeof error,
    error: error instanceof Error ? error.message : String(error),
  });
  return c.json(
    errorBody("internal", "Internal error. The request was logged; try again or contact the operator."),
    500,
  );
}
