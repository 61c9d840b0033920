// `npm run bench:accuracy-mixed`: the seven-metric simulation (issue 9) through the Kayenta-compatible and the sequential v1 judge.
import type { CanaryConfig } from "../src/config/canary-config.schema";
import { getJudge } from "../src/judge/registry";
import type { Judge, MetricSetPair, Thresholds } from "../src/judge/types";
import { METRICS, simulate, type Effect, type MetricName, type Series, type SimSpec } from "./sim/canary-sim";

const STEP_MS = 60_000;
const INTERVAL_MIN = 10;
const THRESHOLDS: Thresholds = { pass: 95, marginal: 75 };

interface Stage {
  minutes: number;
  requestsPerMinute: number;
}
export const STAGES: Stage[] = [
  { minutes: 60, requestsPerMinute: 3000 },
  { minutes: 120, requestsPerMinute: 15000 },
];
const LOW_TRAFFIC: Stage[] = [
  { minutes: 60, requestsPerMinute: 150 },
  { minutes: 120, requestsPerMinute: 750 },
];
/** BENCH_SCALE=0.2 runs a fifth of the seeds (quick look while tuning). */
const SCALE = Number(process.env.BENCH_SCALE ?? "1");
// BENCH_ONLY=<text> runs only the scenarios whose name contains it.
const TOTAL_MIN = STAGES.reduce((a, s) => a + s.minutes, 0);

const GROUP: Record<MetricName, string> = {
  "p50 latency": "latency",
  "p95 latency": "latency",
  "p99 latency": "latency",
  errors: "errors",
  requests: "errors",
  cpu: "saturation",
  memory: "saturation",
};

/** One canary config for both judges: Kayenta reads `canary`, the sequential judge also `coalmine`. */
export const BENCH_CONFIG: CanaryConfig = {
  name: "bench",
  metrics: METRICS.map((name) => ({
    name,
    query: { type: "prometheus" as const, metricName: name.replace(/ /g, "_") },
    groups: [GROUP[name]],
    analysisConfigurations: {
      canary: {
        direction: name === "requests" ? ("either" as const) : ("increase" as const),
        ...(name === "errors" ? { critical: true } : {}),
      },
      coalmine: {
        kind: name === "errors" || name === "requests" ? ("count" as const) : ("continuous" as const),
      },
    },
  })),
  classifier: { groupWeights: { latency: 50, errors: 30, saturation: 20 } },
};

interface Scenario {
  name: string;
  effect: Effect;
  runs: number;
  regression: boolean;
  /** Part of the issue's "detect within the first stage" list. */
  firstStageTarget?: boolean;
  stages?: Stage[];
  errorRate?: number;
}

export const SCENARIOS: Scenario[] = [
  { name: "A/A", effect: {}, runs: 500, regression: false },
  { name: "A/A low traffic", effect: {}, runs: 200, regression: false, stages: LOW_TRAFFIC },
  {
    name: "improvement (latency -20%, errors x0.5)",
    effect: { latency: 0.8, errors: 0.5 },
    runs: 100,
    regression: false,
  },
  { name: "missing canary data", effect: { missing: true }, runs: 50, regression: false },
  { name: "latency +5% (p95 +5%)", effect: { latency: 1.05 }, runs: 100, regression: true },
  {
    name: "latency +10% (p95 +10%)",
    effect: { latency: 1.1 },
    runs: 100,
    regression: true,
    firstStageTarget: true,
  },
  { name: "latency +20% (p95 +20%)", effect: { latency: 1.2 }, runs: 100, regression: true },
  { name: "error rate x2", effect: { errors: 2 }, runs: 100, regression: true, firstStageTarget: true },
  { name: "error rate x10", effect: { errors: 10 }, runs: 100, regression: true },
  {
    name: "sparse errors, zero baseline",
    effect: { sparseErrorRate: 1 / 3000 },
    runs: 100,
    regression: true,
    firstStageTarget: true,
    errorRate: 0,
  },
  {
    name: "memory leak (+0.5%/min)",
    effect: { leakPerMinute: 0.005 },
    runs: 100,
    regression: true,
    firstStageTarget: true,
  },
  { name: "cpu x2", effect: { cpu: 2 }, runs: 100, regression: true },
  { name: "latency spread x1.15, same median", effect: { latencySpread: 1.15 }, runs: 100, regression: true },
  {
    name: "tail only (2% of requests x4)",
    effect: { tailShare: 0.02, tailFactor: 4 },
    runs: 100,
    regression: true,
  },
];

