// Wilcoxon rank sum of x − d against y in one merge walk over pre-sorted samples (average ranks for ties).

/** A sorted sample as runs of equal values: metrics are often tied (counts, zeros), so walks get shorter. */
export interface SortedRuns {
  /** Distinct values, ascending. */
  values: Float64Array;
  /** How many times each value occurs. */
  counts: Float64Array;
  /** Sample size (Σ counts). */
  size: number;
}

export interface ShiftedRankSum {
  /** Σ ranks of the x − d values in the pooled sample, ties given their average rank (R's `rank`). */
  rankSumX: number;
  /** Σ (t³ − t) over the tie groups of the pooled sample: the tie correction of the variance. */
  tieTerm: number;
}

/** A sorted copy (ascending, numeric). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Run-length encoding of an ascending sample without NaN. */
export function sortedRuns(sorted: ArrayLike<number>): SortedRuns {
  const n = sorted.length;
  const values = new Float64Array(n);
  const counts = new Float64Array(n);
  let k = -1;
  for (let i = 0; i < n; i++) {
    const v = sorted[i] as number;
    if (k >= 0 && values[k] === v) counts[k] = (counts[k] as number) + 1;
    else {
      k++;
      values[k] = v;
      counts[k] = 1;
    }
  }
  return { values: values.subarray(0, k + 1), counts: counts.subarray(0, k + 1), size: n };
}

/**
 * Ranks `c(x - d, y)` as R's `rank(..., ties.method = "average")` would, in O(runs of x + runs of y)
 * instead of a sort. Each distinct x − d is computed in the same floating-point operation R performs,
 * and neighbouring x values that round to the same x − d are merged into one tie group, so ties and
 * ranks agree with R exactly; all the sums are integers or halves far below 2⁵³, hence exact.
 */
export function shiftedRankSumRuns(x: SortedRuns, y: SortedRuns, d: number): ShiftedRankSum {
  const xValues = x.values;
  const xCounts = x.counts;
  const yValues = y.values;
  const yCounts = y.counts;
  const nx = xValues.length;
  const ny = yValues.length;
  const INF = Number.POSITIVE_INFINITY;
  let i = 0;
  let j = 0;
  let ranked = 0;
  let rankSumX = 0;
  let tieTerm = 0;
  let xv = nx > 0 ? (xValues[0] as number) - d : INF;
  let yv = ny > 0 ? (yValues[0] as number) : INF;
  while (i < nx || j < ny) {
    // The smallest value not yet ranked; count how many x − d and y equal it.
    const v = i < nx && (j >= ny || xv <= yv) ? xv : yv;
    let a = 0;
    while (i < nx && xv === v) {
      a += xCounts[i] as number;
      i++;
      xv = i < nx ? (xValues[i] as number) - d : INF;
    }
    let b = 0;
    while (j < ny && yv === v) {
      b += yCounts[j] as number;
      j++;
      yv = j < ny ? (yValues[j] as number) : INF;
    }
    const t = a + b;
    if (a > 0) rankSumX += a * (ranked + (t + 1) / 2);
    if (t > 1) tieTerm += t * t * t - t;
    ranked += t;
  }
  return { rankSumX, tieTerm };
}

/** `shiftedRankSumRuns` for plain ascending arrays (both sorted, free of NaN). */
export function shiftedRankSum(
  xSorted: ArrayLike<number>,
  ySorted: ArrayLike<number>,
  d: number,
): ShiftedRankSum {
  return shiftedRankSumRuns(sortedRuns(xSorted), sortedRuns(ySorted), d);
}
