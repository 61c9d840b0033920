// Continuous metrics: anytime-valid tests on time-paired canary/baseline values.
//
// Both arms are scraped at the same instants, so the load, the diurnal trend and shared noise hit
// both values of a pair alike; under "no regression" the arms are exchangeable within a pair.
// - Location: d = ln(canary/baseline). A normal-mixture e-process on the mean of d (Robbins 1970;
//   Howard, Ramdas, McAuliffe & Sekhon 2021 eq. (14)) with the variance plugged in, which is an
//   asymptotic confidence sequence (Waudby-Smith et al. 2021, arXiv 2103.06476, Thm 2.2); the sample
//   size is the effective one under AR(1) dependence (dependence.ts).
// - Tail (distribution): at a predictable threshold q (from earlier pairs) count the discordant pairs
//   canary > (1+tol)·q vs baseline > q; under the null P(A) − P(B) ≤ 0, so the canary wins a
//   discordant pair with probability ≤ ½: a sequential McNemar sign test on the CDF difference at q
//   (the one-sided Beta-mixture of Howard & Ramdas 2022, Bernoulli 28(3), Thm 1).
import { chiSquareQuantileWH } from "./count-test";
import { addToLagSums, effectiveSampleFactor, emptyLagSums, type LagSums } from "./dependence";
import { signOneSidedLogE } from "./e-values";
import { normalMixtureLogE, normalMixtureRadius } from "./normal-mixture";

export interface SignCounts {
  w: number;
  l: number;
}

export interface PairedState {
  /** Pairs seen (with a finite value on both sides). */
  n: number;
  tailUp: SignCounts;
  tailDown: SignCounts;
  /** Running sums of d = ln(c/b) over the pairs with both values > 0. */
  lag: LagSums;
  /** EWMA of pooled ln values (level, scale) for predictable tail thresholds. */
  level: { m: number; s: number; n: number };
}

export interface PairedParams {
  /** Beta(a, a) mixing prior of the tail sign e-processes. */
  prior: number;
  /** Normal-mixture precision, in effective pairs (the boundary is tightest near this many). */
  mixture: number;
  /** Plug-in variance: an upper bound see / χ²_df(q) at this standard-normal quantile, floored at `minSd`². */
  varianceQuantileZ: number;
  minSd: number;
  /** No location decision before this many effective pairs. */
  minEffective: number;
  /** Tail thresholds at level ± z·scale. */
  tailZ: number;
  /** Share of the metric's α spent on the tail test (the rest on location). */
  tailShare: number;
  /** EWMA weight of the level and scale estimates. */
  ewma: number;
  /** Pairs needed before tail thresholds are used. */
  tailWarmup: number;
}

export const DEFAULT_PAIRED_PARAMS: PairedParams = {
  prior: 1,
  mixture: 5,
  varianceQuantileZ: -0.6744897501960817, // q = 0.25
  minSd: 0.001,
  minEffective: 3,
  tailZ: 1,
  tailShare: 0.2,
  ewma: 0.1,
  tailWarmup: 5,
};

export function emptyPairedState(): PairedState {
  return {
    n: 0,
    tailUp: { w: 0, l: 0 },
    tailDown: { w: 0, l: 0 },
    lag: emptyLagSums(),
    level: { m: 0, s: 0, n: 0 },
  };
}

const inc = (c: SignCounts, win: boolean, loss: boolean): SignCounts => ({
  w: c.w + (win ? 1 : 0),
  l: c.l + (loss ? 1 : 0),
});

