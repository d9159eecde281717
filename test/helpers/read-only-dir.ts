import { execFileSync } from "node:child_process";
import { chmodSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Makes `dir` read-only for this process, as an operator's mistake or a remounted volume would: root ignores file
 * modes, so as root the folder is bind-mounted onto itself read-only (writes fail with EROFS); otherwise every folder
 * below it loses its write bits (EACCES). Returns the undo.
 */
export function makeReadOnly(dir: string): () => void {
  if (process.getuid?.() === 0) {
    execFileSync("mount", ["--bind", dir, dir]);
    remountReadOnly(dir);
    return () => execFileSync("umount", [dir]);
  }
  const folders = foldersUnder(dir);
  for (const folder of folders) chmodSync(folder, 0o555);
  return () => {
    for (const folder of folders) chmodSync(folder, 0o755);
  };
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
