// Mixture e-values for count splits and signs (Lindon & Malek 2022 Beta/Dirichlet-binomial; Howard & Ramdas 2022 §3).
import { lnBeta, lnIncompleteBetaUpper } from "./special-functions";

/**
 * ln of the Beta-binomial Bayes factor for `nc` canary and `nb` baseline events against the null
 * share θ0, with prior Beta(ac, ab) on the canary's share (Lindon & Malek, arXiv 2011.03567, eq. for
 * the multinomial with two cells; R: lbeta(ac+nc, ab+nb) - lbeta(ac, ab) - nc*log(θ0) - nb*log(1-θ0)).
 * Counts may be fractional (dispersion-tempered).
 */
export function betaBinomialLogE(nc: number, nb: number, theta0: number, ac: number, ab: number): number {
  const lc = nc > 0 ? nc * Math.log(theta0) : 0;
  const lb = nb > 0 ? nb * Math.log1p(-theta0) : 0;
  return lnBeta(ac + nc, ab + nb) - lnBeta(ac, ab) - lc - lb;
}

/**
 * ln e-value of a two-sided sign test: `wins` and `losses` against p = ½ with a symmetric Beta(a, a)
 * mixture, the Beta-binomial boundary Howard & Ramdas use for quantile confidence sequences
 * (Bernoulli 28(3) 2022, Thm 1 with the beta-binomial mixture of Howard et al. 2021 §3.2).
 */
export function signTwoSidedLogE(wins: number, losses: number, a: number): number {
  return (wins + losses) * Math.LN2 + lnBeta(a + wins, a + losses) - lnBeta(a, a);
}

/**
 * ln e-value of a one-sided sign test, H0: P(win) ≤ ½. The Beta(a, a) mixing density is truncated
 * to p ∈ [½, 1] (density 2·beta(p; a, a)); for every null p0 ≤ ½ and p ≥ ½,
 * E[(2p)^X (2(1−p))^(1−X)] = 2(1−p) + 2p0(2p−1) ≤ 1, so the mixture is a test supermartingale
 * for the whole composite null (Ville's inequality then gives anytime validity).
 */
export function signOneSidedLogE(wins: number, losses: number, a: number): number {
  return (
    (wins + losses + 1) * Math.LN2 +
    lnBeta(a + wins, a + losses) -
    lnBeta(a, a) +
    lnIncompleteBetaUpper(0.5, a + wins, a + losses)
  );
}
