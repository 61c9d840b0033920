// Per-side preprocessing before the judge: NaN strategy, then IQR outlier removal (Kayenta's transforms).
import type { ResolvedCanaryOptions } from "../config/canary-config.schema";

/** `remove` drops NaN; `replace` maps NaN to 0.0. ±Infinity is kept either way (kayenta.md §1.3). */
export function applyNanStrategy(values: readonly number[], strategy: "remove" | "replace"): number[] {
  return strategy === "remove"
    ? values.filter((v) => !Number.isNaN(v))
    : values.map((v) => (Number.isNaN(v) ? 0 : v));
}

/**
 * The p-th percentile (0 < p ≤ 100) of an ascending sample by R's type-7 rule (commons-math
 * `EstimationType.R_7`, numpy's default "linear"): h = (n − 1)·p/100 + 1, then linear interpolation
 * between the order statistics ⌊h⌋ and ⌊h⌋ + 1 (Hyndman & Fan, Am. Stat. 50 (1996) 361-365).
 */
export function percentileR7(sorted: readonly number[], p: number): number {
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
  const sorted = Float64Array.from(values).sort();
  const asArray = Array.from(sorted);
  const q1 = percentileR7(asArray, 25);
  const q3 = percentileR7(asArray, 75);
  const iqr = q3 - q1;
  return {
    lower: Math.min(percentileR7(asArray, 1), q1 - factor * iqr),
    upper: Math.max(percentileR7(asArray, 99), q3 + factor * iqr),
  };
}

/** Drops values strictly outside the fences (NaN fences, e.g. from infinite values, drop nothing). */
export function removeOutliers(values: readonly number[], factor: number): number[] {
  if (values.length === 0) return [];
  const { lower, upper } = iqrFences(values, factor);
  return values.filter((v) => !(v < lower || v > upper));
}

/** NaN handling, then outlier handling, as the judge applies them to each side independently. */
export function preprocess(values: readonly number[], options: ResolvedCanaryOptions): number[] {
  const cleaned = applyNanStrategy(values, options.nanStrategy);
  return options.outliers.strategy === "remove"
    ? removeOutliers(cleaned, options.outliers.outlierFactor)
    : cleaned;
}
