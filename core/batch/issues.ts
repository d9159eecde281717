import type { Issue } from "../errors.ts";

/** A validation problem as callers see it (HTTP replies, upload results): field, offending value, what is allowed. */
export interface FieldIssue {
  field: string;
  value?: unknown;
  allowed: string;
}

export function apiIssuesOf(issues: readonly Issue[]): FieldIssue[] {
  return issues.map((issue) =>
    issue.value === undefined
      ? { field: issue.path, allowed: issue.message }
      : { field: issue.path, value: issue.value, allowed: issue.message },
  );
}
