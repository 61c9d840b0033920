// `npm run bench:accuracy`: every failure mode of issue 13 on six production-like metric kinds, through
// the Kayenta-compatible judge, coalmine-sequential-v1 and coalmine-sequential-v2.
//
// BENCH_SEEDS=tune|report (default report) picks disjoint seed sets: tune defaults on `tune`, quote
// `report`. BENCH_SCALE=0.25 runs a quarter of the seeds; BENCH_DETAIL=1 prints every kind × mode.
// The older seven-metric simulation is `npm run bench:accuracy-mixed`.
import type { CanaryConfig } from "../src/config/canary-config.schema";
import { getJudge } from "../src/judge/registry";
import type { Judge, JudgeInput, MetricSetPair, Thresholds } from "../src/judge/types";
import { KINDS, simulateKind, type Arms, type Kind, type Mode } from "./sim/production-sim";

const STEP_MS = 60_000;
const INTERVAL_MIN = 10;
const THRESHOLDS: Thresholds = { pass: 95, marginal: 75 };
export const STAGE_MINUTES = [60, 120];
const TOTAL_MIN = STAGE_MINUTES.reduce((a, b) => a + b, 0);
const SCALE = Number(process.env.BENCH_SCALE ?? "1");
const SEEDS = process.env.BENCH_SEEDS === "tune" ? "tune" : "report";
const DETAIL = process.env.BENCH_DETAIL === "1";

export interface FailureMode {
  name: string;
  mode: Mode;
  /** Metric kinds it applies to (default: all). */
  kinds?: readonly Kind[];
  runs: number;
}

export const MODES: FailureMode[] = [
  { name: "A/A", mode: { type: "none" }, runs: 150 },
  { name: "level +5%", mode: { type: "level", factor: 1.05, fromMinute: 0 }, runs: 30 },
  { name: "level +10%", mode: { type: "level", factor: 1.1, fromMinute: 0 }, runs: 30 },
  { name: "level +25%", mode: { type: "level", factor: 1.25, fromMinute: 0 }, runs: 30 },
  { name: "level +50%", mode: { type: "level", factor: 1.5, fromMinute: 0 }, runs: 30 },
  { name: "stage 2 only +10%", mode: { type: "level", factor: 1.1, fromMinute: 60 }, runs: 30 },
  { name: "stage 2 only +25%", mode: { type: "level", factor: 1.25, fromMinute: 60 }, runs: 30 },
  { name: "slow leak +0.2%/min", mode: { type: "leak", perMinute: 0.002 }, runs: 30 },
  { name: "spikes 5% x3", mode: { type: "spikes", share: 0.05, factor: 3 }, runs: 30 },
  { name: "variance x1.35", mode: { type: "variance", factor: 1.35 }, runs: 30 },
  {
    name: "zero-inflated +constant load",
    mode: { type: "constant-load", share: 0.2 },
    kinds: ["disk writes", "errors"],
    runs: 60,
  },
  {
    name: "sparse errors, zero baseline",
    mode: { type: "sparse-errors", perMinute: 0.1 },
    kinds: ["errors"],
    runs: 100,
  },
];

export function configFor(kind: Kind): CanaryConfig {
  const count = kind === "requests" || kind === "errors";
  return {
    name: `bench-${kind}`,
    metrics: [
      {
        name: kind,
        query: { type: "prometheus" as const, metricName: kind.replace(/ /g, "_") },
        groups: ["bench"],
        analysisConfigurations: {
          canary: { direction: kind === "requests" ? ("either" as const) : ("increase" as const) },
          coalmine: { kind: count ? ("count" as const) : ("continuous" as const) },
        },
      },
    ],
  };
}

export function pairsFor(kind: Kind, arms: Arms, from: number, to: number): MetricSetPair[] {
  const scope = { startTimeMillis: from * STEP_MS, stepMillis: STEP_MS };
  return [
    {
      name: kind,
      tags: {},
      values: { control: arms.baseline.slice(from, to), experiment: arms.canary.slice(from, to) },
      scopes: { control: scope, experiment: scope },
    },
  ];
}

export interface Outcome {
  failed: boolean;
  /** Minutes from the canary's start to the verdict. */
  minutes: number;
}

type Runner = (judge: Judge, kind: Kind, arms: Arms) => Outcome;

