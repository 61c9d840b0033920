// Golden vectors: mann-whitney.ts against R's wilcox.test (test/fixtures/mann-whitney/generate.R → cases.json).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MannWhitneyError, mannWhitney } from "../../src/judge/mann-whitney";
import { pnorm, qnorm } from "../../src/judge/normal-distribution";

interface GenSpec {
  n: number;
  seed: number;
  kind: "uniform" | "normal4" | "int" | "zeroinf" | "constant";
  scale: number;
  offset: number;
  k?: number;
  p0?: number;
}
interface GoldenCase {
  name: string;
  level: number;
  tol: number;
  check: { n: number[]; sum: number[]; first: number[]; last: number[] };
  x: number[] | GenSpec;
  y: number[] | GenSpec;
  r?: { confInt: [number, number]; estimate: number; pValue: number; statistic: number; confLevel: number };
  error?: string;
  warnings: string[];
}
interface Golden {
  rVersion: string;
  relativeTolerance: number;
  normal: { qnorm: { p: number[]; q: number[] }; pnorm: { x: number[]; p: number[] } };
  cases: GoldenCase[];
}

const golden = JSON.parse(
  readFileSync(join(__dirname, "../fixtures/mann-whitney/cases.json"), "utf8"),
) as Golden;

/** The generator of generate.R, operation for operation (MINSTD; only +, *, floor). */
function generate(spec: GenSpec): number[] {
  const M = 2147483647;
  let s = spec.seed;
  const nextu = (): number => {
    s = (s * 48271) % M;
    return s / M;
  };
  const out: number[] = [];
  for (let i = 0; i < spec.n; i++) {
    switch (spec.kind) {
      case "uniform":
        out.push(spec.offset + spec.scale * nextu());
        break;
      case "normal4": {
        const u = nextu() + nextu() + nextu() + nextu();
        out.push(spec.offset + spec.scale * (u - 2));
        break;
      }
      case "int":
        out.push(spec.offset + spec.scale * Math.floor(nextu() * (spec.k ?? 1)));
        break;
      case "zeroinf": {
        const u = nextu();
        out.push(u < (spec.p0 ?? 0) ? 0 : spec.offset + spec.scale * nextu());
        break;
      }
      case "constant":
        out.push(spec.offset);
        break;
    }
  }
  return out;
}
const sample = (s: number[] | GenSpec): number[] => (Array.isArray(s) ? s : generate(s));

/** |a − b| ≤ 1e-6·|b|, or ≤ 1e-9 absolute near 0. */
function expectClose(actual: number, expected: number, what: string): void {
  const ok = Math.abs(actual - expected) <= Math.max(1e-6 * Math.abs(expected), 1e-9);
  expect(ok, `${what}: got ${actual}, R ${expected}`).toBe(true);
}

describe("normal distribution against R", () => {
  it("qnorm matches R to 1e-15 relative", () => {
    golden.normal.qnorm.p.forEach((p, i) => {
      const q = golden.normal.qnorm.q[i]!;
      expect(Math.abs(qnorm(p) - q)).toBeLessThanOrEqual(1e-15 * Math.abs(q));
    });
  });
  it("pnorm matches R to 1e-14 relative, tails included", () => {
    golden.normal.pnorm.x.forEach((x, i) => {
      const p = golden.normal.pnorm.p[i]!;
      expect(Math.abs(pnorm(x) - p)).toBeLessThanOrEqual(1e-14 * Math.abs(p));
    });
  });
});

describe(`mann-whitney against ${golden.rVersion}`, () => {
  it("the fixture holds the cases the issue asks for", () => {
    const sizes = golden.cases.flatMap((c) => c.check.n);
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBe(5000);
    expect(golden.cases.length).toBeGreaterThan(50);
  });

  for (const c of golden.cases) {
    it(c.name, () => {
      const x = sample(c.x);
      const y = sample(c.y);
      // The generator reproduced R's data exactly.
      expect([x.length, y.length]).toEqual(c.check.n);
      expect([x[0], y[0], x[x.length - 1], y[y.length - 1]]).toEqual([
        c.check.first[0],
        c.check.first[1],
        c.check.last[0],
        c.check.last[1],
      ]);
      if (c.error !== undefined) {
        // R fails on NaN once every observation is tied at the only possible shift; we throw a typed error.
        expect(c.warnings).toContain("cannot compute confidence interval when all observations are tied");
        expect(() => mannWhitney(x, y, { confidenceLevel: c.level })).toThrow(MannWhitneyError);
        return;
      }
      const r = c.r!;
      const ours = mannWhitney(x, y, { confidenceLevel: c.level });
      expect(ours.tolerance).toBe(c.tol);
      expectClose(ours.confidenceInterval.lower, r.confInt[0], "lower");
      expectClose(ours.confidenceInterval.upper, r.confInt[1], "upper");
      expectClose(ours.estimate, r.estimate, "estimate");
      expect(Math.abs(ours.pValue - r.pValue)).toBeLessThanOrEqual(1e-9);
      expect(ours.statistic).toBe(r.statistic);
      expect(ours.confidenceInterval.level).toBe(r.confLevel);
    });
  }
});
