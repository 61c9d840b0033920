// How many independent values a dependent series is worth: an ARMA(1,1) long-run variance factor from
// the lag-1 and lag-2 autocorrelations of the residuals around the series' least-squares line.
//
// For an AR(1) signal under white noise (per-host persistence plus scrape noise) the autocorrelations
// are ρ_k = ρ1·φ^(k−1), so the variance of a mean is inflated by 1 + 2ρ1/(1 − φ) (Box, Jenkins &
// Reinsel, Time Series Analysis, §3.4), where the lag-1 rule of v1, (1 + ρ1)/(1 − ρ1), undercounts it
// whenever φ > ρ1. Both are shrunk toward a persistent prior while the stage is short, so early looks
// assume strong dependence rather than none (ADR 0006).

export interface DependenceV2Params {
  priorRho1: number;
  priorPhi: number;
  /** Prior weight, in lag pairs. */
  priorWeight: number;
  /** Largest inflation used (smallest effective share 1/maxInflation). */
  maxInflation: number;
  /** Small-sample correction: the factor is multiplied by 1 + boost/√n (sample autocorrelations of short persistent series run low). */
  boost: number;
}

export const DEFAULT_DEPENDENCE_V2: DependenceV2Params = {
  priorRho1: 0.5,
  priorPhi: 0.8,
  priorWeight: 12,
  maxInflation: 20,
  boost: 3,
};

/** Residuals of the least-squares line through (i, x_i). */
export function detrend(xs: readonly number[]): number[] {
  const n = xs.length;
  if (n < 3) {
    const m = n ? xs.reduce((a, v) => a + v, 0) / n : 0;
    return xs.map((v) => v - m);
  }
  const ti = (n - 1) / 2;
  const m = xs.reduce((a, v) => a + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - ti) * ((xs[i] as number) - m);
    sxx += (i - ti) * (i - ti);
  }
  const b = sxy / sxx;
  return xs.map((v, i) => v - m - b * (i - ti));
}

/** Lag-k autocorrelation of residuals (NaN when the series is constant or too short). */
export function autocorrelation(e: readonly number[], lag: number): number {
  const n = e.length;
  if (n <= lag + 2) return NaN;
  let s0 = 0;
  let sk = 0;
  for (let i = 0; i < n; i++) s0 += (e[i] as number) ** 2;
  for (let i = lag; i < n; i++) sk += (e[i] as number) * (e[i - lag] as number);
  return s0 > 1e-300 ? sk / s0 : NaN;
}

/**
 * Residuals clipped at ±2.5 robust standard deviations (1.4826·median |e|): a few heavy-tailed
 * outliers would otherwise dominate the sample autocorrelations and hide a persistent component.
 */
export function winsorize(e: readonly number[]): number[] {
  if (e.length < 3) return [...e];
  const abs = e.map(Math.abs).sort((a, b) => a - b);
  const mid = abs.length >> 1;
  const mad = abs.length % 2 ? (abs[mid] as number) : ((abs[mid - 1] as number) + (abs[mid] as number)) / 2;
  const c = 2.5 * 1.4826 * mad;
  if (!(c > 0)) return [...e];
  return e.map((v) => Math.max(-c, Math.min(c, v)));
}

/** Effective share of a series' values, 1 / (1 + 2ρ1/(1−φ)), with ρ1 and φ shrunk to the prior. */
export function effectiveShare(
  xs: readonly number[],
  p: DependenceV2Params = DEFAULT_DEPENDENCE_V2,
  /** Also bound by the Newey–West sum (location tests; sign tests of rare events use lags 1–2 only). */
  slow = true,
): number {
  const e = winsorize(detrend(xs));
  const m = Math.max(0, e.length - 1);
  // Sample autocorrelations of short detrended series are biased low by about (1 + 4ρ)/n
  // (Marriott & Pope 1954, for the mean-corrected AR(1) case); add it back.
  const n = Math.max(1, e.length);
  const unbias = (r: number): number => (Number.isFinite(r) ? r + (1 + 4 * Math.max(0, r)) / n : r);
  const r1 = unbias(autocorrelation(e, 1));
  const r2 = unbias(autocorrelation(e, 2));
  const shrink = (est: number, prior: number): number =>
    (m * (Number.isFinite(est) ? est : prior) + p.priorWeight * prior) / (m + p.priorWeight);
  const rho1 = Math.min(0.95, Math.max(0, shrink(r1, p.priorRho1)));
  const rawPhi = Number.isFinite(r1) && Number.isFinite(r2) && r1 > 0.05 ? r2 / r1 : p.priorPhi;
  const phi = Math.min(0.95, Math.max(rho1, shrink(Math.max(0, rawPhi), p.priorPhi)));
  const arma = 1 + (2 * rho1) / (1 - phi);
  const corr = 1 + p.boost / Math.sqrt(n);
  if (!slow) return 1 / Math.min(p.maxInflation, arma * corr);
  // A slow excursion spread over many lags barely shows at lags 1 and 2; the Bartlett-window sum of
  // the first √n autocorrelations (Newey & West 1987) sees it. The larger of the two is used.
  const lags = Math.ceil(Math.sqrt(e.length));
  let nw = 1;
  for (let k = 1; k <= lags; k++) {
    const r = autocorrelation(e, k);
    if (Number.isFinite(r)) nw += 2 * (1 - k / (lags + 1)) * unbias(r);
  }
  const prior = 1 + (2 * p.priorRho1) / (1 - p.priorPhi);
  const nwShrunk = (m * Math.max(1, nw) + p.priorWeight * prior) / (m + p.priorWeight);
  const inflation = Math.min(p.maxInflation, Math.max(arma, nwShrunk) * corr);
  return 1 / inflation;
}
