// Golden values for coalmine-sequential-v2's statistics, from scipy/numpy (test/fixtures/sequential-v2/golden.py).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { signOneSidedLogE } from "../../src/judge/sequential/e-values";
import {
  autocorrelation,
  detrend,
  effectiveShare,
  winsorize,
} from "../../src/judge/sequential-v2/long-run-variance";
import { boundaries, nominalLevel, spent } from "../../src/judge/sequential-v2/group-sequential";
import { signShareLogE, toleranceShare } from "../../src/judge/sequential-v2/sign-test";
import { lnStudentUpperTail, studentUpperQuantile } from "../../src/judge/sequential-v2/student-t";

interface Golden {
  signShareLogE: Array<{ wins: number; losses: number; p0: number; a: number; logE: number }>;
  studentTail: Array<{ t: number; df: number; lnUpper: number }>;
  studentQuantile: Array<{ p: number; df: number; q: number }>;
  effectiveShare: Array<{
    name: string;
    values: number[];
    r1: number;
    r2: number;
    share: number;
    shareShortLags: number;
  }>;
  groupSequential: Array<{ alpha: number; looks: number; gamma: number; boundaries: number[] }>;
}

const golden = JSON.parse(
  readFileSync(join(__dirname, "../fixtures/sequential-v2/golden.json"), "utf8"),
) as Golden;

describe("sign e-value against a share p0 (scipy quadrature)", () => {
  it.each(golden.signShareLogE)("w=$wins l=$losses p0=$p0 a=$a", ({ wins, losses, p0, a, logE }) => {
    expect(signShareLogE(wins, losses, p0, a)).toBeCloseTo(logE, 7);
  });

  it("is v1's one-sided sign e-value at p0 = ½", () => {
    expect(signShareLogE(12, 3, 0.5, 1)).toBeCloseTo(signOneSidedLogE(12, 3, 1), 10);
  });

  it("a tolerance of 2 % moves the null share to 1.02/2.02", () => {
    expect(toleranceShare(0.02)).toBeCloseTo(1.02 / 2.02, 15);
  });
});

describe("Student t (scipy.stats.t)", () => {
  it.each(golden.studentTail)("ln P(T > $t), df $df", ({ t, df, lnUpper }) => {
    expect(lnStudentUpperTail(t, df)).toBeCloseTo(lnUpper, 9);
  });
  it.each(golden.studentQuantile)("upper quantile p=$p, df $df", ({ p, df, q }) => {
    expect(studentUpperQuantile(p, df)).toBeCloseTo(q, 6);
  });
});

describe("long-run variance share (numpy)", () => {
  it.each(golden.effectiveShare)("$name", ({ values, r1, r2, share, shareShortLags }) => {
    const e = winsorize(detrend(values));
    const n = values.length;
    const unbias = (r: number): number => r + (1 + 4 * Math.max(0, r)) / n;
    expect(unbias(autocorrelation(e, 1))).toBeCloseTo(r1, 9);
    expect(unbias(autocorrelation(e, 2))).toBeCloseTo(r2, 9);
    expect(effectiveShare(values)).toBeCloseTo(share, 9);
    expect(effectiveShare(values, undefined, false)).toBeCloseTo(shareShortLags, 9);
  });

  it("assumes strong dependence while a stage has few values", () => {
    expect(effectiveShare([1, -1, 1])).toBeLessThan(0.25);
  });
});

describe("group-sequential boundaries (scipy multivariate normal)", () => {
  it.each(golden.groupSequential)(
    "α=$alpha, $looks looks, γ=$gamma",
    ({ alpha, looks, gamma, boundaries: c }) => {
      const ours = boundaries(alpha, looks, gamma);
      expect(ours).toHaveLength(c.length);
      // scipy's quasi-Monte Carlo distribution function is good to about 1e-7 in probability, 3e-4 in z.
      ours.forEach((b, j) => expect(b).toBeCloseTo(c[j]!, 3));
    },
  );

  it("spends α by the Hwang–Shih–DeCani function, all of it at the last planned look", () => {
    expect(spent(0.01, 1, -2)).toBeCloseTo(0.01, 15);
    expect(spent(0.01, 0.5, 0)).toBeCloseTo(0.005, 15);
    // γ < 0 keeps α for later looks, γ > 0 spends it early.
    expect(spent(0.01, 0.5, -2)).toBeLessThan(0.005);
    expect(spent(0.01, 0.5, 1)).toBeGreaterThan(0.005);
  });

  it("needs less per look than Bonferroni, and keeps a reserve for unplanned looks", () => {
    // Correlated looks: the last of 12 looks is tested at far more than α/12.
    expect(nominalLevel(0.01, 12, 12, 0, 0)).toBeGreaterThan(0.01 / 12);
    const extras = Array.from({ length: 40 }, (_, i) => nominalLevel(0.01, 13 + i, 12, 0, 0.05));
    expect(extras.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(0.01 * 0.05 + 1e-15);
  });
});
