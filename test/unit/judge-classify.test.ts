// Every branch of Kayenta's classification tree (docs/kayenta-rules.md §1.4), table-driven, through the real judge.
import { describe, expect, it } from "vitest";
import type { CanaryAnalysisOptions, CanaryConfig } from "../../src/config/canary-config.schema";
import { judgeNetflixAca, UnknownMetricError } from "../../src/judge/netflix-aca-judge";
import type { MetricResult } from "../../src/judge/types";

const seq = (n: number, from = 0, step = 1): number[] => Array.from({ length: n }, (_, i) => from + i * step);
const rep = (v: number, n: number): number[] => Array.from({ length: n }, () => v);

function judgeOne(
  canary: number[],
  baseline: number[],
  canaryOptions: CanaryAnalysisOptions = {},
): MetricResult {
  const config: CanaryConfig = {
    name: "t",
    metrics: [
      {
        name: "m",
        query: { type: "prometheus", metricName: "m" },
        groups: ["g"],
        analysisConfigurations: { canary: canaryOptions },
      },
    ],
  };
  const out = judgeNetflixAca(config, { pass: 95, marginal: 75 }, [
    { name: "m", tags: {}, values: { control: baseline, experiment: canary } },
  ]);
  return out.results[0]!;
}

interface Row {
  name: string;
  canary: number[];
  baseline: number[];
  options?: CanaryAnalysisOptions;
  classification: MetricResult["classification"];
  reason?: string;
  critical?: boolean;
  ratio?: number;
}

