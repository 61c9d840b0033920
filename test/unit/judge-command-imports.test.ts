// `coalmine judge` loads the canary config's validation only, not the request and Kayenta schemas (docs/performance.md).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importGraph, type Graph } from "../helpers/import-graph";

const SRC = join(__dirname, "..", "..", "src");

/** Every file `from` imports, directly or not (type-only imports included, so this is an upper bound). */
function reachable(graph: Graph, from: string): Set<string> {
  const seen = new Set<string>([from]);
  const todo = [from];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    for (const dep of graph.get(file) ?? []) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      todo.push(dep);
    }
  }
  return seen;
}

describe("the judge command's imports", () => {
  const judge = reachable(importGraph(SRC), "cli/commands/judge.ts");

  it("reach the canary config's schema, its validation and the judges", () => {
    expect(judge).toContain("config/canary-config.schema.ts");
    expect(judge).toContain("config/validate-canary-config.ts");
    expect(judge).toContain("judge/registry.ts");
  });

  it("do not reach the request schemas, whose construction would cost every judge run its time", () => {
    for (const file of [
      "config/validate.ts",
      "config/analysis-request.schema.ts",
      "config/kayenta-request.schema.ts",
      "config/map-kayenta-request.ts",
    ])
      expect(judge).not.toContain(file);
  });
});
