// Descriptive statistics (one module): R's figures, the edge cases Kayenta defines, long series.
import { describe, expect, it } from "vitest";
import { describeSample, mean } from "../../src/judge/descriptive-stats";

describe("describeSample", () => {
  it("matches R: x <- 1:10; c(mean(x), min(x), max(x), sd(x))", () => {
    const s = describeSample(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(s).toMatchObject({ count: 10, mean: 5.5, min: 1, max: 10 });
    expect(s.std).toBeCloseTo(3.0276503540974917, 14);
  });

  it("gives std 0 for one value and zeros for none (commons-math's conventions, as Kayenta reports them)", () => {
    expect(describeSample([4])).toEqual({ count: 1, mean: 4, min: 4, max: 4, std: 0 });
    expect(describeSample([])).toEqual({ count: 0, mean: 0, min: 0, max: 0, std: 0 });
    expect(mean([])).toBeNaN();
  });

  it("handles a series far longer than the call stack allows spreading", () => {
    const values = Array.from({ length: 1_000_000 }, (_, i) => (i % 1000) - 500);
    const s = describeSample(values);
    expect(s).toMatchObject({ count: 1_000_000, min: -500, max: 499 });
    expect(s.mean).toBeCloseTo(-0.5, 10);
  });
});
