import { mkdir } from "node:fs/promises";
import path from "node:path";
import { errnoOf } from "./fs-errors.ts";

/**
 * `mkdir -p` one folder at a time. Node's own recursive mkdir never returns on some pseudo file systems (under
 * /proc it retries ENOENT forever), so a path that cannot be created must fail here with that errno instead.
 */
export async function makeDirectories(dir: string): Promise<void> {
  try {
    await mkdir(dir);
    return;
  } catch (error) {
    const code = errnoOf(error);
    if (code === "EEXIST") return;
    if (code !== "ENOENT") throw error;
  }
  const parent = path.dirname(dir);
  if (parent === dir) throw Object.assign(new Error(`${dir} cannot be created`), { code: "ENOENT" });
  await makeDirectories(parent);
  try {
    await mkdir(dir);
  } catch (error) {
    // ENOENT again with the parent in place: the file system refuses the folder (e.g. /proc).
    if (errnoOf(error) !== "EEXIST") throw error;
  }
}
