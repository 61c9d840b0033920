// Golden values for the sequential judge's statistics, from base R (test/fixtures/sequential/golden.R).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  countLogE,
  countDispersion,
  evaluateCount,
  type CountSegment,
} from "../../src/judge/sequential/count-test";
import { addToLagSums, detrendedLag1, emptyLagSums } from "../../src/judge/sequential/dependence";
import { betaBinomialLogE, signOneSidedLogE, signTwoSidedLogE } from "../../src/judge/sequential/e-values";
import { normalMixtureLogE, normalMixtureRadius } from "../../src/judge/sequential/normal-mixture";
import { locationMoments } from "../../src/judge/sequential/paired-test";
import {
  lnBeta,
  lnGamma,
  lnIncompleteBeta,
  lnIncompleteBetaUpper,
} from "../../src/judge/sequential/special-functions";

type Num = number | "Infinity" | "-Infinity";
interface Golden {
  lnGamma: Array<{ x: number; lnGamma: number }>;
  lnBeta: Array<{ a: number; b: number; lnBeta: number }>;
  incompleteBeta: Array<{ x: number; a: number; b: number; lnLower: number; lnUpper: number }>;
  betaBinomial: Array<{ nc: number; nb: number; theta0: number; ac: number; ab: number; logE: number }>;
  sign: Array<{ wins: number; losses: number; a: number; oneSided: number; twoSided: number }>;
  count: Array<{
    segments: CountSegment[];
    alpha: number;
    tolerance: number;
    dispersion: number;
    estimate: number;
    lower: number;
    upper: number;
    logEUp: number;
    logEDown: number;
    logEAtZero: number;
  }>;
  normalMixture: Array<{ s: number; n: number; m: number; oneSided: number; twoSided: number }>;
  normalMixtureRadius: Array<{ n: number; sd: number; alpha: number; m: number; radius: Num }>;
  detrended: { series: number[]; lag1: number; mean: number; sd: number };
}

const golden = JSON.parse(
  readFileSync(join(__dirname, "../fixtures/sequential/golden.json"), "utf8"),
) as Golden;

/** |a − b| ≤ tol·max(1, |b|). */
function close(actual: number, expected: number, tol: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

describe("special functions against R", () => {
  it.each(golden.lnGamma)("lnGamma($x) = lgamma", ({ x, lnGamma: want }) => close(lnGamma(x), want, 1e-12));
  it.each(golden.lnBeta)("lnBeta($a, $b) = lbeta", ({ a, b, lnBeta: want }) =>
    close(lnBeta(a, b), want, 1e-12),
  );
  it.each(golden.incompleteBeta)("ln I_$x($a, $b) = pbeta(log.p = TRUE)", ({ x, a, b, lnLower, lnUpper }) => {
    close(lnIncompleteBeta(x, a, b), lnLower, 1e-10);
    close(lnIncompleteBetaUpper(x, a, b), lnUpper, 1e-10);
  });
  it("meets the published identities Γ(½) = √π and B(½, ½) = π", () => {
    close(lnGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
    close(lnBeta(0.5, 0.5), Math.log(Math.PI), 1e-14);
  });
});

describe("e-values against R", () => {
  it.each(golden.betaBinomial)("Beta-binomial ln BF for $nc vs $nb at θ0 = $theta0", (c) =>
    close(betaBinomialLogE(c.nc, c.nb, c.theta0, c.ac, c.ab), c.logE, 1e-10),
  );
  it.each(golden.sign)("sign e-values for $wins wins, $losses losses", (c) => {
    close(signOneSidedLogE(c.wins, c.losses, c.a), c.oneSided, 1e-10);
    close(signTwoSidedLogE(c.wins, c.losses, c.a), c.twoSided, 1e-10);
  });
  it.each(golden.normalMixture)("normal mixture ln E for S = $s, n = $n", (c) => {
    close(normalMixtureLogE(c.s, c.n, c.m, true), c.oneSided, 1e-6);
    close(normalMixtureLogE(c.s, c.n, c.m, false), c.twoSided, 1e-12);
  });
  it.each(golden.normalMixtureRadius)("normal mixture radius at n = $n", (c) =>
    close(normalMixtureRadius(c.n, c.sd, c.alpha, c.m), Number(c.radius), 1e-12),
  );
  it("puts the two-sided e-value at exactly 1/α on the radius (Robbins' boundary)", () => {
    const n = 12;
    const m = 5;
    const alpha = 0.01;
    const s = n * normalMixtureRadius(n, 1, alpha, m);
    close(normalMixtureLogE(s, n, m, false), Math.log(1 / alpha), 1e-12);
  });
  it("gives a Beta-binomial e-value of 1 before any event (Ville: E_0 = 1)", () => {
    expect(betaBinomialLogE(0, 0, 0.3, 0.6, 1.4)).toBe(0);
    expect(signOneSidedLogE(0, 0, 1)).toBeCloseTo(0, 12);
  });
});

describe("count test against R", () => {
  it.each(golden.count.map((c, i) => ({ ...c, i })))(
    "case $i: dispersion, estimate, bounds, e-values",
    (c) => {
      const state = { segments: c.segments };
      close(countDispersion(state), c.dispersion, 1e-12);
      close(countLogE(state, 0, c.dispersion), c.logEAtZero, 1e-10);
      const ev = evaluateCount(state, c.alpha, c.tolerance);
      close(ev.estimate, c.estimate, 1e-8);
      close(ev.lower, c.lower, 1e-7);
      close(ev.upper, c.upper, 1e-7);
      close(ev.logEUp, c.logEUp, 1e-8);
      close(ev.logEDown, c.logEDown, 1e-8);
    },
  );
});

describe("dependence and plug-in variance against R", () => {
  it("matches lm() residuals' lag-1 autocorrelation and the χ²-bounded sd", () => {
    const sums = golden.detrended.series.reduce(addToLagSums, emptyLagSums());
    close(detrendedLag1(sums), golden.detrended.lag1, 1e-9);
    const m = locationMoments(sums);
    close(m.mean, golden.detrended.mean, 1e-12);
    close(m.sd, golden.detrended.sd, 1e-9);
  });
});