/** Kayenta's standalone loop: a growing window per stage, fail as soon as the score is ≤ marginal, the last score decides. */
export const runKayenta: Runner = (judge, kind, arms) => {
  const config = configFor(kind);
  let start = 0;
  let lastPass = true;
  for (const minutes of STAGE_MINUTES) {
    for (let end = INTERVAL_MIN; end <= minutes; end += INTERVAL_MIN) {
      const out = judge.judge({
        config,
        thresholds: THRESHOLDS,
        pairs: pairsFor(kind, arms, start, start + end),
      });
      if (out.result.score.score <= THRESHOLDS.marginal) return { failed: true, minutes: start + end };
      lastPass = out.result.score.score >= THRESHOLDS.pass;
    }
    start += minutes;
  }
  return { failed: !lastPass, minutes: start };
};

/**
 * A sequential judge with state across judgements; `fail` stops the analysis. An early `pass` ends a
 * stage; `lastStageEarlyPass: false` keeps judging the last stage to its planned end (the native rule).
 */
function sequentialRunner(lastStageEarlyPass: boolean): Runner {
  return (judge, kind, arms) => {
    const config = configFor(kind);
    let start = 0;
    let state: unknown;
    let index = 0;
    let elapsed = 0;
    let lastClass = "Pass";
    for (const [si, minutes] of STAGE_MINUTES.entries()) {
      const intervals = minutes / INTERVAL_MIN;
      for (let i = 0; i < intervals; i++) {
        const end = (i + 1) * INTERVAL_MIN;
        const input: JudgeInput = {
          config,
          thresholds: THRESHOLDS,
          pairs: pairsFor(kind, arms, start, start + end),
          trafficRatio: 1,
          previousState: state,
          judgementIndex: index++,
          stage: {
            index: si,
            count: STAGE_MINUTES.length,
            interval: i,
            intervals,
            totalIntervals: TOTAL_MIN / INTERVAL_MIN,
          },
        };
        const out = judge.judge(input);
        state = out.state;
        elapsed = start + end;
        lastClass = out.result.score.classification;
        if (out.decision === "fail" || lastClass === "Fail") return { failed: true, minutes: elapsed };
        const last = si === STAGE_MINUTES.length - 1;
        if (out.decision === "pass" && (!last || lastStageEarlyPass)) break;
      }
      start += minutes;
    }
    return { failed: lastClass !== "Pass", minutes: elapsed };
  };
}
export const runSequentialV1 = sequentialRunner(true);
export const runSequentialV2 = sequentialRunner(false);

