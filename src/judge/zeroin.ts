// Brent's root finder in the "zeroin" form R's `uniroot` uses (same steps, so the same iterates as R).

/*
 * R. P. Brent, "Algorithms for Minimization without Derivatives" (1973), ch. 4; the zeroin form
 * of R's src/library/stats/src/zeroin.c (`R_zeroin2`), which `uniroot` calls with f(lower) and
 * f(upper) already known. Following the same sequence of bisection, secant and inverse quadratic
 * interpolation steps matters for step functions such as the Wilcoxon statistic: where f is exactly
 * 0 on a plateau, the root returned is the first iterate that lands on it.
 *
 * Unlike Kayenta's BrentSolver (absolute tolerance 1e-4), callers pass a tolerance scaled to their
 * data (see mann-whitney.ts), and may pass `exactRoot`, asked at each step for the root given the
 * bracket [b, c] (for a step function: the single jump left inside it).
 */

export interface ZeroinResult {
  root: number;
  /** Function evaluations used (0 when an end point is already a root). */
  iterations: number;
  /** False when `maxIterations` ran out; `root` is then the last iterate (as R, which only warns). */
  converged: boolean;
}

export function zeroin(
  f: (x: number) => number,
  lower: number,
  upper: number,
  fLower: number,
  fUpper: number,
  tolerance: number,
  maxIterations = 1000,
  exactRoot?: (b: number, c: number) => number | undefined,
): ZeroinResult {
  let a = lower;
  let b = upper;
  let fa = fLower;
  let fb = fUpper;
  let c = a;
  let fc = fa;
  if (fa === 0) return { root: a, iterations: 0, converged: true };
  if (fb === 0) return { root: b, iterations: 0, converged: true };

  for (let iteration = 0; iteration <= maxIterations; iteration++) {
    const previousStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      // Make b the best approximation so far.
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tolAct = 2 * Number.EPSILON * Math.abs(b) + tolerance / 2;
    let newStep = (c - b) / 2;
    if (Math.abs(newStep) <= tolAct || fb === 0) {
      return { root: b, iterations: iteration, converged: true };
    }
    // A caller that can tell the root exactly from the bracket (a step function with one jump left
    // between b and c) ends the search early; the path up to here is R's.
    const exact = exactRoot?.(b, c);
    if (exact !== undefined) return { root: exact, iterations: iteration, converged: true };
    if (Math.abs(previousStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      // Interpolation may be tried: secant with two points, inverse quadratic with three.
      const cb = c - b;
      let p: number;
      let q: number;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {
        const qa = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1.0));
        q = (qa - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((previousStep * q) / 2)) {
        newStep = p / q;
      }
    }
    if (Math.abs(newStep) < tolAct) newStep = newStep > 0 ? tolAct : -tolAct;
    a = b;
    fa = fb;
    b += newStep;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      // Keep c on the other side of the root from b.
      c = a;
      fc = fa;
    }
  }
  return { root: b, iterations: maxIterations, converged: false };
}
