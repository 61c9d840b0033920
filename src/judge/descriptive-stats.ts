// Descriptive statistics, in one place: count, mean, min, max, sample std (Kayenta's MetricStatistics); loops, never Math.min(...values).
import type { DescriptiveStats } from "./types";

/** Arithmetic mean (NaN for an empty sample). */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/**
 * Kayenta's `DescriptiveStatistics.summary` (docs/kayenta-rules.md): std = sqrt(sample variance, n − 1),
 * 0 for a single value (commons-math convention); all fields 0 for an empty sample.
 */
export function describeSample(values: readonly number[]): DescriptiveStats {
  const count = values.length;
  if (count === 0) return { count: 0, mean: 0, min: 0, max: 0, std: 0 };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i] as number;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const m = sum / count; // mean(values), summed in the same order
  let squares = 0;
  for (let i = 0; i < count; i++) {
    const d = (values[i] as number) - m;
    squares += d * d;
  }
  const std = count > 1 ? Math.sqrt(squares / (count - 1)) : 0;
  return { count, mean: m, min, max, std };
}