type Verdict = "pass" | "marginal" | "fail";
interface Outcome {
  verdict: Verdict;
  /** Minutes from the canary's start to the verdict. */
  minutes: number;
  /** The verdict was fail (or, for Kayenta, a fail-fast) within the first stage. */
  failedInFirstStage: boolean;
}

export function pairsFor(series: Series, from: number, to: number): MetricSetPair[] {
  return METRICS.map((name) => {
    const scope = { startTimeMillis: from * STEP_MS, stepMillis: STEP_MS };
    return {
      name,
      tags: {},
      values: {
        control: series[name].baseline.slice(from, to),
        experiment: series[name].canary.slice(from, to),
      },
      scopes: { control: scope, experiment: scope },
    };
  });
}

const verdictOf = (classification: string): Verdict =>
  classification === "Pass" ? "pass" : classification === "Marginal" ? "marginal" : "fail";

/** Kayenta's standalone loop: a growing window per stage, fail fast when score ≤ marginal, the last score decides. */
function runKayenta(judge: Judge, series: Series, stages: Stage[]): Outcome {
  let start = 0;
  let last: Verdict = "fail";
  for (const [si, stage] of stages.entries()) {
    for (let end = INTERVAL_MIN; end <= stage.minutes; end += INTERVAL_MIN) {
      const out = judge.judge({
        config: BENCH_CONFIG,
        thresholds: THRESHOLDS,
        pairs: pairsFor(series, start, start + end),
      });
      if (out.result.score.score <= THRESHOLDS.marginal) {
        return { verdict: "fail", minutes: start + end, failedInFirstStage: si === 0 };
      }
      last = verdictOf(out.result.score.classification);
    }
    start += stage.minutes;
  }
  return { verdict: last, minutes: start, failedInFirstStage: false };
}

/** The sequential judge: state carried across judgements; fail stops the analysis, pass ends the stage early. */
export function runSequential(judge: Judge, series: Series, stages: Stage[]): Outcome {
  let start = 0;
  let state: unknown;
  let index = 0;
  let last: Verdict = "fail";
  let elapsed = 0;
  for (const [si, stage] of stages.entries()) {
    for (let end = INTERVAL_MIN; end <= stage.minutes; end += INTERVAL_MIN) {
      const out = judge.judge({
        config: BENCH_CONFIG,
        thresholds: THRESHOLDS,
        pairs: pairsFor(series, start, start + end),
        trafficRatio: 1,
        previousState: state,
        judgementIndex: index++,
      });
      state = out.state;
      elapsed = start + end;
      last = verdictOf(out.result.score.classification);
      if (out.decision === "fail") return { verdict: "fail", minutes: elapsed, failedInFirstStage: si === 0 };
      if (out.decision === "pass") break;
    }
    start += stage.minutes;
  }
  return { verdict: last, minutes: elapsed, failedInFirstStage: false };
}

interface Row {
  scenario: Scenario;
  judge: string;
  runs: number;
  fail: number;
  marginal: number;
  pass: number;
  firstStage: number;
  meanVerdictMin: number;
  /** Mean minutes to a fail or marginal verdict, a pass counting as the whole analysis. */
  meanTimeToFailMin: number;
}

