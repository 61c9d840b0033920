// Seeded random numbers for the simulations (mulberry32; Box–Muller; Marsaglia–Tsang gamma; Poisson).

export interface Rng {
  uniform(): number;
  normal(): number;
  gamma(shape: number): number;
  poisson(mean: number): number;
}

/** A seeded generator: mulberry32 (Tommy Ettinger, public domain) and the usual transforms. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  let spare: number | undefined;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const normal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      const v0 = 1 + c * x;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = uniform();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const poisson = (mean: number): number => {
    if (!(mean > 0)) return 0;
    if (mean > 60) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
    const l = Math.exp(-mean);
    let k = 0;
    let p = 1;
    for (;;) {
      p *= uniform();
      if (p <= l) return k;
      k++;
    }
  };
  return { uniform, normal, gamma, poisson };
}

/** A stationary AR(1) path with lag-1 correlation `rho` and marginal standard deviation `sd`. */
export function ar1(rng: Rng, n: number, rho: number, sd: number): number[] {
  const out: number[] = [];
  const innovation = sd * Math.sqrt(1 - rho * rho);
  let x = sd * rng.normal();
  for (let i = 0; i < n; i++) {
    out.push(x);
    x = rho * x + innovation * rng.normal();
  }
  return out;
}
