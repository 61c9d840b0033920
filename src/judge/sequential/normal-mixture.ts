// Robbins' normal-mixture e-process and boundary for a standardized sum (Robbins 1970; Howard et al. 2021, Ann. Stat. eq. (14)).

/** ln Φ(x), accurate in the far left tail (continued fraction / asymptotic series below −5). */
export function lnNormalCdf(x: number): number {
  if (x > -5) return Math.log(normalCdf(x));
  // Mills ratio asymptotic: Φ(x) ≈ φ(x)/|x| · (1 − 1/x² + 3/x⁴ − 15/x⁶).
  const x2 = x * x;
  return (
    -x2 / 2 -
    0.5 * Math.log(2 * Math.PI) -
    Math.log(-x) +
    Math.log(1 - 1 / x2 + 3 / (x2 * x2) - 15 / (x2 * x2 * x2))
  );
}

/** Φ(x) via erfc (W. J. Cody's rational approximations are overkill here; Numerical Recipes erfcc, |ε| < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r / 2 : r / 2;
}

/**
 * ln E for S = Σ (x_i − μ0)/σ over n (effective) observations, mixing exp(λS − λ²n/2) over
 * λ ~ N(0, 1/m): E = sqrt(m/(n+m)) · exp(S²/(2(n+m))). One-sided (λ ≥ 0, half-normal mixing):
 * E = 2·sqrt(m/(n+m)) · exp(S²/(2(n+m))) · Φ(S/sqrt(n+m)), a supermartingale for every μ ≤ μ0.
 */
export function normalMixtureLogE(s: number, n: number, m: number, oneSided: boolean): number {
  const base = 0.5 * Math.log(m / (n + m)) + (s * s) / (2 * (n + m));
  return oneSided ? Math.LN2 + base + lnNormalCdf(s / Math.sqrt(n + m)) : base;
}

/**
 * Radius of the two-sided normal-mixture confidence sequence for a mean after n (effective)
 * observations with standard deviation σ, at level 1 − α: σ·sqrt((n+m)(2 ln(1/α) + ln((n+m)/m)))/n
 * (the set of μ0 where the two-sided E stays below 1/α).
 */
export function normalMixtureRadius(n: number, sd: number, alpha: number, m: number): number {
  return (sd * Math.sqrt((n + m) * (2 * Math.log(1 / alpha) + Math.log((n + m) / m)))) / n;
}
