// Kayenta's scoring rules (docs/kayenta-rules.md §1.7), table-driven: group scores, weights, critical, Nodata, muted, rounding, thresholds.
import { describe, expect, it } from "vitest";
import { classifyScore, roundHalfUp, summaryScore, tallyGroups } from "../../src/judge/score";
import type { MetricClassificationLabel, MetricResult } from "../../src/judge/types";

const stats = { count: 1, mean: 1, min: 1, max: 1, std: 0 };
function r(
  classification: MetricClassificationLabel,
  groups: string[],
  extra: { critical?: boolean; muted?: boolean; reason?: string; name?: string } = {},
): MetricResult {
  return {
    name: extra.name ?? "m",
    tags: {},
    groups,
    classification,
    ...(extra.reason !== undefined ? { classificationReason: extra.reason } : {}),
    critical: extra.critical ?? false,
    muted: extra.muted ?? false,
    experimentMetadata: { stats },
    controlMetadata: { stats },
    resultMetadata: { ratio: 1 },
  };
}

interface Row {
  name: string;
  results: MetricResult[];
  weights?: Record<string, number>;
  score: number;
  reason?: string;
  groups?: Record<string, number>;
}

const rows: Row[] = [
  {
    name: "all pass, one unweighted group → 100",
    results: [r("Pass", ["a"]), r("Pass", ["a"])],
    score: 100,
    groups: { a: 100 },
  },
  {
    name: "1 of 3 High → 66.67 (half-up)",
    results: [r("Pass", ["a"]), r("Pass", ["a"]), r("High", ["a"])],
    score: 66.67,
    groups: { a: 200 / 3 },
  },
  {
    name: "Low and NodataFailMetric are failures",
    results: [r("Pass", ["a"]), r("Low", ["a"]), r("NodataFailMetric", ["a"]), r("Pass", ["a"])],
    score: 50,
    groups: { a: 50 },
  },
  {
    name: "Nodata and Error are left out of the denominator",
    results: [
      r("Pass", ["a"]),
      r("Error", ["a"]),
      r("Nodata", ["a"]),
      r("High", ["b"]),
      r("Pass", ["b"]),
      r("Pass", ["b"]),
    ],
    score: 83.33,
    groups: { a: 100, b: 200 / 3 },
  },
  {
    name: "weights: a=60 weighted, unweighted b takes 100 − 60",
    results: [r("Pass", ["a"]), r("High", ["b"])],
    weights: { a: 60 },
    score: 60,
  },
  {
    name: "two unweighted groups share the rest equally",
    results: [r("Pass", ["a"]), r("High", ["b"]), r("Pass", ["c"])],
    weights: { a: 50 },
    score: 75,
  },
  {
    name: "a weighted group absent from the results loses its weight",
    results: [r("Pass", ["a"])],
    weights: { a: 50, b: 50 },
    score: 50,
  },
  {
    name: "weights are not normalised",
    results: [r("Pass", ["a"]), r("Pass", ["b"])],
    weights: { a: 80, b: 80 },
    score: 160,
  },
  {
    name: "a group with only Nodata/Error scores 100 in the sum but 0 as a group",
    results: [r("Error", ["a"]), r("High", ["b"]), r("Pass", ["b"]), r("Pass", ["b"]), r("Pass", ["b"])],
    weights: { a: 50, b: 50 },
    score: 87.5,
    groups: { a: 0, b: 75 },
  },
  {
    name: "a metric in two groups counts in each",
    results: [r("High", ["a", "b"]), r("Pass", ["a"])],
    weights: { a: 50, b: 50 },
    score: 25,
    groups: { a: 50, b: 0 },
  },
  {
    name: "a metric with no group counts in none",
    results: [r("High", []), r("Pass", ["a"])],
    score: 100,
    groups: { a: 100 },
  },
  {
    name: "critical High fails the canary",
    results: [
      r("Pass", ["a"]),
      r("High", ["a"], { critical: true, reason: "The metric lat was classified as High (Critical)" }),
    ],
    score: 0,
    reason: "Canary Failed: The metric lat was classified as High (Critical)",
  },
  {
    name: "critical Nodata fails the canary with the first such reason",
    results: [
      r("Pass", ["a"]),
      r("Nodata", ["a"], { critical: true, reason: "Missing data for x" }),
      r("Low", ["a"], { critical: true, reason: "The metric y was classified as Low (Critical)" }),
    ],
    score: 0,
    reason: "Canary Failed: Missing data for x",
  },
  {
    name: "critical flag on a Pass does nothing",
    results: [r("Pass", ["a"], { critical: true })],
    score: 100,
  },
  {
    name: "50 % Nodata → 0",
    results: [r("Nodata", ["a"]), r("Pass", ["a"])],
    score: 0,
    reason: "Canary Failed: 50% or more metrics returned NODATA",
  },
  {
    name: "under 50 % Nodata scores normally",
    results: [r("Nodata", ["a"]), r("Pass", ["a"]), r("Pass", ["a"])],
    score: 100,
  },
  {
    name: "muted results are not scored",
    results: [r("High", ["a"], { muted: true }), r("Pass", ["a"])],
    score: 100,
    groups: { a: 100 },
  },
  {
    name: "a muted critical failure does not fail the canary",
    results: [r("High", ["a"], { muted: true, critical: true, reason: "x" }), r("Pass", ["a"])],
    score: 100,
  },
  {
    name: "muted Nodata does not count toward the 50 % rule",
    results: [r("Nodata", ["a"], { muted: true }), r("Nodata", ["a"], { muted: true }), r("Pass", ["a"])],
    score: 100,
  },
  { name: "everything muted → 0", results: [r("Pass", ["a"], { muted: true })], score: 0, groups: {} },
  { name: "no results → 0", results: [], score: 0, groups: {} },
];

describe("summary score", () => {
  it.each(rows)("$name", (row) => {
    const s = summaryScore(row.results, row.weights ?? {});
    expect(s.score).toBe(row.score);
    expect(s.reason).toBe(row.reason ?? "");
    if (row.groups) {
      expect(Object.fromEntries(s.groups.map((g) => [g.name, g.score]))).toEqual(row.groups);
    }
  });

  it("groups are listed in the order first met", () => {
    expect(
      tallyGroups([r("Pass", ["z"]), r("Pass", ["a", "z"]), r("Pass", ["m"])]).map((g) => g.name),
    ).toEqual(["z", "a", "m"]);
  });
});

describe("rounding half up to 2 decimals (commons-math Precision.round)", () => {
  it.each([
    [87.125, 87.13],
    [0.285, 0.29],
    [200 / 3, 66.67],
    [100, 100],
    [0, 0],
    [0.004, 0],
    [0.005, 0.01],
    [99.994999, 99.99],
    [99.995, 100],
    [12345.678, 12345.68],
  ])("%d → %d", (value, expected) => {
    expect(roundHalfUp(value, 2)).toBe(expected);
  });
});

describe("thresholds", () => {
  it.each([
    [95, "Pass"],
    [100, "Pass"],
    [94.99, "Marginal"],
    [75, "Marginal"],
    [74.99, "Fail"],
    [0, "Fail"],
  ] as const)("score %d with pass 95, marginal 75 → %s", (score, expected) => {
    expect(classifyScore(score, { pass: 95, marginal: 75 })).toBe(expected);
  });
});
