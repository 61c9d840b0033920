// The import graph of src/ (every relative import, type-only and dynamic ones included), and its cycles.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

export type Graph = Map<string, Set<string>>;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** file → files it imports, as paths relative to `root` with "/" separators. */
export function importGraph(root: string): Graph {
  const graph: Graph = new Map();
  const name = (path: string) => relative(root, path).split(sep).join("/");
  for (const file of tsFiles(root)) {
    const deps = new Set<string>();
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const base = resolve(dirname(file), fileName);
      const target = [`${base}.ts`, join(base, "index.ts")].find((p) => existsSync(p));
      if (target === undefined) throw new Error(`${name(file)}: cannot resolve '${fileName}'`);
      deps.add(name(target));
    }
    graph.set(name(file), deps);
  }
  return graph;
}

/** The graph of top folders: `analysis/x.ts → store/y.ts` becomes `analysis → store` (a file at the top is its own node). */
export function folderGraph(files: Graph): Graph {
  const top = (file: string) => file.split("/")[0]!;
  const graph: Graph = new Map();
  for (const [from, deps] of files) {
    const edges = graph.get(top(from)) ?? new Set<string>();
    for (const to of deps) if (top(to) !== top(from)) edges.add(top(to));
    graph.set(top(from), edges);
  }
  return graph;
}

/** Every strongly connected component with more than one node (or a self-loop): each is a cycle, listed sorted. */
export function cycles(graph: Graph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.has(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}
