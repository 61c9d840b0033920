// Wilcoxon rank sum of x − d against y in one merge walk over pre-sorted samples (average ranks for ties).

export interface ShiftedRankSum {
  /** Σ ranks of the x − d values in the pooled sample, ties given their average rank (R's `rank`). */
  rankSumX: number;
  /** Σ (t³ − t) over the tie groups of the pooled sample: the tie correction of the variance. */
  tieTerm: number;
}

/**
 * Ranks `c(x - d, y)` as R's `rank(..., ties.method = "average")` would, in O(n + m) instead of a sort:
 * both inputs must be sorted ascending and free of NaN. Each x − d is computed once, in the same
 * floating-point operation R performs, so ties and ranks agree with R exactly; all the sums are
 * integers or halves far below 2⁵³, hence exact.
 */
export function shiftedRankSum(
  xSorted: ArrayLike<number>,
  ySorted: ArrayLike<number>,
  d: number,
): ShiftedRankSum {
  const nx = xSorted.length;
  const ny = ySorted.length;
  let i = 0;
  let j = 0;
  let ranked = 0;
  let rankSumX = 0;
  let tieTerm = 0;
  let xv = nx > 0 ? (xSorted[0] as number) - d : Number.POSITIVE_INFINITY;
  let yv = ny > 0 ? (ySorted[0] as number) : Number.POSITIVE_INFINITY;
  while (i < nx || j < ny) {
    // The smallest value not yet ranked; count how many x − d and y equal it.
    const v = i < nx && (j >= ny || xv <= yv) ? xv : yv;
    let a = 0;
    while (i < nx && xv === v) {
      a++;
      i++;
      xv = i < nx ? (xSorted[i] as number) - d : Number.POSITIVE_INFINITY;
    }
    let b = 0;
    while (j < ny && yv === v) {
      b++;
      j++;
      yv = j < ny ? (ySorted[j] as number) : Number.POSITIVE_INFINITY;
    }
    const t = a + b;
    if (a > 0) rankSumX += a * (ranked + (t + 1) / 2);
    if (t > 1) tieTerm += t * t * t - t;
    ranked += t;
  }
  return { rankSumX, tieTerm };
}

/** A sorted copy (ascending, numeric). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}
