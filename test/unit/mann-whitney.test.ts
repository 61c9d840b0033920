// Mann-Whitney properties beyond the golden vectors: exact jump points, clamping, symmetry, errors, the root finder.
import { describe, expect, it } from "vitest";
import {
  MannWhitneyError,
  ShiftStatistic,
  mannWhitney,
  mannWhitneySorted,
} from "../../src/judge/mann-whitney";
import { sortedCopy } from "../../src/judge/rank-sum";
import { zeroin } from "../../src/judge/zeroin";

function uniforms(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}
const sample = (seed: number, n: number, shift = 0): number[] => {
  const u = uniforms(seed);
  return Array.from({ length: n }, () => shift + u() + u() + u() - 1.5);
};

describe("mannWhitney", () => {
  it("kayenta's published case: CI (6, 39), estimate 22.5 (the plateau's midpoint, as R's uniroot lands)", () => {
    const r = mannWhitney([10, 20, 30, 40], [1, 2, 3, 4], { confidenceLevel: 0.98 });
    expect(r.confidenceInterval).toEqual({ lower: 6, upper: 39, level: 0.98 });
    expect(r.estimate).toBe(22.5);
    expect(r.statistic).toBe(16);
    // Both ends are the search bounds: the level is not reachable with 4 vs 4.
    expect([r.lowerClamped, r.upperClamped]).toEqual([true, true]);
  });

  it("interval ends of continuous data are exact pairwise differences", () => {
    const x = sample(11, 300, 0.2);
    const y = sample(12, 250);
    const r = mannWhitney(x, y, { confidenceLevel: 0.98 });
    const diffs = new Set(x.flatMap((a) => y.map((b) => a - b)));
    expect(diffs.has(r.confidenceInterval.lower)).toBe(true);
    expect(diffs.has(r.confidenceInterval.upper)).toBe(true);
    expect(r.lowerClamped || r.upperClamped).toBe(false);
    expect(r.confidenceInterval.lower).toBeLessThan(r.estimate);
    expect(r.estimate).toBeLessThan(r.confidenceInterval.upper);
  });

  it("swapping the samples mirrors the interval and keeps the p-value", () => {
    const x = sample(21, 120, 0.1);
    const y = sample(22, 90);
    const a = mannWhitney(x, y, { confidenceLevel: 0.9 });
    const b = mannWhitney(y, x, { confidenceLevel: 0.9 });
    expect(b.confidenceInterval.lower).toBeCloseTo(-a.confidenceInterval.upper, 12);
    expect(b.confidenceInterval.upper).toBeCloseTo(-a.confidenceInterval.lower, 12);
    expect(b.pValue).toBeCloseTo(a.pValue, 14);
    expect(b.statistic).toBe(120 * 90 - a.statistic);
  });

  it("a wider level gives a wider interval", () => {
    const x = sample(31, 80, 0.3);
    const y = sample(32, 80);
    const narrow = mannWhitney(x, y, { confidenceLevel: 0.8 }).confidenceInterval;
    const wide = mannWhitney(x, y, { confidenceLevel: 0.99 }).confidenceInterval;
    expect(wide.lower).toBeLessThan(narrow.lower);
    expect(wide.upper).toBeGreaterThan(narrow.upper);
  });

  it("scale invariance: the relative tolerance keeps 1e-9 and 1e9 data as exact as unit data", () => {
    const x = [1, 3, 4, 7, 9, 12, 13, 15, 18, 21, 22, 25].map((v) => v + 2.5);
    const y = [0, 2, 5, 6, 8, 10, 11, 14, 16, 17, 19, 20];
    const unit = mannWhitney(x, y, { confidenceLevel: 0.9 });
    for (const scale of [1e-9, 1e9]) {
      const r = mannWhitney(
        x.map((v) => v * scale),
        y.map((v) => v * scale),
        { confidenceLevel: 0.9 },
      );
      expect(r.confidenceInterval.lower / scale).toBeCloseTo(unit.confidenceInterval.lower, 6);
      expect(r.confidenceInterval.upper / scale).toBeCloseTo(unit.confidenceInterval.upper, 6);
      expect(r.estimate / scale).toBeCloseTo(unit.estimate, 6);
      expect(r.pValue).toBe(unit.pValue);
    }
  });

  it("rejects what it cannot test", () => {
    expect(() => mannWhitney([], [1])).toThrow(MannWhitneyError);
    expect(() => mannWhitney([1, NaN], [1])).toThrowErrorMatchingInlineSnapshot(
      `[MannWhitneyError: the canary sample holds a non-finite value (NaN)]`,
    );
    expect(() => mannWhitney([2, 2], [2])).toThrowErrorMatchingInlineSnapshot(
      `[MannWhitneyError: cannot compute confidence interval when all observations are tied]`,
    );
    expect(() => mannWhitney([1, 2], [3], { confidenceLevel: 1 })).toThrow(/confidence level/);
  });

  it("names the first non-finite value of sorted samples, as the loop over them would", () => {
    // Float64Array sorting puts −∞ first and +∞ before NaN last: the ends tell, the loop names the value.
    expect(() => mannWhitneySorted(sortedCopy([1, Infinity, NaN]), sortedCopy([1]))).toThrow(
      "the canary sample holds a non-finite value (Infinity)",
    );
    expect(() => mannWhitneySorted(sortedCopy([1, 2]), sortedCopy([NaN, -Infinity, 3]))).toThrow(
      "the baseline sample holds a non-finite value (-Infinity)",
    );
    expect(() => mannWhitneySorted(sortedCopy([1, 2]), sortedCopy([3, NaN]))).toThrow(
      "the baseline sample holds a non-finite value (NaN)",
    );
    expect(() => mannWhitneySorted(new Float64Array(0), sortedCopy([1]))).toThrow(
      "the canary sample is empty",
    );
  });
});