/** Adds time-paired values (both finite) in time order; `tolerance` is relative (0.05 = 5 %). */
export function addPairs(
  state: PairedState,
  pairs: ReadonlyArray<{ baseline: number; canary: number }>,
  tolerance: number,
  params: PairedParams = DEFAULT_PAIRED_PARAMS,
): PairedState {
  let s: PairedState = state;
  const k = 1 + tolerance;
  for (const { baseline: b, canary: c } of pairs) {
    let { tailUp, tailDown, lag, level } = s;
    if (b > 0 && c > 0) {
      if (level.n >= params.tailWarmup && level.s > 0) {
        const qUp = Math.exp(level.m + params.tailZ * level.s);
        const qDown = Math.exp(level.m - params.tailZ * level.s);
        tailUp = inc(tailUp, c > k * qUp && b <= qUp, b > qUp && c <= k * qUp);
        tailDown = inc(tailDown, c < qDown / k && b >= qDown, b < qDown && c >= qDown / k);
      }
      const d = Math.log(c / b);
      lag = addToLagSums(lag, d);
      // Level and scale after the thresholds were used (predictable).
      const x = (Math.log(b) + Math.log(c)) / 2;
      const dev = (Math.abs(Math.log(b) - level.m) + Math.abs(Math.log(c) - level.m)) / 2;
      const w = level.n === 0 ? 1 : Math.max(params.ewma, 1 / (level.n + 1));
      const m = level.n === 0 ? x : level.m + w * (x - level.m);
      // Mean absolute deviation × √(π/2) estimates σ for normal data; half-spread of the pair adds the within-pair part.
      const spread = level.n === 0 ? Math.abs(Math.log(c / b)) / 2 : dev;
      const sc =
        level.n === 0
          ? spread * Math.sqrt(Math.PI / 2)
          : level.s + w * (spread * Math.sqrt(Math.PI / 2) - level.s);
      level = { m, s: sc, n: level.n + 1 };
    }
    s = { ...s, n: s.n + 1, tailUp, tailDown, lag, level };
  }
  return s;
}

export interface PairedEvaluation {
  /** Geometric-mean ratio canary/baseline, exp(mean d). */
  estimate: number;
  /** Two-sided confidence sequence on exp(mean d) at level 1 − α_location. */
  lower: number;
  upper: number;
  /** ln e-values of the one-sided tests against ±ln(1+tol) (location) and of the tail tests. */
  logEUp: number;
  logEDown: number;
  logETailUp: number;
  logETailDown: number;
  /** Effective-sample factor applied to every count, and the plug-in standard deviation of d. */
  factor: number;
  sd: number;
}

/** Mean and plug-in standard deviation of d (detrended residuals, upper confidence bound). */
export function locationMoments(
  lag: LagSums,
  params: PairedParams = DEFAULT_PAIRED_PARAMS,
): { mean: number; sd: number } {
  const n = lag.n;
  if (n === 0) return { mean: 0, sd: Infinity };
  const mean = lag.sd / n;
  if (n < 3) return { mean, sd: Infinity };
  const st = (n * (n + 1)) / 2;
  const stt = (n * (n + 1) * (2 * n + 1)) / 6;
  const b = (n * lag.std - st * lag.sd) / (n * stt - st * st);
  const a = (lag.sd - b * st) / n;
  const see = Math.max(0, lag.sdd - a * lag.sd - b * lag.std);
  const variance = see / chiSquareQuantileWH(n - 2, params.varianceQuantileZ);
  return { mean, sd: Math.max(params.minSd, Math.sqrt(variance)) };
}

export function evaluatePaired(
  state: PairedState,
  alphaLocation: number,
  tolerance: number,
  params: PairedParams = DEFAULT_PAIRED_PARAMS,
): PairedEvaluation {
  const f = effectiveSampleFactor(state.lag);
  const e = (c: SignCounts): number => signOneSidedLogE(f * c.w, f * c.l, params.prior);
  const moments = locationMoments(state.lag, params);
  const nEff = f * state.lag.n;
  // Residuals of a short autocorrelated series understate its variance: E[s²] ≈ σ²·(1 − 2/n_eff)
  // for the two fitted parameters (mean, slope) when n observations carry n_eff independent ones.
  const mean = moments.mean;
  const sd = moments.sd / Math.sqrt(Math.max(0.25, 1 - 2 / Math.max(nEff, 1e-9)));
  const tol = Math.log1p(tolerance);
  const finite = Number.isFinite(sd) && nEff >= params.minEffective;
  const radius = finite ? normalMixtureRadius(nEff, sd, alphaLocation, params.mixture) : Infinity;
  const clamp = (x: number): number => Math.max(-30, Math.min(30, x));
  return {
    estimate: Math.exp(mean),
    lower: Math.exp(clamp(mean - radius)),
    upper: Math.exp(clamp(mean + radius)),
    logEUp: finite ? normalMixtureLogE((nEff * (mean - tol)) / sd, nEff, params.mixture, true) : 0,
    logEDown: finite ? normalMixtureLogE((nEff * (-tol - mean)) / sd, nEff, params.mixture, true) : 0,
    logETailUp: e(state.tailUp),
    logETailDown: e(state.tailDown),
    factor: f,
    sd,
  };
}
