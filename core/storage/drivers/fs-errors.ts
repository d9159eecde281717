import { StorageError } from "../../errors.ts";

/** What to do about each errno, so a failed write tells the operator how to fix it. */
function adviceFor(code: string | undefined, root: string): string {
  switch (code) {
    case "ENOSPC":
      return `the disk holding ${root} is full: free some space or point the store at a larger volume.`;
    case "EDQUOT":
      return `the disk quota for ${root} is exhausted: raise the quota or free some space.`;
    case "EACCES":
    case "EPERM":
      return `permission denied under ${root}: make the directory writable by this user or choose another directory.`;
    case "EROFS":
      return `${root} is on a read-only file system: choose a writable directory.`;
    case "ENOENT":
      return `a folder on the way to ${root} cannot be created (this file system refuses it, as /proc does): choose another directory.`;
    case "ENOTDIR":
      return "a parent folder of the key is an existing file (or the base directory is a file): use another key or base directory.";
    case "EISDIR":
      return "the key names a folder that holds other objects: use another key.";
    case "EMFILE":
    case "ENFILE":
      return "too many open files: lower the number of concurrent writers or raise the open-file limit (ulimit -n).";
    case "ENAMETOOLONG":
      return "a segment of the key is too long for this file system: shorten the key.";
    default:
      return `unexpected file system error ${code ?? "(no code)"}.`;
  }
}

/** Wraps a node:fs error in a StorageError that names the operation, the key and the fix. */
export function fsStorageError(operation: string, key: string | undefined, root: string, error: unknown): StorageError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const target = key === undefined ? "" : ` ${JSON.stringify(key)}`;
  return new StorageError("fs", key, `${operation}${target} failed: ${adviceFor(code, root)}`, { cause: error });
}

export function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
