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
    execFileSync("mount", ["-o", "remount,bind,ro", dir]);
    return () => execFileSync("umount", [dir]);
  }
  const folders = foldersUnder(dir);
  for (const folder of folders) chmodSync(folder, 0o555);
  return () => {
    for (const folder of folders) chmodSync(folder, 0o755);
  };
}

function foldersUnder(dir: string): string[] {
  const found = [dir];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...foldersUnder(path));
  }
  return found;
}
