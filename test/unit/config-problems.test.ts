import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AnalysisRequestSchema } from "../../src/config/analysis-request.schema";
import {
  closestMatch,
  editDistance,
  jsonPath,
  knownKeysAt,
  parseWithProblems,
} from "../../src/config/problems";
import { boundVariables, scanTemplate } from "../../src/config/template-variables";

describe("jsonPath", () => {
  it.each([
    [[], "$"],
    [["stages", 0, "interval"], "$.stages[0].interval"],
    [["metrics", 2, "query", "type"], "$.metrics[2].query.type"],
    [["templates", "by-scope"], '$.templates["by-scope"]'],
    [["metrics", 0, "name with space"], '$.metrics[0]["name with space"]'],
  ] as const)("%j → %s", (path, text) => {
    expect(jsonPath(path)).toBe(text);
  });
});

describe("suggestions", () => {
  it.each([
    ["kitten", "sitting", 3],
    ["", "abc", 3],
    ["lookback", "lookback", 0],
    ["interval", "intervall", 1],
  ])("editDistance(%s, %s) = %d", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it.each([
    ["lookBackMins", ["lookbackMins", "beginAfterMins"], "lookbackMins"],
    ["metricname", ["metricName", "resourceType"], "metricName"],
    ["intervl", ["interval", "duration", "lookback"], "interval"],
    ["thresholds", ["threshold"], "threshold"],
    ["banana", ["interval", "duration"], undefined],
  ] as const)("closestMatch(%s) = %s", (word, known, expected) => {
    expect(closestMatch(word, known)).toBe(expected);
  });

  it("finds the keys of the object schema at a path, through arrays, records and unions", () => {
    const input = { canaryConfig: { metrics: [{ query: { type: "log-analytics" } }] } };
    expect(knownKeysAt(AnalysisRequestSchema, input, ["canaryConfig", "metrics", 0, "query"])).toContain(
      "timeColumn",
    );
    expect(knownKeysAt(AnalysisRequestSchema, input, ["scopes", "default", "baseline"])).toEqual([
      "scope",
      "location",
      "extendedScopeParams",
      "offset",
    ]);
    expect(knownKeysAt(AnalysisRequestSchema, input, ["nowhere"])).toBeUndefined();
  });
});

describe("problemsFromZod messages", () => {
  const Schema = z.strictObject({
    count: z.number().int().positive(),
    mode: z.enum(["fast", "slow"]),
    items: z.array(z.string()).min(1),
    nested: z.strictObject({ lookbackMins: z.number().optional() }).optional(),
  });
  it("reports each problem at its path, with suggestions", () => {
    const r = parseWithProblems(Schema, {
      count: 0,
      mode: "Fast",
      items: [],
      nested: { lookBackMins: 5 },
      extra: 1,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toMatchSnapshot();
  });
  it("says a missing value is required and a wrong type what it should be", () => {
    const r = parseWithProblems(Schema, { count: "3", items: ["a"] });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems).toEqual([
        { path: "$.count", message: 'must be a number, not "3"' },
        { path: "$.mode", message: "is required: one of 'fast', 'slow'" },
      ]);
  });
  it("accepts a valid document", () => {
    expect(parseWithProblems(Schema, { count: 2, mode: "slow", items: ["x"] })).toEqual({
      ok: true,
      value: { count: 2, mode: "slow", items: ["x"] },
    });
  });
});

describe("template variables", () => {
  it.each([
    ['app="${scope}",ns="${location}"', ["scope", "location"]],
    ['PromQL:sum(rate(x{pod=~"$\\{scope}-.*"}[1m]))', ["scope"]],
    ["literal $${notAVar} and ${env:-prod}", ["env"]],
    ["no variables", []],
  ])("%s uses %j", (text, names) => {
    const scan = scanTemplate(text);
    expect(scan.ok && scan.variables.map((v) => v.name)).toEqual(names);
  });
  it("knows a default makes a variable always resolvable", () => {
    const scan = scanTemplate("${env:-prod}");
    expect(scan.ok && scan.variables[0]?.hasDefault).toBe(true);
  });
  it.each(["app=${scope", "x=${}"])("rejects %s", (text) => {
    expect(scanTemplate(text).ok).toBe(false);
  });
  it("binds non-empty scope, location, the query's resourceType and every extendedScopeParams key", () => {
    expect([
      ...boundVariables(
        { scope: "a", location: "", extendedScopeParams: { ns: "x" } },
        { resourceType: "gce_instance" },
      ),
    ]).toEqual(["scope", "resourceType", "ns"]);
  });
});
