// Simulated canary runs with known truth: per-minute series of both arms for seven metrics.
import { ar1, createRng, type Rng } from "./prng";

export const METRICS = [
  "p50 latency",
  "p95 latency",
  "p99 latency",
  "errors",
  "requests",
  "cpu",
  "memory",
] as const;
export type MetricName = (typeof METRICS)[number];

/** How the canary differs from the baseline (all multiplicative; 1 = same). */
export interface Effect {
  /** Every request's latency × this. */
  latency?: number;
  /** Log-latency spread × this (same median, wider distribution). */
  latencySpread?: number;
  /** This share of requests gets `tailFactor` × latency. */
  tailShare?: number;
  tailFactor?: number;
  /** Error probability per request × this. */
  errors?: number;
  /** Errors per request on the canary when the baseline has none (sparse errors on a zero baseline). */
  sparseErrorRate?: number;
  cpu?: number;
  /** Memory grows by this fraction per minute since the canary started. */
  leakPerMinute?: number;
  /** The canary reports nothing. */
  missing?: boolean;
}

export interface SimStage {
  minutes: number;
  /** Requests per minute per arm at the stage's weight. */
  requestsPerMinute: number;
}

export interface SimSpec {
  stages: SimStage[];
  effect: Effect;
  /** Baseline error probability per request. */
  errorRate: number;
}

export type Series = Record<MetricName, { baseline: number[]; canary: number[] }>;

const Z = { "p50 latency": 0, "p95 latency": 1.6448536269514722, "p99 latency": 2.3263478740408408 } as const;
const PROB = { "p50 latency": 0.5, "p95 latency": 0.95, "p99 latency": 0.99 } as const;

function normCdf(x: number): number {
  // Abramowitz & Stegun 7.1.26 via erf.
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}
const normPdf = (x: number): number => Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);

/** Log-quantile of a two-component log-normal mixture, and the log-density there (bisection). */
function mixtureLogQuantile(
  p: number,
  mu: number,
  sigma: number,
  share: number,
  shift: number,
): { q: number; dens: number } {
  const cdf = (x: number): number =>
    (1 - share) * normCdf((x - mu) / sigma) + share * normCdf((x - mu - shift) / sigma);
  let lo = mu - 10 * sigma;
  let hi = mu + shift + 10 * sigma;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  const q = (lo + hi) / 2;
  const dens = ((1 - share) * normPdf((q - mu) / sigma) + share * normPdf((q - mu - shift) / sigma)) / sigma;
  return { q, dens };
}

/** One simulated canary run (minute steps over all stages), seeded. */
export function simulate(spec: SimSpec, seed: number): Series {
  const rng: Rng = createRng(seed);
  const n = spec.stages.reduce((a, s) => a + s.minutes, 0);
  const perMinute: number[] = [];
  for (const s of spec.stages) for (let i = 0; i < s.minutes; i++) perMinute.push(s.requestsPerMinute);
  const phase = rng.uniform() * 1440;
  const load = ar1(rng, n, 0.9, 0.05).map((g, t) => g + 0.15 * Math.sin((2 * Math.PI * (t + phase)) / 1440));
  const errShared = ar1(rng, n, 0.8, 0.3);
  const arm = () => ({
    lat: ar1(rng, n, 0.5, 0.03),
    cpu: ar1(rng, n, 0.6, 0.04),
    mem: ar1(rng, n, 0.8, 0.01),
  });
  const noise = { baseline: arm(), canary: arm() };
  const out = Object.fromEntries(
    METRICS.map((m) => [m, { baseline: [] as number[], canary: [] as number[] }]),
  ) as Series;
  const e = spec.effect;
  const sigma0 = 0.5;
  for (let t = 0; t < n; t++) {
    for (const side of ["baseline", "canary"] as const) {
      const isC = side === "canary";
      const nz = noise[side];
      const lambda = ((perMinute[t] ?? 0) * Math.exp((load[t] ?? 0) - 0.00125) * rng.gamma(100)) / 100;
      const requests = rng.poisson(lambda);
      const mu =
        Math.log(0.1) + 0.5 * (load[t] ?? 0) + (nz.lat[t] ?? 0) + (isC ? Math.log(e.latency ?? 1) : 0);
      const sigma = sigma0 * (isC ? (e.latencySpread ?? 1) : 1);
      const share = isC ? (e.tailShare ?? 0) : 0;
      const shift = Math.log(isC ? (e.tailFactor ?? 1) : 1);
      for (const m of ["p50 latency", "p95 latency", "p99 latency"] as const) {
        const p = PROB[m];
        let q: number;
        let dens: number;
        if (share > 0) ({ q, dens } = mixtureLogQuantile(p, mu, sigma, share, shift));
        else {
          q = mu + sigma * Z[m];
          dens = normPdf(Z[m]) / sigma;
        }
        const se = Math.sqrt((p * (1 - p)) / Math.max(1, requests)) / dens;
        out[m][side].push(Math.exp(q + se * rng.normal()));
      }
      let rate = spec.errorRate * (isC ? (e.errors ?? 1) : 1);
      if (isC && e.sparseErrorRate !== undefined) rate += e.sparseErrorRate;
      const errMean = requests * rate * Math.exp((errShared[t] ?? 0) - 0.045) * (rng.gamma(5) / 5);
      out.errors[side].push(rng.poisson(errMean));
      out.requests[side].push(requests);
      out.cpu[side].push(0.0001 * requests * Math.exp(nz.cpu[t] ?? 0) * (isC ? (e.cpu ?? 1) : 1));
      out.memory[side].push(5e8 * Math.exp(nz.mem[t] ?? 0) * (isC ? 1 + (e.leakPerMinute ?? 0) * t : 1));
    }
  }
  if (e.missing) for (const m of METRICS) out[m].canary = out[m].canary.map(() => NaN);
  return out;
}
