import { lstat, readdir } from "node:fs/promises";
import { ConfigError } from "../core/errors.ts";
import { makeDirectories } from "../core/storage/drivers/fs-dirs.ts";

/**
 * Makes sure `--out` names a directory that exists (creating it) and says whether it holds anything. Problems are
 * ConfigErrors that name the flag and the path: a file, a path that cannot be created (read-only, /proc), no access.
 */
export async function prepareOutDir(outDir: string, flag = "--out"): Promise<{ empty: boolean }> {
  const existing = await lstat(outDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    if (error.code === "ENOTDIR") throw notADirectory(flag, outDir, "a parent of it is a file");
    throw cannotUse(flag, outDir, error);
  });
  if (existing !== null && !existing.isDirectory()) {
    throw notADirectory(flag, outDir, existing.isSymbolicLink() ? "it is a symbolic link" : "it is a file");
  }
  if (existing === null) {
    try {
      await makeDirectories(outDir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOTDIR" || code === "EEXIST") throw notADirectory(flag, outDir, "a parent of it is a file");
      throw cannotUse(flag, outDir, error as NodeJS.ErrnoException);
    }
    return { empty: true };
  }
  try {
    return { empty: (await readdir(outDir)).length === 0 };
  } catch (error) {
    throw cannotUse(flag, outDir, error as NodeJS.ErrnoException);
  }
}

function notADirectory(flag: string, path: string, why: string): ConfigError {
  return new ConfigError(`${flag} ${path} is not a directory (${why}): choose a directory path.`, [
    { path: flag, message: "must be a directory (or a path where one can be created)", value: path },
  ]);
}

function cannotUse(flag: string, path: string, error: NodeJS.ErrnoException): ConfigError {
  const why =
    error.code === "EACCES" || error.code === "EPERM"
      ? "permission denied"
      : error.code === "EROFS"
        ? "the file system is read-only"
        : error.code === "ENOENT"
          ? "the file system does not allow creating it"
          : (error.code ?? error.message);
  return new ConfigError(`Cannot use ${flag} ${path}: ${why}. Choose a writable directory.`, [
    { path: flag, message: `cannot be created or read (${error.code ?? "error"})`, value: path },
  ]);
}
