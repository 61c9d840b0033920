// One-sided sign e-process against a share p0 ≥ ½: the tested side wins a discordant instant with probability ≤ p0 under the null.
import { lnBeta, lnIncompleteBetaUpper } from "../sequential/special-functions";

/**
 * ln E for `wins` and `losses` under H0: P(win | discordant, past) ≤ p0, mixing the likelihood ratio
 * (p/p0)^wins·((1−p)/(1−p0))^losses over p ~ Beta(a, a) truncated to [p0, 1]:
 *
 *   E = B(a+w, a+l)·(1 − I_p0(a+w, a+l)) / ( B(a, a)·(1 − I_p0(a, a))·p0^w·(1−p0)^l ).
 *
 * For a null share p' ≤ p0 and any p ≥ p0, E_p'[(p/p0)^X((1−p)/(1−p0))^(1−X)] = p'p/p0 + (1−p')(1−p)/(1−p0)
 * increases in p' and equals 1 at p' = p0, so each factor has mean ≤ 1 and the mixture is a test
 * supermartingale for the whole composite null (Ville's inequality gives P(sup E ≥ 1/α) ≤ α).
 * With p0 = ½ it is `signOneSidedLogE` of v1. Counts may be fractional (effective counts).
 * Golden values: test/fixtures/sequential-v2/golden.py (scipy quadrature of the same integral).
 */
export function signShareLogE(wins: number, losses: number, p0: number, a: number): number {
  if (wins <= 0 && losses <= 0) return 0;
  const lr = (wins > 0 ? -wins * Math.log(p0) : 0) + (losses > 0 ? -losses * Math.log1p(-p0) : 0);
  return (
    lr +
    lnBeta(a + wins, a + losses) -
    lnBeta(a, a) +
    lnIncompleteBetaUpper(p0, a + wins, a + losses) -
    lnIncompleteBetaUpper(p0, a, a)
  );
}

/** The null share for a tolerance: the tested side may be ahead by the factor 1 + tol in odds. */
export function toleranceShare(tolerance: number): number {
  const k = 1 + tolerance;
  return k / (1 + k);
}
