// Student's t upper tail and quantile, for z-tests whose variance is estimated from few effective values.
import { lnIncompleteBeta } from "../sequential/special-functions";

/** ln P(T > t) for T ~ Student t with `df` > 0 degrees of freedom (R: `pt(t, df, lower.tail = FALSE, log.p = TRUE)`). */
export function lnStudentUpperTail(t: number, df: number): number {
  // P(|T| > |t|) = I_{df/(df+t²)}(df/2, ½).
  const x = df / (df + t * t);
  const lnTwoSided = lnIncompleteBeta(x, df / 2, 0.5);
  if (t >= 0) return lnTwoSided - Math.LN2;
  return Math.log1p(-Math.exp(lnTwoSided) / 2);
}

/** The t quantile q with P(T > q) = p, 0 < p < ½ (bisection on the tail). */
export function studentUpperQuantile(p: number, df: number): number {
  const target = Math.log(p);
  let lo = 0;
  let hi = 1;
  while (lnStudentUpperTail(hi, df) > target && hi < 1e12) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (lnStudentUpperTail(mid, df) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