const rows: Row[] = [
  // Missing data.
  {
    name: "no canary data, NaN removed → Nodata",
    canary: [NaN, NaN],
    baseline: [1, 2],
    classification: "Nodata",
    reason: "Missing data for m",
    ratio: 1,
  },
  {
    name: "no baseline data at all → Nodata",
    canary: [1, 2],
    baseline: [],
    classification: "Nodata",
    reason: "Missing data for m",
  },
  {
    name: "critical and no data → Nodata, critical",
    canary: [],
    baseline: [1],
    options: { critical: true },
    classification: "Nodata",
    reason: "Missing data for m",
    critical: true,
  },
  {
    name: "mustHaveData, not critical → NodataFailMetric",
    canary: [],
    baseline: [1],
    options: { mustHaveData: true },
    classification: "NodataFailMetric",
    reason: "Missing data for m",
    critical: false,
  },
  {
    name: "mustHaveData and critical → Nodata, critical",
    canary: [],
    baseline: [1],
    options: { mustHaveData: true, critical: true },
    classification: "Nodata",
    critical: true,
  },
  {
    name: "nanStrategy replace and truly empty → Pass without reason",
    canary: [],
    baseline: [1, 2],
    options: { nanStrategy: "replace" },
    classification: "Pass",
    ratio: 1,
  },
  {
    name: "nanStrategy replace turns NaN into 0 → identical zeros",
    canary: [NaN, NaN],
    baseline: [0, NaN],
    options: { nanStrategy: "replace" },
    classification: "Pass",
    reason: "The Canary and Baseline data are identical",
  },
  // Identical and single-valued data.
  {
    name: "identical data in another order → Pass (identical)",
    canary: [3, 1, 2],
    baseline: [1, 2, 3],
    classification: "Pass",
    reason: "The Canary and Baseline data are identical",
    ratio: 1,
  },
  {
    name: "one distinct value over both sides → Pass",
    canary: [5, 5],
    baseline: [5, 5, 5],
    classification: "Pass",
    ratio: 1,
  },
  // Both sides constant but different: deterministic, by the sign of the difference.
  {
    name: "constant canary above constant baseline → High",
    canary: rep(3, 10),
    baseline: rep(1, 10),
    classification: "High",
    reason: "m was classified as High",
    ratio: 3,
  },
  {
    name: "constant canary below constant baseline → Low",
    canary: rep(1, 10),
    baseline: rep(3, 10),
    classification: "Low",
    reason: "m was classified as Low",
  },
  {
    name: "constants, higher, direction decrease → Pass",
    canary: rep(3, 10),
    baseline: rep(1, 10),
    options: { direction: "decrease" },
    classification: "Pass",
  },
  { name: "1 vs 1 different constants → High", canary: [4], baseline: [2], classification: "High" },
  // The Mann-Whitney interval against 0.25·|estimate|.
  {
    name: "clear increase → High",
    canary: seq(50, 100),
    baseline: seq(50, 0),
    classification: "High",
    reason: "m was classified as High",
  },
  {
    name: "clear decrease → Low",
    canary: seq(50, 0),
    baseline: seq(50, 100),
    classification: "Low",
    reason: "m was classified as Low",
  },
  {
    name: "increase, direction decrease → Pass",
    canary: seq(50, 100),
    baseline: seq(50, 0),
    options: { direction: "decrease" },
    classification: "Pass",
  },
  {
    name: "decrease, direction increase → Pass",
    canary: seq(50, 0),
    baseline: seq(50, 100),
    options: { direction: "increase" },
    classification: "Pass",
  },
  {
    name: "increase, direction increase → High",
    canary: seq(50, 100),
    baseline: seq(50, 0),
    options: { direction: "increase" },
    classification: "High",
  },
  {
    name: "decrease, direction decrease → Low",
    canary: seq(50, 0),
    baseline: seq(50, 100),
    options: { direction: "decrease" },
    classification: "Low",
  },
  { name: "overlapping samples → Pass", canary: seq(40, 1), baseline: seq(40, 2), classification: "Pass" },
  {
    name: "kayenta #6278: 7×100 + 3×1 vs ten 1s → Pass despite a 70× mean ratio",
    canary: [...rep(100, 7), ...rep(1, 3)],
    baseline: rep(1, 10),
    classification: "Pass",
    ratio: 70.3,
  },
  // Effect-size filter.
  {
    name: "High but mean ratio below allowedIncrease → Pass",
    canary: seq(50, 100),
    baseline: seq(50, 50),
    options: { effectSize: { allowedIncrease: 2 } },
    classification: "Pass",
  },
  {
    name: "Low but mean ratio above allowedDecrease → Pass",
    canary: seq(50, 50),
    baseline: seq(50, 100),
    options: { effectSize: { allowedDecrease: 0.5 } },
    classification: "Pass",
  },
  {
    name: "zero baseline mean → NaN ratio skips the filter → High",
    canary: seq(20, 10),
    baseline: [...rep(-1, 10), ...rep(1, 10)],
    options: { effectSize: { allowedIncrease: 1000 } },
    classification: "High",
  },
  {
    name: "CLES 1.0 ≥ allowedIncrease 0.9 → High",
    canary: seq(30, 100),
    baseline: seq(30, 0),
    options: { effectSize: { measure: "cles", allowedIncrease: 0.9 } },
    classification: "High",
  },
  {
    name: "CLES below allowedIncrease 0.99 → Pass",
    canary: seq(30, 20),
    baseline: seq(30, 0),
    options: { effectSize: { measure: "cles", allowedIncrease: 0.99 } },
    classification: "Pass",
  },
  // Critical metrics.
  {
    name: "critical High beyond criticalIncrease → High (Critical)",
    canary: seq(50, 100),
    baseline: seq(50, 0),
    options: { critical: true, effectSize: { criticalIncrease: 1.5 } },
    classification: "High",
    reason: "The metric m was classified as High (Critical)",
    critical: true,
  },
  {
    name: "critical High below criticalIncrease → plain High",
    canary: seq(50, 100),
    baseline: seq(50, 0),
    options: { critical: true, effectSize: { criticalIncrease: 10 } },
    classification: "High",
    reason: "m was classified as High",
    critical: false,
  },
  {
    name: "critical Low beyond criticalDecrease → Low (Critical)",
    canary: seq(50, 0),
    baseline: seq(50, 100),
    options: { critical: true, effectSize: { criticalDecrease: 0.9 } },
    classification: "Low",
    reason: "The metric m was classified as Low (Critical)",
    critical: true,
  },
  {
    name: "critical Low above criticalDecrease → plain Low",
    canary: seq(50, 0),
    baseline: seq(50, 100),
    options: { critical: true, effectSize: { criticalDecrease: 0.1 } },
    classification: "Low",
    reason: "m was classified as Low",
    critical: false,
  },
  {
    name: "critical Pass → Pass, not critical",
    canary: seq(40, 1),
    baseline: seq(40, 2),
    options: { critical: true },
    classification: "Pass",
    critical: false,
  },
  // Failures inside the test.
  {
    name: "an infinite value → Error",
    canary: [1, 2, Infinity],
    baseline: [1, 2, 3, 4],
    classification: "Error",
    reason: "Metric Classification Failed",
    critical: false,
    ratio: 1,
  },
  // Outliers.
  {
    name: "outlier removal drops the spike → identical",
    canary: [...seq(100, 1), 1e6],
    baseline: seq(100, 1),
    options: { outliers: { strategy: "remove" } },
    classification: "Pass",
    reason: "The Canary and Baseline data are identical",
  },
];

