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

/** The folder of a core/ file: its first path segment, or null for a file directly in core/ (the bottom layer). */
function folderOf(file: string): string | null {
  const slash = file.indexOf("/");
  return slash === -1 ? null : file.slice(0, slash);
}

/** Folder-level import edges of core/ (`from` → `to` → the file edges behind it); files directly in core/ left out. */
function folderImports(edges: Map<string, string[]>): Map<string, Map<string, string[]>> {
  const folders = new Map<string, Map<string, string[]>>();
  for (const [file, targets] of edges) {
    const from = folderOf(file);
    if (from === null) continue;
    const out = folders.get(from) ?? new Map<string, string[]>();
    folders.set(from, out);
    for (const target of targets) {
      const to = folderOf(target);
      if (to === null || to === from) continue;
      out.set(to, [...(out.get(to) ?? []), `${file} → ${target}`]);
    }
  }
  return folders;
}

/** Strongly connected components (Tarjan) of a graph given as node → successors; a cycle is a component of two or more. */
function stronglyConnected(graph: Map<string, Iterable<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components;
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

  it("sees the folder edges it checks: core/anomalies imports core/trajectory, core/tasks imports core/llm", () => {
    const folders = folderImports(edges);
    expect(folders.get("anomalies")?.get("trajectory")).toContain("anomalies/inject.ts → trajectory/model.ts");
    expect(folders.get("tasks")?.has("llm")).toBe(true);
  });

  it("treats the files directly in core/ as the bottom layer: they import no folder of core/", () => {
    const rootFiles = [...edges.keys()].filter((file) => folderOf(file) === null);
    expect(rootFiles).toContain("errors.ts");
    const upward = rootFiles.flatMap((file) =>
      (edges.get(file) ?? []).filter((target) => folderOf(target) !== null).map((target) => `${file} → ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it("has no import cycle between the folders of core/ (folder = first path segment; files directly in core/ are the bottom layer)", () => {
    const folders = folderImports(edges);
    const graph = new Map([...folders].map(([from, out]) => [from, [...out.keys()]] as const));
    // Per cycle, every folder edge in it with the file edges behind it, fewest first: the back edge is usually the thin one.
    const offending = stronglyConnected(graph)
      .filter((component) => component.length > 1)
      .map((component) =>
        component
          .flatMap((from) =>
            component.map((to) => ({ edge: `${from} → ${to}`, files: folders.get(from)?.get(to) ?? [] })),
          )
          .filter(({ files }) => files.length > 0)
          .sort((a, b) => a.files.length - b.files.length),
      );
    expect(offending, "folders of core/ that import each other (file → file edges per folder edge)").toEqual([]);
  });
});
