// Generates the demo's recorded metrics (series.json): a baseline and a canary over 35 minutes at 5 s steps.
// The canary behaves like the baseline through the 10 % stage and regresses from 10:11 (the 33 % stage):
// p95 latency +40 %, p50 latency +10 %, 5xx rate ×5. Seeded, so the file is the same on every run.
// Run: npx tsx examples/demo/generate-series.ts
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRng } from "../../bench/sim/prng";

const rng = createRng(20261123);

const start = Date.parse("2026-11-23T09:55:00Z");
const regressionAt = Date.parse("2026-11-23T10:11:00Z");
const step = 5;
const n = (35 * 60) / step;

interface Spec {
  metric: string;
  level: number;
  noise: number; // relative
  regression: number; // canary multiplier after regressionAt
  digits: number;
}
const specs: Spec[] = [
  { metric: "requests per second", level: 48, noise: 0.06, regression: 1, digits: 2 },
  { metric: "5xx per second", level: 0.12, noise: 0.35, regression: 5, digits: 3 },
  { metric: "p95 latency seconds", level: 0.18, noise: 0.07, regression: 1.4, digits: 4 },
  { metric: "p50 latency seconds", level: 0.075, noise: 0.05, regression: 1.1, digits: 4 },
  { metric: "cpu cores", level: 0.42, noise: 0.08, regression: 1, digits: 3 },
];

const series = specs.flatMap((s) =>
  (["checkout-baseline", "checkout-canary"] as const).map((scope) => {
    let ar = 0; // AR(1) noise: neighbouring scrapes are correlated, as real ones are
    const values = Array.from({ length: n }, (_, i) => {
      const t = start + i * step * 1000;
      ar = 0.6 * ar + Math.sqrt(1 - 0.36) * rng.normal();
      const factor = scope === "checkout-canary" && t >= regressionAt ? s.regression : 1;
      const v = Math.max(0, s.level * factor * (1 + s.noise * ar));
      return Number(v.toFixed(s.digits));
    });
    return { metric: s.metric, scope, location: "prod", step, start: new Date(start).toISOString(), values };
  }),
);

const file = {
  description:
    "Coalmine demo: checkout baseline vs canary; the canary regresses in the 33 % stage (from 10:11Z).",
  series,
};
writeFileSync(join(__dirname, "series.json"), JSON.stringify(file) + "\n");
console.log(`wrote ${series.length} series of ${n} points`);
