// Production-like metric series for the accuracy bench: six metric kinds with daily cycles, shared and
// per-host AR(1) noise, shared bursts, discreteness (integer counts, rounding) and zero inflation, and
// the failure modes injected into the canary. Simulated, not real traces (docs/judges.md says why).
import { ar1, createRng, type Rng } from "./prng";

export const KINDS = ["latency", "cpu", "requests", "errors", "disk writes", "network"] as const;
export type Kind = (typeof KINDS)[number];

/** How the canary differs; level factors multiply the canary's expected value. */
export type Mode =
  | { type: "none" }
  | { type: "level"; factor: number; fromMinute: number }
  | { type: "leak"; perMinute: number }
  | { type: "spikes"; share: number; factor: number }
  | { type: "variance"; factor: number }
  | { type: "constant-load"; share: number }
  | { type: "sparse-errors"; perMinute: number };

export interface Arms {
  baseline: number[];
  canary: number[];
}

interface KindModel {
  /** The expected value of one arm at minute t given the shared state, and one draw around it. */
  draw(rng: Rng, t: number, shared: Shared, own: number[], mean: number): number;
  expected(t: number, shared: Shared, own: number[]): number;
}

interface Shared {
  load: number[];
  burst: number[];
}

function sharedState(rng: Rng, n: number): Shared {
  const phase = rng.uniform() * 1440;
  const load = ar1(rng, n, 0.9, 0.06).map((g, t) => g + 0.2 * Math.sin((2 * Math.PI * (t + phase)) / 1440));
  // Shared bursts (deploys elsewhere, batch jobs, GC storms): about one every 90 minutes, 2–8 minutes long.
  const burst = new Array<number>(n).fill(0);
  for (let t = 0; t < n; t++) {
    if (rng.uniform() < 1 / 90) {
      const len = 2 + Math.floor(rng.uniform() * 7);
      const size = 0.2 + 0.6 * rng.uniform();
      for (let i = t; i < Math.min(n, t + len); i++) burst[i] = size;
    }
  }
  return { load, burst };
}

const round = (x: number, step: number): number => Math.round(x / step) * step;

const MODELS: Record<Kind, { own: (rng: Rng, n: number) => number[]; model: KindModel }> = {
  // p95 latency in ms: log-normal around a load-dependent level, per-host AR(1), 1 ms resolution.
  latency: {
    own: (rng, n) => ar1(rng, n, 0.6, 0.06),
    model: {
      expected: (t, s, own) => 120 * Math.exp(0.5 * (s.load[t] ?? 0) + (s.burst[t] ?? 0) + (own[t] ?? 0)),
      draw: (rng, _t, _s, _own, mean) => Math.max(1, round(mean * Math.exp(0.04 * rng.normal()), 1)),
    },
  },
  // CPU %: load-proportional plus per-host AR(1), bounded, 0.1 % resolution.
  cpu: {
    own: (rng, n) => ar1(rng, n, 0.7, 0.08),
    model: {
      expected: (t, s, own) =>
        35 * Math.exp(0.8 * (s.load[t] ?? 0) + 0.5 * (s.burst[t] ?? 0) + (own[t] ?? 0)),
      draw: (rng, _t, _s, _own, mean) => Math.min(100, Math.max(0, round(mean + 1.5 * rng.normal(), 0.1))),
    },
  },
  // Requests per minute: over-dispersed Poisson around the shared load.
  requests: {
    own: (rng, n) => ar1(rng, n, 0.5, 0.03),
    model: {
      expected: (t, s, own) => 300 * Math.exp((s.load[t] ?? 0) + (own[t] ?? 0)),
      draw: (rng, _t, _s, _own, mean) => rng.poisson((mean * rng.gamma(50)) / 50),
    },
  },
  // Errors per minute: sparse integers (mostly 0–3), clustered during bursts.
  errors: {
    own: (rng, n) => ar1(rng, n, 0.5, 0.2),
    model: {
      expected: (t, s, own) => 0.6 * Math.exp((s.load[t] ?? 0) + 2 * (s.burst[t] ?? 0) + (own[t] ?? 0)),
      draw: (rng, _t, _s, _own, mean) => rng.poisson((mean * rng.gamma(2)) / 2),
    },
  },
  // Disk writes in KB/s: zero most minutes, heavy-tailed flushes otherwise.
  "disk writes": {
    own: (rng, n) => ar1(rng, n, 0.5, 0.3),
    model: {
      expected: (t, s, own) => 0.3 * 60 * Math.exp((s.load[t] ?? 0) + (s.burst[t] ?? 0) + (own[t] ?? 0)),
      draw: (rng, _t, _s, _own, mean) =>
        rng.uniform() < 0.3 ? round((mean / 0.3) * Math.exp(0.8 * rng.normal() - 0.32), 0.1) : 0,
    },
  },
  // Network bytes/s: load-driven with heavy-tailed (Pareto) per-host transfers.
  network: {
    own: (rng, n) => ar1(rng, n, 0.8, 0.1),
    model: {
      expected: (t, s, own) => 2e6 * Math.exp((s.load[t] ?? 0) + 0.5 * (s.burst[t] ?? 0) + (own[t] ?? 0)),
      draw: (rng, _t, _s, _own, mean) =>
        Math.round(
          mean * (0.8 + 0.2 * Math.pow(rng.uniform(), -1 / 2.5) * 0.6) * Math.exp(0.05 * rng.normal()),
        ),
    },
  },
};

/** The canary's expected-value factor at minute t for level modes. */
function levelFactor(mode: Mode, t: number): number {
  if (mode.type === "level") return t >= mode.fromMinute ? mode.factor : 1;
  if (mode.type === "leak") return 1 + mode.perMinute * t;
  return 1;
}

/** One simulated canary: `minutes` per-minute values of both arms of one metric kind, seeded. */
export function simulateKind(kind: Kind, mode: Mode, minutes: number, seed: number): Arms {
  const rng = createRng(seed);
  const shared = sharedState(rng, minutes);
  const { own, model } = MODELS[kind];
  const ownB = own(rng, minutes);
  const ownC = own(rng, minutes);
  const baseline: number[] = [];
  const canary: number[] = [];
  const zeroBaseline = mode.type === "sparse-errors";
  for (let t = 0; t < minutes; t++) {
    const mb = model.expected(t, shared, ownB);
    baseline.push(zeroBaseline ? 0 : model.draw(rng, t, shared, ownB, mb));
    const mc = model.expected(t, shared, ownC) * levelFactor(mode, t);
    let c = zeroBaseline ? 0 : model.draw(rng, t, shared, ownC, mc);
    if (mode.type === "variance") {
      // Same mean, variance × factor: stretch the draw around its expected value (counts stay integers ≥ 0).
      c = mc + Math.sqrt(mode.factor) * (c - mc);
      if (kind === "requests" || kind === "errors") c = Math.max(0, Math.round(c));
      else c = Math.max(0, c);
      if (kind === "cpu") c = Math.min(100, c);
    }
    if (mode.type === "spikes" && rng.uniform() < mode.share) c = c * mode.factor;
    if (mode.type === "constant-load") {
      // A constant extra load: share × the metric's typical non-zero level, every minute.
      const typical = kind === "errors" ? 0.6 : kind === "disk writes" ? 60 : model.expected(0, shared, ownC);
      c = kind === "errors" ? c + rng.poisson(mode.share * typical) : c + mode.share * typical;
    }
    if (mode.type === "sparse-errors") c = rng.poisson(mode.perMinute);
    canary.push(c);
  }
  return { baseline, canary };
}
