// One-sided group-sequential boundaries from an α-spending function (Lan & DeMets 1983), computed by
// the recursive numerical integration of Armitage, McPherson & Rowe (1969).
//
// A test statistic observed at planned looks j = 1..L with information fractions t_j = j/L behaves, under
// the null, like Z_j = B(t_j)/√t_j for a Brownian motion B: the looks are correlated (corr √(t_i/t_j)),
// so spending α over them costs far less than Bonferroni's α/L at each. The boundary c_j is the
// value with P(Z_1 < c_1, …, Z_{j−1} < c_{j−1}, Z_j ≥ c_j) = f(t_j) − f(t_{j−1}), f the spending
// function (Hwang, Shih & DeCani 1990: f(t) = α(1 − e^(−γt))/(1 − e^(−γ)); γ = 0 spends in proportion
// to t, γ < 0 saves α for later looks as O'Brien–Fleming does). docs/adr/0006-sequential-judge-v2.md
// says why the location test uses it; golden values: test/fixtures/sequential-v2/group_sequential.py.
import { normalTails, qnorm } from "../normal-distribution";

const upper = (z: number): number => normalTails(z).upper;

/** Cumulative α spent by information fraction t (0 ≤ t ≤ 1) with the Hwang–Shih–DeCani family. */
export function spent(alpha: number, t: number, gamma: number): number {
  const x = Math.min(1, Math.max(0, t));
  if (Math.abs(gamma) < 1e-9) return alpha * x;
  return (alpha * -Math.expm1(-gamma * x)) / -Math.expm1(-gamma);
}

const GRID = 301;
const LOW = -9;

/**
 * Boundaries c_1..c_L (on the Z scale) for L equally spaced looks, one-sided α. A look whose share is
 * too small to compute (under 1e-300) gets +∞.
 */
function compute(alpha: number, looks: number, gamma: number): number[] {
  const out: number[] = [];
  // Density of S_j = √t_j·Z_j on a grid over the continuation region, carried from look to look.
  let xs: number[] = [];
  let dens: number[] = [];
  let prevT = 0;
  for (let j = 1; j <= looks; j++) {
    const t = j / looks;
    const inc = spent(alpha, t, gamma) - spent(alpha, prevT, gamma);
    const sd = Math.sqrt(t - prevT);
    let c: number;
    if (j === 1) {
      c = inc > 1e-300 ? qnorm(1 - inc) : Infinity;
    } else {
      // P(continued so far and S_j ≥ c√t) as a function of c, decreasing: bisection.
      const cross = (cz: number): number => {
        const edge = cz * Math.sqrt(t);
        let acc = 0;
        for (let i = 0; i < xs.length; i++)
          acc += (dens[i] as number) * upper((edge - (xs[i] as number)) / sd);
        return acc;
      };
      if (!(inc > 1e-300)) c = Infinity;
      else {
        let lo = -5;
        let hi = 40;
        for (let k = 0; k < 80; k++) {
          const mid = (lo + hi) / 2;
          if (cross(mid) > inc) lo = mid;
          else hi = mid;
        }
        c = (lo + hi) / 2;
      }
    }
    out.push(c);
    if (j === looks) break;
    // The density of S_j below its boundary, on a fresh grid (Simpson weights folded into the values).
    const top = Number.isFinite(c) ? c * Math.sqrt(t) : 12 * Math.sqrt(t);
    const bottom = LOW * Math.sqrt(t);
    const h = (top - bottom) / (GRID - 1);
    const nx: number[] = [];
    const nd: number[] = [];
    for (let i = 0; i < GRID; i++) {
      const s = bottom + i * h;
      const w = (i === 0 || i === GRID - 1 ? 1 : i % 2 ? 4 : 2) * (h / 3);
      let d: number;
      if (j === 1) d = Math.exp(-(s * s) / (2 * t)) / Math.sqrt(2 * Math.PI * t);
      else {
        d = 0;
        for (let k = 0; k < xs.length; k++) {
          const z = (s - (xs[k] as number)) / sd;
          d += (dens[k] as number) * Math.exp(-0.5 * z * z);
        }
        d /= sd * Math.sqrt(2 * Math.PI);
      }
      nx.push(s);
      nd.push(d * w);
    }
    xs = nx;
    dens = nd;
    prevT = t;
  }
  return out;
}

const cache = new Map<string, number[]>();

/** Boundaries for L planned looks (memoised: a canary's schedule repeats at every judgement). */
export function boundaries(alpha: number, looks: number, gamma: number): readonly number[] {
  const key = `${alpha.toPrecision(12)}|${looks}|${gamma}`;
  let b = cache.get(key);
  if (!b) {
    b = compute(alpha, Math.max(1, Math.floor(looks)), gamma);
    if (cache.size > 256) cache.clear();
    cache.set(key, b);
  }
  return b;
}

/**
 * The nominal one-sided level of look j (1-based) of L planned looks: a look's p-value at or below it
 * crosses the boundary. Looks beyond the plan share a reserve `extra` of α, halving look by look
 * (Bonferroni: they are rare, e.g. a judgement repeated after a restart).
 */
export function nominalLevel(alpha: number, j: number, looks: number, gamma: number, extra: number): number {
  const L = Math.max(1, Math.floor(looks));
  if (j > L) return alpha * extra * 2 ** -(j - L);
  const c = boundaries(alpha * (1 - extra), L, gamma)[j - 1] as number;
  return Number.isFinite(c) ? upper(c) : 0;
}