export function seedOf(set: "tune" | "report", caseIndex: number, run: number): number {
  let h = ((set === "tune" ? 0x51ed27 : 0xa5a5a5) ^ (caseIndex * 0x9e3779b1 + run * 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export interface Cell {
  runs: number;
  fails: number;
  failMinutes: number;
}

export interface BenchResult {
  judges: string[];
  /** cells[mode][kind][judge] */
  cells: Map<string, Map<Kind, Cell[]>>;
  /** Runs where every judge failed: summed minutes per judge and the count (mode → […]). */
  common: Map<string, { runs: number; minutes: number[] }>;
}

/** Adds one run's outcomes (one per judge) to the cells, and to the common runs when every judge failed. */
export function tally(
  outs: readonly Outcome[],
  cells: Cell[],
  both: { runs: number; minutes: number[] },
): void {
  outs.forEach((o, ji) => {
    const c = cells[ji]!;
    c.runs += 1;
    if (o.failed) {
      c.fails += 1;
      c.failMinutes += o.minutes;
    }
  });
  if (outs.every((o) => o.failed)) {
    both.runs += 1;
    outs.forEach((o, ji) => (both.minutes[ji]! += o.minutes));
  }
}

export function runBench(
  judges: Array<{ label: string; judge: Judge; run: Runner }>,
  set: "tune" | "report",
  scale = 1,
  modes: readonly FailureMode[] = MODES,
): BenchResult {
  const cells = new Map<string, Map<Kind, Cell[]>>();
  const common = new Map<string, { runs: number; minutes: number[] }>();
  let caseIndex = 0;
  for (const m of modes) {
    const byKind = new Map<Kind, Cell[]>();
    const both = { runs: 0, minutes: judges.map(() => 0) };
    for (const kind of KINDS) {
      caseIndex += 1;
      if (m.kinds && !m.kinds.includes(kind)) continue;
      const cellsHere = judges.map(() => ({ runs: 0, fails: 0, failMinutes: 0 }));
      const runs = Math.max(5, Math.round(m.runs * scale));
      for (let r = 0; r < runs; r++) {
        const arms = simulateKind(kind, m.mode, TOTAL_MIN, seedOf(set, caseIndex, r));
        const outs = judges.map((j) => j.run(j.judge, kind, arms));
        tally(outs, cellsHere, both);
      }
      byKind.set(kind, cellsHere);
    }
    cells.set(m.name, byKind);
    common.set(m.name, both);
  }
  return { judges: judges.map((j) => j.label), cells, common };
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "–");
const mins = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(0)}m` : "–");

function sum(cells: Cell[]): Cell {
  return cells.reduce(
    (a, c) => ({
      runs: a.runs + c.runs,
      fails: a.fails + c.fails,
      failMinutes: a.failMinutes + c.failMinutes,
    }),
    {
      runs: 0,
      fails: 0,
      failMinutes: 0,
    },
  );
}

export function printBench(res: BenchResult): string[] {
  const lines: string[] = [];
  const J = res.judges;
  const header =
    "| failure mode | runs | " +
    J.map((j) => `${j} detected`).join(" | ") +
    " | " +
    J.map((j) => `${j} time to fail`).join(" | ") +
    " |";
  lines.push(header, "|" + " --- |".repeat(2 + 2 * J.length));
  const overall = J.map(() => ({ detected: 0, cases: 0, failMinutes: 0, fails: 0 }));
  let aa: Cell[] = J.map(() => ({ runs: 0, fails: 0, failMinutes: 0 }));
  for (const [mode, byKind] of res.cells) {
    const perJudge = J.map((_, ji) => sum([...byKind.values()].map((c) => c[ji]!)));
    if (mode === "A/A") aa = perJudge;
    else
      perJudge.forEach((c, ji) => {
        // Overall detection: the mean over kind × mode cases, each case weighted equally.
        for (const cell of byKind.values()) {
          overall[ji]!.detected += cell[ji]!.fails / cell[ji]!.runs;
          overall[ji]!.cases += 1;
        }
        overall[ji]!.failMinutes += c.failMinutes;
        overall[ji]!.fails += c.fails;
      });
    lines.push(
      `| ${mode} | ${perJudge[0]!.runs} | ` +
        perJudge.map((c) => pct(c.fails / c.runs)).join(" | ") +
        " | " +
        perJudge.map((c) => (mode === "A/A" ? "–" : mins(c.failMinutes / c.fails))).join(" | ") +
        " |",
    );
    if (DETAIL)
      for (const [kind, c] of byKind)
        lines.push(
          `|   ${kind} | ${c[0]!.runs} | ` +
            c.map((x) => pct(x.fails / x.runs)).join(" | ") +
            " | " +
            c.map((x) => (mode === "A/A" ? "–" : mins(x.failMinutes / x.fails))).join(" | ") +
            " |",
        );
  }
  lines.push(
    `| **all regressions** | | ` +
      overall.map((o) => `**${pct(o.detected / o.cases)}**`).join(" | ") +
      " | " +
      overall.map((o) => `**${mins(o.failMinutes / o.fails)}**`).join(" | ") +
      " |",
  );
  lines.push("");
  lines.push(
    `A/A false-fail rate: ${J.map((j, ji) => `${j} ${pct(aa[ji]!.fails / aa[ji]!.runs)}`).join(", ")}`,
  );
  const aaKinds = res.cells.get("A/A");
  if (aaKinds)
    lines.push(
      "A/A by metric kind: " +
        [...aaKinds].map(([k, c]) => `${k} ${c.map((x) => pct(x.fails / x.runs)).join("/")}`).join("; "),
    );
  let bothRuns = 0;
  const bothMin = J.map(() => 0);
  for (const [mode, b] of res.common) {
    if (mode === "A/A") continue;
    bothRuns += b.runs;
    b.minutes.forEach((m, ji) => (bothMin[ji]! += m));
  }
  lines.push(
    `Mean time to fail over the ${bothRuns} regression runs every judge failed: ` +
      J.map((j, ji) => `${j} ${mins(bothMin[ji]! / bothRuns)}`).join(", "),
  );
  return lines;
}

function main(): void {
  const started = process.hrtime.bigint();
  const res = runBench(
    [
      { label: "Kayenta", judge: getJudge("NetflixACAJudge-v1.0"), run: runKayenta },
      { label: "v1", judge: getJudge("coalmine-sequential-v1"), run: runSequentialV1 },
      { label: "v2", judge: getJudge("coalmine-sequential-v2"), run: runSequentialV2 },
    ],
    SEEDS,
    SCALE,
    process.env.BENCH_ONLY
      ? MODES.filter((m) => m.name === "A/A" || m.name.includes(process.env.BENCH_ONLY!))
      : MODES,
  );
  console.log(
    `Seeds: ${SEEDS}. Stages ${STAGE_MINUTES.join(" + ")} min, a judgement every ${INTERVAL_MIN} min; one metric per canary; ` +
      `detected = fail verdict; time to fail = mean minutes from the start over the runs it failed.`,
  );
  for (const l of printBench(res)) console.log(l);
  console.log(`\n(${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s)`);
}

if (require.main === module) main();
