import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const CORE = resolve(import.meta.dirname, "../../core");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** File-level import edges inside core/ (paths relative to core/): imports, re-exports and dynamic imports. */
function fileImports(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(CORE)) {
    const targets: string[] = [];
    for (const match of readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)) {
      const target = resolve(dirname(file), match[1] as string);
      if (target.startsWith(CORE)) targets.push(relative(CORE, target));
    }
    edges.set(relative(CORE, file), targets);
  }
  return edges;
}

/** Every file reachable from `start` by following imports (not including `start` unless a cycle leads back). */
function reachable(edges: Map<string, string[]>, start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(edges.get(start) ?? [])];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    stack.push(...(edges.get(file) ?? []));
  }
  return seen;
}

describe("core import direction", () => {
  const edges = fileImports();
  const inFolder = (folder: string) => [...edges.keys()].filter((file) => file.startsWith(`${folder}/`));

  it("sees the imports it checks: core/dataset looks formats up in the registry of core/export", () => {
    expect(edges.get("dataset/render-shard.ts")).toContain("export/formats.ts");
    expect(edges.get("dataset/outputs.ts")).toContain("export/formats.ts");
  });

  it("has formats know nothing of datasets or manifests: no core/export file leads to a core/dataset manifest or spec", () => {
    for (const file of inFolder("export")) {
      const imported = [...reachable(edges, file)];
      expect(
        imported.filter((target) =>
          /^dataset\/(manifest|spec|outputs|card|produce-shard|render-shard)\.ts$/.test(target),
        ),
        file,
      ).toEqual([]);
    }
  });

  it("keeps every file of core/export and core/dataset out of import cycles", () => {
    for (const file of [...inFolder("export"), ...inFolder("dataset")]) {
      expect(reachable(edges, file).has(file), `${file} imports itself through a cycle`).toBe(false);
    }
  });
});
