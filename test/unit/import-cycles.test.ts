// No import cycles in src/: neither between files nor between its top folders (docs/architecture.md), as zod checks its own.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cycles, folderGraph, importGraph, type Graph } from "../helpers/import-graph";

const SRC = join(__dirname, "..", "..", "src");
const graphOf = (edges: Record<string, string[]>): Graph =>
  new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));

describe("import cycles", () => {
  const files = importGraph(SRC);

  it("reads the whole of src/ (type-only and dynamic imports included)", () => {
    expect(files.size).toBeGreaterThan(100);
    expect(files.get("app/azure.ts")).toContain("analysis/ports/clock.ts");
    expect(files.get("app/azure.ts")).toContain("http/routes.ts");
  });

  it("finds a cycle when there is one (and only then)", () => {
    expect(cycles(graphOf({ a: ["b"], b: ["c"], c: ["a"], d: ["a"] }))).toEqual([["a", "b", "c"]]);
    expect(cycles(graphOf({ a: ["a"] }))).toEqual([["a"]]);
    expect(cycles(graphOf({ a: ["b"], b: ["c"], d: ["a", "c"] }))).toEqual([]);
    expect(
      cycles(
        folderGraph(
          graphOf({ "x/1.ts": ["y/1.ts"], "y/1.ts": ["y/2.ts"], "y/2.ts": ["x/2.ts"], "x/2.ts": [] }),
        ),
      ),
    ).toEqual([["x", "y"]]);
  });

  it("has none between files of src/", () => {
    expect(cycles(files)).toEqual([]);
  });

  it("has none between the top folders of src/", () => {
    expect(cycles(folderGraph(files))).toEqual([]);
  });
});