describe("ShiftStatistic", () => {
  it("dz and σ at a shift agree with R: rank(c(x − d, y)) with ties", () => {
    // R: x <- c(1,2,2,5); y <- c(0,1,3); r <- rank(c(x - 1, y))  → 1.5 4 4 7 1.5 4 6
    //    sum(r[1:4]) - 4*5/2 - 4*3/2 → 0.5;  t <- table(r); sum(t^3 - t) → 30
    //    sqrt(4*3/12 * (8 - 30/(7*6))) → 2.6992062325273118
    const s = new ShiftStatistic(sortedCopy([1, 2, 2, 5]), sortedCopy([0, 1, 3]));
    const { dz, sigma } = s.at(1);
    expect(dz).toBe(0.5);
    expect(sigma).toBeCloseTo(2.6992062325273118, 15);
  });
});

describe("zeroin (R's uniroot steps)", () => {
  it("finds a smooth root to the tolerance", () => {
    const r = zeroin((x) => x * x - 2, 0, 2, -2, 2, 1e-12);
    expect(r.root).toBeCloseTo(Math.SQRT2, 11);
    expect(r.converged).toBe(true);
  });

  it("returns an end point that is already a root without evaluating", () => {
    expect(zeroin(() => Number.NaN, 3, 5, 0, 1, 1e-9)).toEqual({ root: 3, iterations: 0, converged: true });
  });

  it("stops at an exact root offered by the caller", () => {
    const step = (x: number): number => (x < 0.3 ? 1 : -1);
    const r = zeroin(step, 0, 1, 1, -1, 1e-15, 1000, (b, c) => (Math.abs(b - c) < 0.1 ? 0.3 : undefined));
    expect(r.root).toBe(0.3);
  });

  it("reports non-convergence with the last iterate, as R does", () => {
    const r = zeroin((x) => (x < 0.3 ? 1 : -1), 0, 1, 1, -1, 0, 5);
    expect(r.converged).toBe(false);
    expect(r.root).toBeGreaterThan(0);
  });
});
