/**
 * URL of a module beside `base` (pass `import.meta.url`), with `base`'s own extension: `.ts` when running from source
 * (tests, Node's type stripping), `.js` when running the compiled `dist/`. Worker threads are started from such URLs,
 * which the compiler does not rewrite the way it rewrites import specifiers.
 * @example
 * new Worker(siblingModule("shard-worker", import.meta.url));
 */
export function siblingModule(name: string, base: string): URL {
  const extension = new URL(base).pathname.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`./${name}${extension}`, base);
}
