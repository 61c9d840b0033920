// `npm run bench:accuracy-real`: the failure modes of `npm run bench:accuracy`, injected into canaries cut
// from real production traces instead of the simulator: pairs of replica VMs of the Bitbrains GWA-T-12
// "Rnd" trace (bench/real-traces/README.md; docs/real-trace-bench.md explains the cutting).
//
// A canary is a baseline VM and a canary VM of one pair over the same 180 consecutive 5-minute samples
// (one sample = one bench "minute", so the stages are 60 + 120 samples, a judgement every 10 samples);
// A/A runs leave both as they are, the other modes change the canary host's values.
//
// BENCH_SEEDS=tune|report (default report): tune = July 2013 (2013-7), report = August 2013 (2013-8);
// each month has its own pairs, chosen from that month alone (bench/real-traces/pairs.json).
// BENCH_SCALE=0.25 runs a quarter of the runs; BENCH_DETAIL=1 prints every metric × mode;
// BENCH_REAL_TRACES=<dir> is the folder holding 2013-7/ and 2013-8/ (default bench/real-traces/data/rnd).
import { existsSync } from "node:fs";
import { getJudge } from "../src/judge/registry";
import type { Judge } from "../src/judge/types";
import {
  MODES,
  printBench,
  runKayenta,
  runSequentialV1,
  runSequentialV2,
  seedOf,
  tally,
  type BenchResult,
  type Cell,
  type FailureMode,
  type Outcome,
} from "./accuracy";
import {
  loadMonth,
  METRIC_NAMES,
  tracesDir,
  TraceError,
  type Metric,
  type Month,
  type VmTrace,
} from "./real-traces/bitbrains";
import pairsByMonth from "./real-traces/pairs.json";
import { createRng, type Rng } from "./sim/prng";
import type { Arms, Kind } from "./sim/production-sim";

const WINDOW = 180;
/** Window starts are taken every 6 samples (30 real minutes). */
const START_STRIDE = 6;
const SCALE = Number(process.env.BENCH_SCALE ?? "1");
const SEEDS: "tune" | "report" = process.env.BENCH_SEEDS === "tune" ? "tune" : "report";
/**
 * "swap" (default): each 10-sample interval of a run takes its baseline from one host of the pair and its
 * canary from the other, which host being drawn at random per interval, so baseline and canary have the
 * same expected level; "hosts": host A is the baseline and host B the canary throughout.
 */
const PAIRING: "swap" | "hosts" = process.env.BENCH_PAIRING === "hosts" ? "hosts" : "swap";
const INTERVAL = 10;
/** A (mode, metric) case needs this many eligible windows, or it is skipped (and listed as skipped). */
const MIN_WINDOWS = 100;
const MONTH_OF: Record<"tune" | "report", Month> = { tune: "2013-7", report: "2013-8" };

/**
 * The simulator's metric kind whose judge configuration fits each real metric (accuracy.ts configFor):
 * all five are continuous and judged for an increase.
 */
const KIND_OF: Record<Metric, Kind> = {
  cpu: "cpu",
  "disk write": "disk writes",
  "disk read": "disk writes",
  "network rx": "network",
  "network tx": "network",
};

export interface Pair {
  a: number;
  b: number;
}

/**
 * Which windows a mode may use, so that the injected change exists in the data it is applied to:
 * "canary-active" = the metric is non-zero in ≥ 10 % of the samples; "zero-inflated" = it is 0 in 30–95 %
 * of them; "zero-baseline" = it is 0 in ≥ 97 % of them (at most 5 non-zero
 * samples: real counters are seldom 0 throughout 15 hours). Each rule holds on both hosts of the pair.
 */
export type Eligibility = "any" | "canary-active" | "zero-inflated" | "zero-baseline";

function eligibilityOf(m: FailureMode): Eligibility {
  switch (m.mode.type) {
    case "none":
      return "any";
    case "constant-load":
      return "zero-inflated";
    case "sparse-errors":
      return "zero-baseline";
    default:
      return "canary-active";
  }
}

/** Metrics a mode applies to: every metric, or those that can be zero-inflated for the zero modes. */
function metricsOf(m: FailureMode): Metric[] {
  if (m.mode.type === "constant-load" || m.mode.type === "sparse-errors")
    return ["disk write", "disk read", "network rx", "network tx"];
  return METRIC_NAMES;
}

export interface Window {
  baseline: Float64Array;
  canary: Float64Array;
  start: number;
  /** The canary host's median non-zero value of this metric over the month (the size of a sparse event). */
  canaryEvent: number;
}

/** Prefix counts over a series (present samples, zeros), so a window's eligibility costs O(1). */
function prefix(series: Float64Array): { present: Int32Array; zeros: Int32Array } {
  const present = new Int32Array(series.length + 1);
  const zeros = new Int32Array(series.length + 1);
  for (let i = 0; i < series.length; i++) {
    const x = series[i]!;
    present[i + 1] = present[i]! + (Number.isNaN(x) ? 0 : 1);
    zeros[i + 1] = zeros[i]! + (x === 0 ? 1 : 0);
  }
  return { present, zeros };
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!;
}

