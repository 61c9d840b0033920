// The bracketed rank sum (rank-sum.ts) gives exactly the merge walk's values, wherever a root search takes it.
import { describe, expect, it } from "vitest";
import { BracketedRankSum, shiftedRankSumRuns, sortedCopy, sortedRuns } from "../../src/judge/rank-sum";

function uniforms(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

/** Samples of the shapes metrics have: continuous, small counts (ties), mostly zeros, huge values ±1. */
const shapes: Record<string, (u: () => number) => number> = {
  continuous: (u) => u() + u() - 1,
  counts: (u) => Math.floor(u() * 8),
  "mostly zeros": (u) => (u() < 0.8 ? 0 : u() * 3),
  "quarters (ties after shifting)": (u) => Math.round((u() - 0.5) * 40) / 4,
  // x − d rounds neighbouring x values together: the merge walk's tie groups, not the bracketed sums.
  "1e16 + even integers": (u) => 1e16 + 2 * Math.floor(u() * 30),
};

describe("BracketedRankSum", () => {
  for (const [shape, draw] of Object.entries(shapes)) {
    it(`equals shiftedRankSumRuns at every shift of a bisection and at shifts outside the bracket (${shape})`, () => {
      const u = uniforms(shape.length * 7919);
      for (let round = 0; round < 20; round++) {
        const nx = 1 + Math.floor(u() * 200);
        const ny = 1 + Math.floor(u() * 200);
        const x = sortedRuns(sortedCopy(Array.from({ length: nx }, () => draw(u))));
        const y = sortedRuns(sortedCopy(Array.from({ length: ny }, () => draw(u))));
        const lo = (x.values[0] as number) - (y.values[y.values.length - 1] as number);
        const hi = (x.values[x.values.length - 1] as number) - (y.values[0] as number);
        const bracketed = new BracketedRankSum(x, y);
        bracketed.reset(lo, hi);
        const ends = [lo, hi].map((d) => {
          const r = shiftedRankSumRuns(x, y, d);
          return [r.rankSumX, r.tieTerm];
        });
        expect([bracketed.startValues?.lo, bracketed.startValues?.hi]).toEqual(ends);
        // A root somewhere inside; bisect towards it, narrowing by which side it is on, as zeroin does.
        const root = lo + u() * (hi - lo);
        let a = lo;
        let b = hi;
        const check = (d: number): void => {
          bracketed.evaluate(d);
          const expected = shiftedRankSumRuns(x, y, d);
          expect([bracketed.rankSumX, bracketed.tieTerm], `d = ${d}`).toEqual([
            expected.rankSumX,
            expected.tieTerm,
          ]);
        };
        for (let step = 0; step < 60 && a < b; step++) {
          // Pairwise differences are where ties with y appear: land on one now and then.
          const d =
            step % 5 === 4
              ? (x.values[step % x.values.length] as number) - (y.values[0] as number)
              : (a + b) / 2;
          check(d);
          if (d >= a && d <= b) {
            const rootAbove = d < root;
            bracketed.narrow(d, rootAbove);
            if (rootAbove) a = d;
            else b = d;
          }
          check(lo - 1 - step); // outside: the merge walk itself
        }
      }
    });
  }

  it("answers singleDifferenceIn only for its own bracket", () => {
    const x = sortedRuns(sortedCopy([1, 2, 3]));
    const y = sortedRuns(sortedCopy([0.5, 1.5]));
    const bracketed = new BracketedRankSum(x, y);
    bracketed.reset(-0.5, 2.5);
    expect(bracketed.singleDifferenceIn(-0.5, 2.5)).toBeUndefined(); // several differences
    expect(bracketed.singleDifferenceIn(0, 1)).toBeNull(); // not its bracket
    bracketed.evaluate(1.2);
    bracketed.narrow(1.2, true);
    bracketed.evaluate(1.7);
    bracketed.narrow(1.7, false);
    expect(bracketed.singleDifferenceIn(1.2, 1.7)).toBe(1.5); // 2 − 0.5 and 3 − 1.5
  });
});
