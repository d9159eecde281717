import { type StorageDriverName, StorageError } from "../errors.ts";

/** S3's own limit on key length, in UTF-8 bytes; the fs driver keeps to it so keys move freely between drivers. */
const MAX_KEY_BYTES = 1024;

/** Prefix of the fs driver's temporary files; no key segment may start with it, so temp files never look like keys. */
export const TEMP_SEGMENT_PREFIX = ".~";

const KEY_RULES =
  "Keys are relative '/'-separated paths of printable characters: no leading '/', no empty, '.' or '..' segments, " +
  `no backslashes or control characters, no segment starting with '${TEMP_SEGMENT_PREFIX}', at most ${MAX_KEY_BYTES} bytes.`;

/** Why a key is unusable, or null when it is fine. Shared by every driver so the same keys work everywhere. */
export function keyProblem(key: string): string | null {
  if (typeof key !== "string" || key.length === 0) return "the key is empty";
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) return `the key is longer than ${MAX_KEY_BYTES} bytes`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(key)) return "the key contains a control character (NUL, newline, ...)";
  if (key.includes("\\")) return "the key contains a backslash";
  if (key.startsWith("/")) return "the key is absolute (starts with '/')";
  if (key.endsWith("/")) return "the key ends with '/' (that names a folder, not an object)";
  for (const segment of key.split("/")) {
    if (segment === "") return "the key has an empty segment ('//')";
    if (segment === "." || segment === "..") return `the key has a '${segment}' segment`;
    if (segment.startsWith(TEMP_SEGMENT_PREFIX)) return `a segment starts with the reserved '${TEMP_SEGMENT_PREFIX}'`;
  }
  return null;
}

/** Throws a StorageError naming the key and the rules when the key cannot be used. */
export function assertValidKey(driver: StorageDriverName, key: string): void {
  const problem = keyProblem(key);
  if (problem !== null) {
    throw new StorageError(driver, key, `Invalid key ${JSON.stringify(key)}: ${problem}. ${KEY_RULES}`);
  }
}

/** A list prefix may be empty or end anywhere, but must not escape the root or carry forbidden characters. */
export function assertValidPrefix(driver: StorageDriverName, prefix: string): void {
  if (prefix === "") return;
  // A prefix is a key with the final (possibly partial or empty) segment left open.
  const probe = prefix.endsWith("/") ? `${prefix}x` : prefix;
  const problem = keyProblem(probe);
  if (problem !== null) {
    throw new StorageError(driver, prefix, `Invalid list prefix ${JSON.stringify(prefix)}: ${problem}. ${KEY_RULES}`);
  }
}

/** Validates `limit` for list(): a positive integer up to 1000 (S3's page maximum). */
export function normalizeListLimit(driver: StorageDriverName, limit: number | undefined): number {
  if (limit === undefined) return 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new StorageError(driver, undefined, `Invalid list limit ${limit}: use an integer from 1 to 1000.`);
  }
  return limit;
}
