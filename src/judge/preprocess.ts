// Per-side preprocessing before the judge: NaN strategy, then IQR outlier removal (Kayenta's transforms).
import type { ResolvedCanaryOptions } from "../config/canary-config.schema";

/** `remove` drops NaN; `replace` maps NaN to 0.0. ±Infinity is kept either way (docs/kayenta-rules.md §1.3). */
export function applyNanStrategy(
  values: readonly number[],
  strategy: "remove" | "replace",
): readonly number[] {
  // Most series hold no NaN: then the input itself is the answer (no copy).
  let i = 0;
  while (i < values.length && !Number.isNaN(values[i])) i++;
  if (i === values.length) return values;
  return strategy === "remove"
    ? values.filter((v) => !Number.isNaN(v))
    : values.map((v) => (Number.isNaN(v) ? 0 : v));
}

/**
 * The p-th percentile (0 < p ≤ 100) of an ascending sample by R's type-7 rule (commons-math
 * `EstimationType.R_7`, numpy's default "linear"): h = (n − 1)·p/100 + 1, then linear interpolation
 * between the order statistics ⌊h⌋ and ⌊h⌋ + 1 (Hyndman & Fan, Am. Stat. 50 (1996) 361-365).
 */
export function percentileR7(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = p >= 100 ? n : 1 + ((n - 1) * p) / 100;
  if (pos < 1) return sorted[0] as number;
  if (pos >= n) return sorted[n - 1] as number;
  const floor = Math.floor(pos);
  const lower = sorted[floor - 1] as number;
  const upper = sorted[floor] as number;
  return lower + (pos - floor) * (upper - lower);
}

/**
 * Kayenta's IQRDetector(factor, reduceSensitivity = true): the Tukey fences widened to the 1st and
 * 99th percentiles, lower = min(p1, Q1 − f·IQR), upper = max(p99, Q3 + f·IQR).
 */
export function iqrFences(values: readonly number[], factor: number): { lower: number; upper: number } {
  return iqrFencesSorted(Float64Array.from(values).sort(), factor);
}

/** `iqrFences` of an ascending sample. */
export function iqrFencesSorted(sorted: ArrayLike<number>, factor: number): { lower: number; upper: number } {
  const q1 = percentileR7(sorted, 25);
  const q3 = percentileR7(sorted, 75);
  const iqr = q3 - q1;
  return {
    lower: Math.min(percentileR7(sorted, 1), q1 - factor * iqr),
    upper: Math.max(percentileR7(sorted, 99), q3 + factor * iqr),
  };
}

/** Drops values strictly outside the fences (NaN fences, e.g. from infinite values, drop nothing). */
export function removeOutliers(values: readonly number[], factor: number): number[] {
  if (values.length === 0) return [];
  const { lower, upper } = iqrFences(values, factor);
  return values.filter((v) => !(v < lower || v > upper));
}

/** One side after preprocessing: the values in their original order, and the same values sorted ascending. */
export interface PreparedSample {
  values: readonly number[];
  sorted: Float64Array;
}

/**
 * NaN handling, then outlier handling, as the judge applies them to each side independently; sorts
 * once. The values outside the fences are a prefix and a suffix of the sorted sample, so the sorted
 * result is a view of it, and the original-order values are copied only when something was dropped.
 */
export function prepareSample(values: readonly number[], options: ResolvedCanaryOptions): PreparedSample {
  const cleaned = applyNanStrategy(values, options.nanStrategy);
  // The constructor copies an array in one step; Float64Array.from goes through the iterator (several times slower).
  const sorted = new Float64Array(cleaned).sort();
  if (options.outliers.strategy !== "remove" || sorted.length === 0) return { values: cleaned, sorted };
  const { lower, upper } = iqrFencesSorted(sorted, options.outliers.outlierFactor);
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi && (sorted[lo] as number) < lower) lo++;
  while (hi > lo && (sorted[hi - 1] as number) > upper) hi--;
  if (lo === 0 && hi === sorted.length) return { values: cleaned, sorted };
  return { values: cleaned.filter((v) => !(v < lower || v > upper)), sorted: sorted.subarray(lo, hi) };
}

/** NaN handling, then outlier handling (the values of `prepareSample`). */
export function preprocess(values: readonly number[], options: ResolvedCanaryOptions): readonly number[] {
  return prepareSample(values, options).values;
}
