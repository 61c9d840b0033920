// Two-arm count test against the traffic share: Beta-binomial e-process and confidence sequence on the rate ratio.
//
// Conditional on the events of a step, each event is the canary's with probability
// θ(r) = ρr / (ρr + 1), where ρ is the canary's traffic relative to the baseline and r the rate
// ratio (Lindon & Malek, NeurIPS 2022, arXiv 2011.03567). A stage with another ρ opens a new
// segment; the segments' e-values multiply. Over-dispersion is handled by tempering the counts
// with a Pearson dispersion estimate (quasi-likelihood; McCullagh & Nelder §4.5). Per segment
// ln E is `betaBinomialLogE` (e-values.ts) at θ(r), written with softplus for stability.
import { lnBeta } from "./special-functions";

/** Sufficient statistics of one traffic segment. */
export interface CountSegment {
  /** Canary traffic relative to the baseline during the segment. */
  ratio: number;
  /** Canary events. */
  nc: number;
  /** Baseline events. */
  nb: number;
  /** Σ nc_t² / N_t over the steps with N_t > 0 (Pearson dispersion). */
  q: number;
  /** Steps with at least one event. */
  steps: number;
}

export interface CountState {
  segments: CountSegment[];
}

export interface CountParams {
  /** Prior concentration k: Beta(kθ0, k(1−θ0)) on the canary share. */
  concentration: number;
  /**
   * Dispersion: an upper confidence bound φ = Pearson / χ²_df(q), floored at 1, so that a short
   * history over-states rather than under-states over-dispersion (χ² quantile: Wilson & Hilferty 1931).
   */
  dispersionQuantileZ: number;
}

export const DEFAULT_COUNT_PARAMS: CountParams = {
  concentration: 2,
  dispersionQuantileZ: 0, // q ≈ 0.5
};

export function emptyCountState(): CountState {
  return { segments: [] };
}

/** Adds the events of each step (baseline, canary) observed under traffic ratio `ratio`. */
export function addCountSteps(
  state: CountState,
  steps: ReadonlyArray<{ baseline: number; canary: number }>,
  ratio: number,
): CountState {
  const segments = state.segments.map((s) => ({ ...s }));
  let seg = segments[segments.length - 1];
  if (!seg || seg.ratio !== ratio) {
    seg = { ratio, nc: 0, nb: 0, q: 0, steps: 0 };
    segments.push(seg);
  }
  for (const { baseline, canary } of steps) {
    const n = baseline + canary;
    if (!(n > 0)) continue;
    seg.nc += canary;
    seg.nb += baseline;
    seg.q += (canary * canary) / n;
    seg.steps += 1;
  }
  return { segments };
}

/** χ²_df quantile at standard-normal quantile z (Wilson–Hilferty cube-root approximation). */
export function chiSquareQuantileWH(df: number, z: number): number {
  const c = 2 / (9 * df);
  return df * Math.max(1e-3, 1 - c + z * Math.sqrt(c)) ** 3;
}

/** Pearson dispersion φ̂ ≥ 1 pooled over segments, each fitted at its own share. */
export function countDispersion(state: CountState, params: CountParams = DEFAULT_COUNT_PARAMS): number {
  let pearson = 0;
  let df = 0;
  for (const s of state.segments) {
    if (s.steps < 2) continue;
    const n = s.nc + s.nb;
    const th = (s.nc + 0.5) / (n + 1);
    pearson += (s.q - 2 * th * s.nc + th * th * n) / (th * (1 - th));
    df += s.steps - 1;
  }
  if (df === 0) return 1;
  return Math.max(1, pearson / chiSquareQuantileWH(df, params.dispersionQuantileZ));
}

const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** ln E(δ): the e-value against log rate ratio δ, with counts divided by φ. Convex in δ. */
export function countLogE(
  state: CountState,
  delta: number,
  phi: number,
  params: CountParams = DEFAULT_COUNT_PARAMS,
): number {
  let total = 0;
  for (const s of state.segments) {
    const nc = s.nc / phi;
    const nb = s.nb / phi;
    const th0 = s.ratio / (1 + s.ratio);
    const ac = params.concentration * th0;
    const ab = params.concentration * (1 - th0);
    const x = delta + Math.log(s.ratio);
    // −nc·ln θ − nb·ln(1−θ) with θ = logistic(x).
    total += lnBeta(ac + nc, ab + nb) - lnBeta(ac, ab) + nc * softplus(-x) + nb * softplus(x);
  }
  return total;
}

const DELTA_MAX = 30;

/** Maximum-likelihood log rate ratio (±30 when one arm has no events). */
export function countLogRatioEstimate(state: CountState): number {
  const nc = state.segments.reduce((a, s) => a + s.nc, 0);
  const nb = state.segments.reduce((a, s) => a + s.nb, 0);
  if (nc <= 0 && nb <= 0) return 0;
  if (nc <= 0) return -DELTA_MAX;
  if (nb <= 0) return DELTA_MAX;
  // Score Σ [nc_s − n_s θ_s(δ)] decreases in δ.
  const score = (d: number): number =>
    state.segments.reduce((a, s) => a + s.nc - (s.nc + s.nb) / (1 + Math.exp(-(d + Math.log(s.ratio)))), 0);
  let lo = -DELTA_MAX;
  let hi = DELTA_MAX;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (score(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Solves f(δ) = level between `inside` (f < level) and `outside` (f ≥ level) by bisection. */
function crossing(f: (d: number) => number, level: number, inside: number, outside: number): number {
  let a = inside;
  let b = outside;
  for (let i = 0; i < 200 && Math.abs(b - a) > 1e-10; i++) {
    const mid = (a + b) / 2;
    if (f(mid) < level) a = mid;
    else b = mid;
  }
  return (a + b) / 2;
}

export interface CountEvaluation {
  /** Estimated rate ratio canary/baseline (traffic-adjusted). */
  estimate: number;
  /** Confidence sequence on the rate ratio at level 1 − α (unbounded sides are clamped to e^±30). */
  lower: number;
  upper: number;
  /** ln e-value against "no increase beyond tolerance" and "no decrease beyond tolerance". */
  logEUp: number;
  logEDown: number;
  dispersion: number;
}

/** The running bound and e-values after the data so far; `tolerance` is relative (0.2 = 20 %). */
export function evaluateCount(
  state: CountState,
  alpha: number,
  tolerance: number,
  params: CountParams = DEFAULT_COUNT_PARAMS,
): CountEvaluation {
  const phi = countDispersion(state, params);
  const f = (d: number): number => countLogE(state, d, phi, params);
  const level = Math.log(1 / alpha);
  const dHat = countLogRatioEstimate(state);
  const tol = Math.log1p(tolerance);
  const lowerD =
    f(-DELTA_MAX) < level ? -DELTA_MAX : f(dHat) >= level ? dHat : crossing(f, level, dHat, -DELTA_MAX);
  const upperD =
    f(DELTA_MAX) < level ? DELTA_MAX : f(dHat) >= level ? dHat : crossing(f, level, dHat, DELTA_MAX);
  return {
    estimate: Math.exp(dHat),
    lower: Math.exp(lowerD),
    upper: Math.exp(upperD),
    logEUp: f(Math.min(dHat, tol)),
    logEDown: f(Math.max(dHat, -tol)),
    dispersion: phi,
  };
}