/** Every eligible window of one metric over all pairs of a month, both orientations (A as baseline, then B). */
export function eligibleWindows(
  traces: Map<number, VmTrace>,
  pairs: Pair[],
  metric: Metric,
  rule: Eligibility,
): Window[] {
  const out: Window[] = [];
  const event = new Map<number, number>();
  for (const [id, t] of traces)
    event.set(id, median([...t.series[metric]].filter((x) => !Number.isNaN(x) && x > 0)));
  for (const p of pairs)
    for (const [bId, cId] of [
      [p.a, p.b],
      [p.b, p.a],
    ] as const) {
      const b = traces.get(bId)!.series[metric];
      const c = traces.get(cId)!.series[metric];
      const pb = prefix(b);
      const pc = prefix(c);
      const cpuB = prefix(traces.get(bId)!.series.cpu);
      const cpuC = prefix(traces.get(cId)!.series.cpu);
      const n = Math.min(b.length, c.length);
      for (let s = 0; s + WINDOW <= n; s += START_STRIDE) {
        const e = s + WINDOW;
        if (pb.present[e]! - pb.present[s]! < WINDOW || pc.present[e]! - pc.present[s]! < WINDOW) continue;
        // Both hosts running: CPU above 0 in at least 90 % of the samples (a VM that is off is no canary).
        if (cpuB.zeros[e]! - cpuB.zeros[s]! > 0.1 * WINDOW || cpuC.zeros[e]! - cpuC.zeros[s]! > 0.1 * WINDOW)
          continue;
        // The rules hold for both hosts, so they still hold after the swap pairing mixes them.
        const zb = pb.zeros[e]! - pb.zeros[s]!;
        const zc = pc.zeros[e]! - pc.zeros[s]!;
        const within = (lo: number, hi: number): boolean =>
          zb >= lo * WINDOW && zb <= hi * WINDOW && zc >= lo * WINDOW && zc <= hi * WINDOW;
        const ok =
          rule === "any" ||
          (rule === "canary-active" && within(0, 0.9)) ||
          (rule === "zero-inflated" && within(0.3, 0.95)) ||
          (rule === "zero-baseline" && within(0.97, 1) && event.get(cId)! > 0);
        if (ok)
          out.push({
            baseline: b.subarray(s, e),
            canary: c.subarray(s, e),
            start: s,
            canaryEvent: event.get(cId)!,
          });
      }
    }
  return out;
}

/** The canary host's values with the failure mode injected (the same definitions as bench/sim/production-sim.ts). */
export function inject(m: FailureMode, w: Window, rng: Rng): Arms {
  const baseline = [...w.baseline];
  const canary = [...w.canary];
  if (PAIRING === "swap")
    for (let i = 0; i < WINDOW; i += INTERVAL)
      if (rng.uniform() < 0.5)
        for (let t = i; t < Math.min(WINDOW, i + INTERVAL); t++)
          [baseline[t], canary[t]] = [canary[t]!, baseline[t]!];
  const mode = m.mode;
  if (mode.type === "level")
    for (let t = mode.fromMinute; t < WINDOW; t++) canary[t] = canary[t]! * mode.factor;
  if (mode.type === "leak")
    for (let t = 0; t < WINDOW; t++) canary[t] = canary[t]! * (1 + mode.perMinute * t);
  if (mode.type === "spikes")
    for (let t = 0; t < WINDOW; t++) if (rng.uniform() < mode.share) canary[t] = canary[t]! * mode.factor;
  if (mode.type === "variance") {
    // Same mean, variance × factor: stretch each sample around the centred 5-sample mean (kept ≥ 0).
    const src = [...canary];
    for (let t = 0; t < WINDOW; t++) {
      const lo = Math.max(0, t - 2);
      const hi = Math.min(WINDOW, t + 3);
      let s = 0;
      for (let i = lo; i < hi; i++) s += src[i]!;
      const mean = s / (hi - lo);
      canary[t] = Math.max(0, mean + Math.sqrt(mode.factor) * (src[t]! - mean));
    }
  }
  if (mode.type === "constant-load") {
    // A constant extra load: share × the baseline's mean non-zero level in the window, every sample.
    const nz = baseline.filter((x) => x > 0);
    const typical = nz.reduce((a, x) => a + x, 0) / nz.length;
    for (let t = 0; t < WINDOW; t++) canary[t] = canary[t]! + mode.share * typical;
  }
  if (mode.type === "sparse-errors")
    // Sparse events on a host whose baseline is 0 throughout: Poisson(perMinute) events a sample, each the
    // size of a typical non-zero value of this metric on the canary host.
    for (let t = 0; t < WINDOW; t++) canary[t] = canary[t]! + rng.poisson(mode.perMinute) * w.canaryEvent;
  return { baseline, canary };
}