export function seedOf(scenario: number, run: number): number {
  let h = (scenario * 0x9e3779b1 + run * 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}

function evaluate(judges: Array<{ label: string; judge: Judge; run: typeof runKayenta }>): Row[] {
  const rows: Row[] = [];
  const only = process.env.BENCH_ONLY;
  for (const [si, sc] of SCENARIOS.entries()) {
    if (only && !sc.name.includes(only)) continue;
    const stages = sc.stages ?? STAGES;
    const spec: SimSpec = { stages, effect: sc.effect, errorRate: sc.errorRate ?? 0.002 };
    const acc = judges.map(() => ({ fail: 0, marginal: 0, pass: 0, first: 0, verdictMin: 0, failMin: 0 }));
    const runs = Math.max(10, Math.round(sc.runs * SCALE));
    for (let r = 0; r < runs; r++) {
      const series = simulate(spec, seedOf(si + 1, r));
      judges.forEach((j, ji) => {
        const o = j.run(j.judge, series, stages);
        const a = acc[ji];
        if (!a) return;
        a[o.verdict] += 1;
        if (o.failedInFirstStage) a.first += 1;
        a.verdictMin += o.minutes;
        a.failMin += o.verdict === "pass" ? TOTAL_MIN : o.minutes;
      });
    }
    judges.forEach((j, ji) => {
      const a = acc[ji];
      if (!a) return;
      rows.push({
        scenario: sc,
        judge: j.label,
        runs,
        fail: a.fail / runs,
        marginal: a.marginal / runs,
        pass: a.pass / runs,
        firstStage: a.first / runs,
        meanVerdictMin: a.verdictMin / runs,
        meanTimeToFailMin: a.failMin / runs,
      });
    });
  }
  return rows;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`.padStart(7);

function main(): void {
  const started = process.hrtime.bigint();
  const kayenta = getJudge("NetflixACAJudge-v1.0");
  const sequential = getJudge("coalmine-sequential-v1");
  const labels = ["kayenta", "sequential"];
  const rows = evaluate([
    { label: "kayenta", judge: kayenta, run: runKayenta },
    { label: "sequential", judge: sequential, run: runSequential },
  ]);
  console.log(
    `Stages: ${STAGES.map((s) => `${s.minutes} min`).join(" + ")}, a judgement every ${INTERVAL_MIN} min; ` +
      `fail = fail verdict (Kayenta: score ≤ ${THRESHOLDS.marginal} at any judgement, or at the end); ` +
      `marginal counts as a failed canary by default (onMarginal: fail).`,
  );
  console.log(
    "scenario".padEnd(40) +
      "judge".padEnd(12) +
      "runs".padStart(5) +
      "fail".padStart(8) +
      "margin".padStart(8) +
      "pass".padStart(8) +
      "fail@S1".padStart(8) +
      "verdict".padStart(9) +
      "toFail".padStart(8),
  );
  for (const r of rows) {
    console.log(
      r.scenario.name.padEnd(40) +
        r.judge.padEnd(12) +
        String(r.runs).padStart(5) +
        pct(r.fail).padStart(8) +
        pct(r.marginal).padStart(8) +
        pct(r.pass).padStart(8) +
        pct(r.firstStage).padStart(8) +
        `${r.meanVerdictMin.toFixed(1)}m`.padStart(9) +
        `${r.meanTimeToFailMin.toFixed(1)}m`.padStart(8),
    );
  }
  console.log("\nSummary (done-when of issue 9):");
  for (const label of labels) {
    const mine = rows.filter((r) => r.judge === label);
    const aa = mine.find((r) => r.scenario.name === "A/A");
    const regs = mine.filter((r) => r.scenario.regression);
    const meanToFail = regs.reduce((a, r) => a + r.meanTimeToFailMin, 0) / regs.length;
    const targets = mine.filter((r) => r.scenario.firstStageTarget);
    console.log(
      `  ${label.padEnd(11)} A/A false-fail ${pct(aa?.fail ?? NaN)} (fail or marginal ${pct((aa?.fail ?? NaN) + (aa?.marginal ?? NaN))}); ` +
        `first-stage detection ${targets.map((t) => `${t.scenario.name.split(" (")[0]} ${pct(t.firstStage).trim()}`).join(", ")}; ` +
        `mean time to fail over ${regs.length} regressions ${meanToFail.toFixed(1)} min`,
    );
  }
  const meanToFail = (label: string): number => {
    const regs = rows.filter((r) => r.judge === label && r.scenario.regression);
    return regs.reduce((a, r) => a + r.meanTimeToFailMin, 0) / regs.length;
  };
  console.log(
    `  time-to-fail ratio sequential/kayenta: ${(meanToFail("sequential") / meanToFail("kayenta")).toFixed(2)}`,
  );
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`\n(${secs.toFixed(1)} s)`);
}

if (require.main === module) main();
