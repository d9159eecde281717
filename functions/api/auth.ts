import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { errorBody } from "./errors.ts";

/**
 * Requires `Authorization: Bearer <token>`. Both sides are hashed first so the comparison is constant-time whatever
 * the lengths (timingSafeEqual needs equal lengths, and an early length check would leak the token's length).
 */
export function bearerAuth(token: string): MiddlewareHandler {
  const expected = digest(token);
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
    if (match === null || !timingSafeEqual(digest(match[1] as string), expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="agentsynth"');
      return c.json(
        errorBody("unauthorized", "Missing or invalid bearer token: send Authorization: Bearer <token>."),
        401,
      );
    }
    return next();
  };
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
