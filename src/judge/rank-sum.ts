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
  return new Float64Array(values).sort();
}

/** Run-length encoding of an ascending sample without NaN. */
export function sortedRuns(sorted: ArrayLike<number>): SortedRuns {
  const n = sorted.length;
  // One allocation for both (typed arrays' memory is allocated outside the JS heap, each one a call).
  const buffer = new Float64Array(2 * n);
  const values = buffer.subarray(0, n);
  const counts = buffer.subarray(n);
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

/**
 * The rank sum and tie term of `c(x - d, y)` at many shifts d inside a shrinking bracket [lo, hi], as a root
 * finder asks for them (mann-whitney.ts), with the same values as `shiftedRankSumRuns` but less work.
 *
 * For a run x_i of x (a distinct value), let L_i(d) be the number of y runs below fl(x_i − d) and U_i(d) the
 * number at or below it (U_i − L_i is 1 when a y run equals it, else 0). Both only fall as d grows, so for d in
 * [lo, hi]: L_i(hi) ≤ L_i(d) ≤ U_i(d) ≤ U_i(lo). An x run whose L_i(hi) equals U_i(lo) is settled: it has no
 * pairwise difference x_i − y_j inside the bracket, and the same count below it and no tie with y at every d
 * there. Only the other runs (the active ones) are walked, each from its bound at hi, and as the bracket
 * shrinks around a root fewer and fewer runs stay active. From the counts:
 *   rankSumX = nx(nx+1)/2 + Σ_i count_i·(#y below fl(x_i − d) + ½·#y equal to it)
 *   tieTerm  = Σ_x runs (a³ − a) + Σ_y runs (b³ − b) + Σ_{x run i tied with a y run} ((a+b)³ − (a+b) − (a³ − a) − (b³ − b))
 * which is what the merge walk sums, group by group: every term is an integer or a half, so while the totals
 * stay below 2⁵³ (samples of up to 200,000 values together) the sums are exact in any order and the values are
 * identical. Where neighbouring x runs could round to the same x − d (values far larger than their spacing) the
 * merge walk merges them into one tie group; there, and outside the bracket, the merge walk itself runs.
 * Nothing is allocated per evaluation.
 */
export class BracketedRankSum {
  /** The last evaluation's results. */
  rankSumX = 0;
  tieTerm = 0;

  private readonly xv: Float64Array;
  private readonly xc: Float64Array;
  private readonly yv: Float64Array;
  private readonly yc: Float64Array;
  /** yBelow[k] = number of y values in runs 0..k−1. */
  private readonly yBelow: Float64Array;
  private readonly ownTies: number;
  private readonly xRankBase: number;
  /** Exact sums hold (see above). */
  private readonly exact: boolean;
  /** Smallest gap between neighbouring x runs, and the largest |x|: whether x − d can merge two runs. */
  private readonly minGapX: number;
  private readonly maxAbsX: number;

  /** Bounds at the bracket's ends (U_i(lo), L_i(hi)), the active runs, the settled runs' share of the sum. */
  private lo = Number.NaN;
  private hi = Number.NaN;
  private readonly uLo: Int32Array;
  private readonly lHi: Int32Array;
  private readonly active: Int32Array;
  private nActive = 0;
  private settledBelow = 0;
  /** L_i(d) and U_i(d) of the active runs at the last evaluation, and its shift (NaN when it was not walked here). */
  private readonly curL: Int32Array;
  private readonly curU: Int32Array;
  private curD = Number.NaN;
  /** A narrowing not yet applied to the bounds: 1 = the last evaluation became lo, −1 = hi, 0 = none. */
  private pending = 0;
  /** The bounds at the search interval's ends, computed once and restored by `reset`. */
  private startLo = Number.NaN;
  private startHi = Number.NaN;
  private readonly startULo: Int32Array;
  private readonly startLHi: Int32Array;

  constructor(
    private readonly x: SortedRuns,
    private readonly y: SortedRuns,
  ) {
    this.xv = x.values;
    this.xc = x.counts;
    this.yv = y.values;
    this.yc = y.counts;
    const nxr = this.xv.length;
    const nyr = this.yv.length;
    this.yBelow = new Float64Array(nyr + 1);
    let ownTies = 0;
    for (let k = 0; k < nyr; k++) {
      const b = this.yc[k] as number;
      this.yBelow[k + 1] = (this.yBelow[k] as number) + b;
      ownTies += b * b * b - b;
    }
    let minGap = Number.POSITIVE_INFINITY;
    for (let i = 0; i < nxr; i++) {
      const a = this.xc[i] as number;
      ownTies += a * a * a - a;
      if (i > 0) minGap = Math.min(minGap, (this.xv[i] as number) - (this.xv[i - 1] as number));
    }
    this.ownTies = ownTies;
    this.xRankBase = (x.size * (x.size + 1)) / 2;
    this.exact = x.size + y.size <= 200_000;
    this.minGapX = minGap;
    this.maxAbsX =
      nxr > 0 ? Math.max(Math.abs(this.xv[0] as number), Math.abs(this.xv[nxr - 1] as number)) : 0;
    const ints = new Int32Array(7 * nxr);
    const part = (k: number): Int32Array => ints.subarray(k * nxr, (k + 1) * nxr);
    this.uLo = part(0);
    this.lHi = part(1);
    this.active = part(2);
    this.curL = part(3);
    this.curU = part(4);
    this.startULo = part(5);
    this.startLHi = part(6);
  }

  /**
   * Every run's bounds at d (L into `lower` or U into `upper`) and the values there, in one merge walk.
   * Returns [rankSumX, tieTerm].
   */
  private boundsAt(
    d: number,
    lower: Int32Array | undefined,
    upper: Int32Array | undefined,
  ): [number, number] {
    const { xv, xc, yv, yc, yBelow } = this;
    const nyr = yv.length;
    let below = 0;
    let tied = 0;
    let tieCorrection = 0;
    let j = 0;
    for (let i = 0; i < xv.length; i++) {
      const v = (xv[i] as number) - d;
      while (j < nyr && (yv[j] as number) < v) j++;
      const a = xc[i] as number;
      below += a * (yBelow[j] as number);
      let u = j;
      if (j < nyr && yv[j] === v) {
        u = j + 1;
        const b = yc[j] as number;
        const t = a + b;
        tied += a * b;
        tieCorrection += t * t * t - t - (a * a * a - a) - (b * b * b - b);
      }
      if (lower !== undefined) lower[i] = j;
      if (upper !== undefined) upper[i] = u;
    }
    if (!this.exact || !this.mergeFreeAt(d)) {
      const r = shiftedRankSumRuns(this.x, this.y, d);
      return [r.rankSumX, r.tieTerm];
    }
    return [this.xRankBase + below + tied / 2, this.ownTies + tieCorrection];
  }

  /** [rankSumX, tieTerm] at any shift d, in one pass over all runs (the bracket is left as it is). */
  valuesAt(d: number): [number, number] {
    return this.boundsAt(d, undefined, undefined);
  }

  private mergeFreeAt(d: number): boolean {
    return this.minGapX > 4 * (Number.EPSILON * (this.maxAbsX + Math.abs(d)) + Number.MIN_VALUE);
  }

  /** The values at the search interval's ends, from the walks that find the bounds there (see `prepare`). */
  startValues: { lo: [number, number]; hi: [number, number] } | undefined;

  /** Finds the bounds and the values at the ends of the search interval [lo, hi] (lo ≤ hi) that `reset` starts from. */
  prepare(lo: number, hi: number): void {
    this.startValues = {
      lo: this.boundsAt(lo, undefined, this.startULo),
      hi: this.boundsAt(hi, this.startLHi, undefined),
    };
    this.startLo = lo;
    this.startHi = hi;
  }

  /** Starts a search on [lo, hi] (lo ≤ hi): every run active that has a difference inside. */
  reset(lo: number, hi: number): void {
    if (!(lo === this.startLo && hi === this.startHi)) this.prepare(lo, hi);
    this.uLo.set(this.startULo);
    this.lHi.set(this.startLHi);
    this.lo = lo;
    this.hi = hi;
    this.curD = Number.NaN;
    this.pending = 0;
    this.nActive = this.xv.length;
    for (let i = 0; i < this.nActive; i++) this.active[i] = i;
    this.settledBelow = 0;
    this.compact();
  }

  /** Drops the runs that became settled, adding their share to `settledBelow`. */
  private compact(): void {
    const { active, uLo, lHi, xc, yBelow } = this;
    let kept = 0;
    for (let k = 0; k < this.nActive; k++) {
      const i = active[k] as number;
      const l = lHi[i] as number;
      if (l < (uLo[i] as number)) active[kept++] = i;
      else this.settledBelow += (xc[i] as number) * (yBelow[l] as number);
    }
    this.nActive = kept;
  }

  /**
   * Sets `rankSumX` and `tieTerm` for the shift d. Inside the bracket, one pass over the active runs also applies
   * the last narrowing to their bounds and drops the runs it settled.
   */
  evaluate(d: number): void {
    if (!(d >= this.lo && d <= this.hi) || !this.exact) {
      this.walk(d);
      return;
    }
    const { active, uLo, lHi, curL, curU, xv, xc, yv, yc, yBelow } = this;
    const pending = this.pending;
    let settled = this.settledBelow;
    let below = 0;
    let tied = 0;
    let tieCorrection = 0;
    let previous = 0;
    let kept = 0;
    for (let k = 0; k < this.nActive; k++) {
      const i = active[k] as number;
      if (pending === 1) uLo[i] = curU[k] as number;
      else if (pending === -1) lHi[i] = curL[k] as number;
      const end = uLo[i] as number;
      let l = lHi[i] as number;
      const a = xc[i] as number;
      if (l >= end) {
        // Settled by the last narrowing: the same count below at every shift left in the bracket.
        settled += a * (yBelow[l] as number);
        if (l > previous) previous = l;
        continue;
      }
      const v = (xv[i] as number) - d;
      if (l < previous) l = previous; // L_i(d) never falls as i grows
      while (l < end && (yv[l] as number) < v) l++;
      below += a * (yBelow[l] as number);
      let u = l;
      if (l < end && yv[l] === v) {
        u = l + 1;
        const b = yc[l] as number;
        const t = a + b;
        tied += a * b;
        tieCorrection += t * t * t - t - (a * a * a - a) - (b * b * b - b);
      }
      active[kept] = i;
      curL[kept] = l;
      curU[kept] = u;
      kept++;
      previous = l;
    }
    this.nActive = kept;
    this.settledBelow = settled;
    this.pending = 0;
    this.curD = d;
    // Neighbouring x runs merged by rounding x − d: the merge walk's tie groups differ, so take its values.
    if (!this.mergeFreeAt(d)) {
      this.walk(d);
      return;
    }
    this.rankSumX = this.xRankBase + settled + below + tied / 2;
    this.tieTerm = this.ownTies + tieCorrection;
  }

  private walk(d: number): void {
    const r = shiftedRankSumRuns(this.x, this.y, d);
    this.rankSumX = r.rankSumX;
    this.tieTerm = r.tieTerm;
  }

  /**
   * After `evaluate(d)`: the root lies above d (`rootAbove`, d becomes the bracket's low end) or below it. A
   * root finder that keeps a sign-changing bracket (zeroin.ts) then has the same bracket as this one. The bounds
   * follow with the next evaluation (or `settle`).
   */
  narrow(d: number, rootAbove: boolean): void {
    if (d !== this.curD || this.pending !== 0) return;
    this.pending = rootAbove ? 1 : -1;
    if (rootAbove) this.lo = d;
    else this.hi = d;
  }

  /** Applies a pending narrowing to the bounds and drops the runs it settled. */
  private settle(): void {
    if (this.pending === 0) return;
    const { active, curL, curU } = this;
    const bounds = this.pending === 1 ? this.uLo : this.lHi;
    const from = this.pending === 1 ? curU : curL;
    for (let k = 0; k < this.nActive; k++) bounds[active[k] as number] = from[k] as number;
    this.pending = 0;
    this.compact();
  }

  /**
   * The single distinct difference fl(x_i − y_j) with y_j in [fl(x_i − hi), fl(x_i − lo)], or undefined when
   * there are none or several (as `ShiftStatistic.singleDifferenceIn`), when [lo, hi] is this bracket: only the
   * active runs have any, the y runs lHi[i] … uLo[i] − 1. Null when [lo, hi] is not this bracket.
   */
  singleDifferenceIn(lo: number, hi: number): number | undefined | null {
    if (!(lo === this.lo && hi === this.hi)) return null;
    this.settle();
    const { active, uLo, lHi, xv, yv } = this;
    let first: number | undefined;
    for (let k = 0; k < this.nActive; k++) {
      const i = active[k] as number;
      const xi = xv[i] as number;
      for (let j = lHi[i] as number; j < (uLo[i] as number); j++) {
        const diff = xi - (yv[j] as number);
        if (first === undefined) first = diff;
        else if (diff !== first) return undefined;
      }
    }
    return first;
  }
}