type Runner = (judge: Judge, kind: Kind, arms: Arms) => Outcome;

interface RealResult extends BenchResult {
  /** (mode, metric) cases skipped because the month has no eligible window. */
  skipped: string[];
  windows: Map<string, number>;
}

export function runRealBench(
  judges: Array<{ label: string; judge: Judge; run: Runner }>,
  set: "tune" | "report",
  traces: Map<number, VmTrace>,
  pairs: Pair[],
  scale = 1,
  modes: readonly FailureMode[] = MODES,
): RealResult {
  const cells = new Map<string, Map<string, Cell[]>>();
  const common = new Map<string, { runs: number; minutes: number[] }>();
  const skipped: string[] = [];
  const counts = new Map<string, number>();
  const cache = new Map<string, Window[]>();
  let caseIndex = 0;
  for (const m of modes) {
    const byMetric = new Map<string, Cell[]>();
    const both = { runs: 0, minutes: judges.map(() => 0) };
    const rule = eligibilityOf(m);
    for (const metric of METRIC_NAMES) {
      caseIndex += 1;
      if (!metricsOf(m).includes(metric)) continue;
      const key = `${metric}|${rule}`;
      if (!cache.has(key)) cache.set(key, eligibleWindows(traces, pairs, metric, rule));
      const ws = cache.get(key)!;
      counts.set(key, ws.length);
      if (ws.length < MIN_WINDOWS) {
        skipped.push(`${m.name} × ${metric} (${ws.length} windows)`);
        continue;
      }
      const cellsHere = judges.map(() => ({ runs: 0, fails: 0, failMinutes: 0 }));
      const runs = Math.max(5, Math.round(m.runs * scale));
      for (let r = 0; r < runs; r++) {
        const rng = createRng(seedOf(set, caseIndex, r));
        const w = ws[Math.floor(rng.uniform() * ws.length)]!;
        const arms = inject(m, w, rng);
        const outs = judges.map((j) => j.run(j.judge, KIND_OF[metric], arms));
        tally(outs, cellsHere, both);
      }
      byMetric.set(metric, cellsHere);
    }
    cells.set(m.name, byMetric);
    common.set(m.name, both);
  }
  // printBench only iterates the per-kind maps and prints their keys: real metric names stand in for the
  // simulator's kinds here.
  return {
    judges: judges.map((j) => j.label),
    cells: cells as BenchResult["cells"],
    common,
    skipped,
    windows: counts,
  };
}

function main(): void {
  const started = process.hrtime.bigint();
  const dir = tracesDir();
  const month = MONTH_OF[SEEDS];
  const pairs: Pair[] = (pairsByMonth as Record<string, Pair[]>)[month] ?? [];
  if (!existsSync(dir)) {
    console.error(
      `${dir}: no such folder. Put the GWA-T-12 Rnd traces there (its 2013-7/ and 2013-8/ folders) or set ` +
        `BENCH_REAL_TRACES to where they are; bench/real-traces/README.md says where to get them.`,
    );
    process.exit(64);
  }
  let traces: Map<number, VmTrace>;
  try {
    traces = loadMonth(dir, month, [...new Set(pairs.flatMap((p) => [p.a, p.b]))]);
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    console.error(e.message);
    process.exit(64);
  }
  const res = runRealBench(
    [
      { label: "Kayenta", judge: getJudge("NetflixACAJudge-v1.0"), run: runKayenta },
      { label: "v1", judge: getJudge("coalmine-sequential-v1"), run: runSequentialV1 },
      { label: "v2", judge: getJudge("coalmine-sequential-v2"), run: runSequentialV2 },
    ],
    SEEDS,
    traces,
    pairs,
    SCALE,
    process.env.BENCH_ONLY
      ? MODES.filter((m) => m.name === "A/A" || m.name.includes(process.env.BENCH_ONLY!))
      : MODES,
  );
  console.log(
    `Seeds: ${SEEDS} = GWA-T-12 Rnd ${month}, ${pairs.length} pairs of replica VMs (${traces.size} VMs). ` +
      `A canary = two replica VMs over the same 180 five-minute samples, pairing ${PAIRING}; 1 bench minute = 1 sample ` +
      `(5 real minutes): stages 60 + 120 samples, a judgement every 10; detected = fail verdict; ` +
      `time to fail = mean samples from the start over the runs it failed.`,
  );
  for (const l of printBench(res)) console.log(l);
  if (res.skipped.length) console.log(`Too few eligible windows (skipped): ${res.skipped.join("; ")}`);
  console.log(
    "Eligible windows: " +
      [...res.windows]
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k.replace("|", " ")} ${n}`)
        .join("; "),
  );
  console.log(`\n(${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s)`);
}

if (require.main === module) main();