describe("classification tree", () => {
  it.each(rows)("$name", (row) => {
    const r = judgeOne(row.canary, row.baseline, row.options);
    expect(r.classification).toBe(row.classification);
    expect(r.classificationReason).toBe(
      row.reason ?? (row.classification === "Pass" ? undefined : r.classificationReason),
    );
    if (row.reason === undefined && row.classification === "Pass")
      expect(r).not.toHaveProperty("classificationReason");
    if (row.critical !== undefined) expect(r.critical).toBe(row.critical);
    if (row.ratio !== undefined) expect(r.resultMetadata.ratio).toBeCloseTo(row.ratio, 12);
  });
});

describe("figures behind the verdict", () => {
  it("kayenta's published case: [10,20,30,40] vs [1,2,3,4] gives CI (6, 39) and estimate 22.5", () => {
    const r = judgeOne([10, 20, 30, 40], [1, 2, 3, 4]);
    expect(r.resultMetadata.confidenceInterval).toEqual({ lower: 6, upper: 39, level: 0.98 });
    expect(r.resultMetadata.estimate).toBe(22.5);
    expect(r.resultMetadata.effectSizeMeasure).toBe("meanRatio");
    expect(r.resultMetadata.effectSize).toBe(10);
    expect(r.classification).toBe("High");
  });

  it("#6278: the interval's lower end is far below 0.25·|estimate|", () => {
    const r = judgeOne([...rep(100, 7), ...rep(1, 3)], rep(1, 10));
    const ci = r.resultMetadata.confidenceInterval!;
    // The exact jump is at 0 (R with tol.root = 1e-4 prints 6.8e-5; with a relative tolerance, ~1e-10).
    expect(Math.abs(ci.lower)).toBeLessThan(1e-9);
    expect(ci.upper).toBe(99);
    expect(r.resultMetadata.estimate).toBeCloseTo(99, 6);
    expect(r.resultMetadata.pValue).toBeCloseTo(0.0016167728306206081, 12);
  });

  it("two constants: interval is the single point of the difference, p-value of separated samples", () => {
    const r = judgeOne(rep(3, 10), rep(1, 10));
    expect(r.resultMetadata.confidenceInterval).toEqual({ lower: 2, upper: 2, level: 0.98 });
    expect(r.resultMetadata.estimate).toBe(2);
    expect(r.resultMetadata.constantSamples).toBe(true);
    // R: wilcox.test(3 + 1e-9 * (1:10), 1 + 1e-9 * (1:10), exact = FALSE)$p.value
    expect(r.resultMetadata.pValue).toBeCloseTo(0.00018267179110955016, 15);
  });

  it("reports stats after preprocessing, with the sample std", () => {
    const r = judgeOne([1, 2, 3, NaN], [2, 4]);
    expect(r.experimentMetadata.stats).toEqual({ count: 3, mean: 2, min: 1, max: 3, std: 1 });
    expect(r.controlMetadata.stats.count).toBe(2);
    expect(r.direction).toBe("either");
    expect(r.muted).toBe(false);
    expect(r.groups).toEqual(["g"]);
  });

  it("the error's cause is kept in resultMetadata", () => {
    const r = judgeOne([1, 2, Infinity], [1, 2, 3]);
    expect(r.resultMetadata.error).toMatchInlineSnapshot(
      `"the canary sample holds a non-finite value (Infinity)"`,
    );
  });

  it("a pair naming an unknown metric throws UnknownMetricError", () => {
    const config: CanaryConfig = {
      name: "t",
      metrics: [{ name: "m", query: { type: "prometheus", metricName: "m" } }],
    };
    expect(() =>
      judgeNetflixAca(config, { pass: 95, marginal: 75 }, [
        { name: "x", tags: {}, values: { control: [], experiment: [] } },
      ]),
    ).toThrow(UnknownMetricError);
  });
});
