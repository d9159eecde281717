import { execFileSync } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Makes `dir` read-only for this process, as an operator's mistake or a remounted volume would: root ignores file
 * modes, so as root the folder is bind-mounted onto itself read-only (writes fail with EROFS); otherwise every folder
 * below it loses its write bits (EACCES). Returns the undo.
 */
export function makeReadOnly(dir: string): () => void {
  if (process.getuid?.() === 0) {
    bindReadOnly(dir);
    return () => execFileSync("umount", [dir]);
  }
  const folders = foldersUnder(dir);
  for (const folder of folders) chmodSync(folder, 0o555);
  return () => {
    for (const folder of folders) chmodSync(folder, 0o755);
  };
}

/**
 * One `mount --bind -o ro`: util-linux binds and remounts read-only in the same process, so a server writing shards
 * has no time to open a file through the new mount in between (two separate commands left it tens of milliseconds,
 * and under load a shard opened in that window kept the remount failing until the batch had finished). If the second
 * step still fails, the bind is there read-write, and the remount is retried.
 */
function bindReadOnly(dir: string): void {
  try {
    execFileSync("mount", ["--bind", "-o", "ro", dir, dir], { stdio: "pipe" });
  } catch (error) {
    if (!isMountPoint(dir)) throw error;
    remountReadOnly(dir);
  }
}

function isMountPoint(dir: string): boolean {
  const target = realpathSync(dir);
  // mountinfo's fifth field is the mount point (spaces escaped as \040).
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .some((line) => line.split(" ")[4]?.replaceAll("\\040", " ") === target);
}

/**
 * The remount fails with EBUSY while a file is open for writing through the new mount, which a server writing shards
 * does often: retry briefly, and undo the bind if it never succeeds so no mount is left behind.
 */
function remountReadOnly(dir: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync("mount", ["-o", "remount,bind,ro", dir], { stdio: "pipe" });
      return;
    } catch (error) {
      if (attempt >= 200) {
        execFileSync("umount", [dir]);
        throw error;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

function foldersUnder(dir: string): string[] {
  const found = [dir];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...foldersUnder(path));
  }
  return found;
}
