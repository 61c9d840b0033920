// Lag-1 autocorrelation of a series around its linear trend, from running sums; the effective-sample factor.
//
// For an AR(1) series the variance of a mean is inflated by (1+ρ)/(1−ρ), so n observations carry
// about n·(1−ρ)/(1+ρ) independent ones (Bartlett 1946; Box, Jenkins & Reinsel, Time Series Analysis,
// §2.1.6). The trend is removed first so that a leak (a ramp) is not mistaken for autocorrelation.

/** Running sums over the series d_1..d_n (index i = 1..n). */
export interface LagSums {
  n: number;
  sd: number;
  /** Σ i·d_i */
  std: number;
  sdd: number;
  /** Σ d_i·d_{i−1} */
  suv: number;
  first: number;
  last: number;
}

export function emptyLagSums(): LagSums {
  return { n: 0, sd: 0, std: 0, sdd: 0, suv: 0, first: 0, last: 0 };
}

export function addToLagSums(s: LagSums, d: number): LagSums {
  const n = s.n + 1;
  return {
    n,
    sd: s.sd + d,
    std: s.std + n * d,
    sdd: s.sdd + d * d,
    suv: s.n > 0 ? s.suv + d * s.last : s.suv,
    first: s.n === 0 ? d : s.first,
    last: d,
  };
}

/** Lag-1 autocorrelation of the residuals of the least-squares line d ≈ a + b·i (NaN when undefined). */
export function detrendedLag1(s: LagSums): number {
  const n = s.n;
  if (n < 4) return NaN;
  const st = (n * (n + 1)) / 2;
  const stt = (n * (n + 1) * (2 * n + 1)) / 6;
  const det = n * stt - st * st;
  const b = (n * s.std - st * s.sd) / det;
  const a = (s.sd - b * st) / n;
  // Σ e_i² = Σ d² − a Σ d − b Σ i d (normal equations).
  const see = s.sdd - a * s.sd - b * s.std;
  if (!(see > 1e-12 * Math.max(1, s.sdd))) return NaN;
  // Lag pairs i = 2..n: u_i = d_i, v_i = d_{i−1}; expand Σ (u − a − b i)(v − a − b(i−1)).
  const m = n - 1;
  const su = s.sd - s.first;
  const stu = s.std - s.first;
  const sv = s.sd - s.last;
  const stv = s.std - n * s.last + (s.sd - s.last); // Σ_{j=1}^{n−1} (j+1)·d_j
  const sumI = (n * (n + 1)) / 2 - 1; // Σ_{i=2}^{n} i
  const sumIm1 = sumI - m; // Σ (i−1)
  const sumIIm1 = stt - 1 - sumI; // Σ i(i−1) = Σ i² − Σ i over i = 2..n
  const sef =
    s.suv -
    a * su -
    b * (stu - su) -
    a * sv +
    a * a * m +
    a * b * sumIm1 -
    b * stv +
    a * b * sumI +
    b * b * sumIIm1;
  return sef / see;
}

export interface DependenceParams {
  /** Prior autocorrelation and its weight in lag pairs: ρ̃ = (m·ρ̂ + w·ρ0) / (m + w). */
  priorRho: number;
  priorWeight: number;
  maxRho: number;
}

export const DEFAULT_DEPENDENCE_PARAMS: DependenceParams = { priorRho: 0.6, priorWeight: 10, maxRho: 0.9 };

/** Effective-sample factor (1−ρ̃)/(1+ρ̃) with ρ̃ the shrunk, clamped detrended lag-1 autocorrelation. */
export function effectiveSampleFactor(
  s: LagSums,
  params: DependenceParams = DEFAULT_DEPENDENCE_PARAMS,
): number {
  const raw = detrendedLag1(s);
  const m = Math.max(0, s.n - 1);
  const est = Number.isFinite(raw) ? raw : params.priorRho;
  const rho = Math.min(
    params.maxRho,
    Math.max(0, (m * est + params.priorWeight * params.priorRho) / (m + params.priorWeight)),
  );
  return (1 - rho) / (1 + rho);
}
