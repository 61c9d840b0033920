// `coalmine-sequential-v1`: anytime-valid per-metric tests kept across the judgements of an analysis.
import {
  resolveCanaryOptions,
  type Direction,
  type MetricConfig,
  type ResolvedCanaryOptions,
} from "../../config/canary-config.schema";
import { SequentialJudgeOptionsSchema, type SequentialOptions } from "../../config/sequential-options.schema";
import type {
  CanaryJudgeResult,
  EarlyDecision,
  Judge,
  JudgeInput,
  JudgeOutput,
  MetricResult,
  MetricSetPair,
} from "../types";
import { addCountSteps, emptyCountState, evaluateCount, type CountState } from "./count-test";
import { newPairs, type SeriesCursor } from "./new-points";
import {
  addPairs,
  DEFAULT_PAIRED_PARAMS,
  emptyPairedState,
  evaluatePaired,
  type PairedState,
} from "./paired-test";
import { scoreResults } from "./score";
import { alphaWeights, cleanSide, seriesKey, sides, type Side } from "./series";
import { describeSample } from "../descriptive-stats";

export const SEQUENTIAL_JUDGE_NAME = "coalmine-sequential-v1";
export const DEFAULT_ALPHA = 0.01;
export const DEFAULT_TOLERANCE = { continuous: 0.01, count: 0.1 } as const;

/** Per series (metric name + tags) state carried between judgements. */
export interface SeriesState {
  kind: "count" | "continuous";
  alpha: number;
  cursor: SeriesCursor;
  /** Pairs with a finite value on both sides, ever. */
  observed: number;
  count?: CountState;
  paired?: PairedState;
  /** Running minimum of the sequential p-value. */
  pMin: number;
  /** Set once a regression beyond tolerance is shown; anytime-valid rejections are final. */
  failed?: { side: Side; judgement: number; reason: string };
}

export interface SequentialState {
  v: 1;
  alpha: number;
  judgements: number;
  series: Record<string, SeriesState>;
}

const COUNT_NAME = /(_total|_count)$|\b(errors?|failures?|faults?|exceptions?|requests?|count|events?)\b/i;
const NOT_COUNT = /latency|duration|time|seconds|ratio|rate|percent|cpu|memory|bytes/i;

/** `analysisConfigurations.coalmine.kind`, else guessed from the metric and query names (documented in docs/judges.md). */
export function metricKind(metric: MetricConfig): "count" | "continuous" {
  const kind = metric.analysisConfigurations?.coalmine?.kind;
  if (kind) return kind;
  const query = metric.query as { metricName?: unknown };
  const names = [metric.name, typeof query.metricName === "string" ? query.metricName : ""];
  return names.some((n) => COUNT_NAME.test(n) && !NOT_COUNT.test(n)) ? "count" : "continuous";
}

function readState(previous: unknown, alpha: number): SequentialState {
  if (previous && typeof previous === "object" && (previous as { v?: unknown }).v === 1) {
    return previous as SequentialState;
  }
  return { v: 1, alpha, judgements: 0, series: {} };
}

const fmt = (x: number): string => (Math.abs(x) >= 1e6 ? x.toExponential(2) : x.toPrecision(4));
const pct = (x: number): string => `${(x * 100).toPrecision(3)} %`;

interface Evaluation {
  estimate: number;
  lower: number;
  upper: number;
  level: number;
  /** ln e-value per side, Bonferroni-weighted within the series so that fail ⇔ logE ≥ ln(1/α). */
  logE: Record<Side, number>;
  /** Which test carries the evidence on each side. */
  test: Record<Side, string>;
  inside: boolean;
  figures: Record<string, number | string | boolean | null>;
}

function evaluateSeries(s: SeriesState, direction: Direction, tolerance: number): Evaluation {
  const dirs = sides(direction);
  const perSide = s.alpha / dirs.length;
  const k = 1 + tolerance;
  if (s.kind === "count") {
    const st = s.count ?? emptyCountState();
    // The confidence sequence is two-sided at α; each side's e-value is compared with the side's α.
    const ev = evaluateCount(st, perSide, tolerance);
    const nc = st.segments.reduce((a, x) => a + x.nc, 0);
    const nb = st.segments.reduce((a, x) => a + x.nb, 0);
    const scale = Math.log(s.alpha / perSide);
    return {
      estimate: ev.estimate,
      lower: ev.lower,
      upper: ev.upper,
      level: 1 - perSide,
      logE: { increase: ev.logEUp - scale, decrease: ev.logEDown - scale },
      test: { increase: "rate ratio", decrease: "rate ratio" },
      inside: dirs.every((d) => (d === "increase" ? ev.upper < k : ev.lower > 1 / k)),
      figures: {
        canaryEvents: nc,
        baselineEvents: nb,
        dispersion: ev.dispersion,
        segments: st.segments.length,
      },
    };
  }
  const st = s.paired ?? emptyPairedState();
  const share = DEFAULT_PAIRED_PARAMS.tailShare;
  const aLoc = (perSide * (1 - share)) / 1;
  const aTail = perSide * share;
  const ev = evaluatePaired(st, aLoc, tolerance);
  // Weight each test's e-value by its α share: fail ⇔ E_test ≥ 1/α_test ⇔ E_test·α_test/α ≥ 1/α.
  const wLoc = Math.log(aLoc / s.alpha);
  const wTail = Math.log(aTail / s.alpha);
  const pick = (loc: number, tail: number): [number, string] =>
    loc + wLoc >= tail + wTail ? [loc + wLoc, "mean log-ratio"] : [tail + wTail, "tail"];
  const [eUp, tUp] = pick(ev.logEUp, ev.logETailUp);
  const [eDown, tDown] = pick(ev.logEDown, ev.logETailDown);
  return {
    estimate: ev.estimate,
    lower: ev.lower,
    upper: ev.upper,
    level: 1 - aLoc,
    logE: { increase: eUp, decrease: eDown },
    test: { increase: tUp, decrease: tDown },
    inside: dirs.every((d) => (d === "increase" ? ev.upper < k : ev.lower > 1 / k)),
    figures: {
      pairs: st.n,
      effectiveSampleFactor: ev.factor,
      sdLogRatio: ev.sd,
      tailUpWins: st.tailUp.w,
      tailUpLosses: st.tailUp.l,
      tailDownWins: st.tailDown.w,
      tailDownLosses: st.tailDown.l,
    },
  };
}

function tolerance(o: SequentialOptions | undefined, kind: "count" | "continuous"): number {
  return o?.tolerance ?? DEFAULT_TOLERANCE[kind];
}

interface Classified {
  result: MetricResult;
  inside: boolean;
  failed: boolean;
}

function classify(
  pair: MetricSetPair,
  metric: MetricConfig,
  opts: ResolvedCanaryOptions,
  prev: SeriesState | undefined,
  alpha: number,
  judgement: number,
  trafficRatio: number,
): { classified: Classified; state: SeriesState } {
  const kind = metricKind(metric);
  const tol = tolerance(metric.analysisConfigurations?.coalmine, kind);
  const control = cleanSide(pair.values.control, opts.nanStrategy);
  const experiment = cleanSide(pair.values.experiment, opts.nanStrategy);
  const base = {
    name: pair.name,
    ...(pair.id !== undefined ? { id: pair.id } : {}),
    tags: pair.tags,
    groups: metric.groups && metric.groups.length > 0 ? metric.groups : [metric.name],
    muted: opts.muted,
    direction: opts.direction,
    experimentMetadata: { stats: describeSample(experiment) },
    controlMetadata: { stats: describeSample(control) },
  };
  let s: SeriesState = prev ?? { kind, alpha, cursor: {}, observed: 0, pMin: 1 };
  const { pairs, cursor } = newPairs(pair, s.cursor);
  const fix = (v: number): number => (Number.isNaN(v) && opts.nanStrategy === "replace" ? 0 : v);
  const usable = pairs
    .map((p) => ({ baseline: fix(p.baseline), canary: fix(p.canary) }))
    .filter((p) => Number.isFinite(p.baseline) && Number.isFinite(p.canary));
  s = { ...s, cursor, observed: s.observed + usable.length };
  if (kind === "count") {
    const steps = usable.map((p) => ({ baseline: Math.max(0, p.baseline), canary: Math.max(0, p.canary) }));
    s = { ...s, count: addCountSteps(s.count ?? emptyCountState(), steps, trafficRatio) };
  } else {
    s = { ...s, paired: addPairs(s.paired ?? emptyPairedState(), usable, tol) };
  }
  if (s.observed === 0) {
    const failMetric = opts.mustHaveData && !opts.critical;
    const result: MetricResult = {
      ...base,
      classification: failMetric ? "NodataFailMetric" : "Nodata",
      classificationReason: `Missing data for ${pair.name}`,
      critical: failMetric ? false : opts.critical,
      resultMetadata: {
        ratio: 1,
        decision: "continue",
        scale: "ratio",
        toleranceLower: 1 / (1 + tol),
        toleranceUpper: 1 + tol,
        sequential: { kind, decision: "continue", tolerance: tol, alpha: s.alpha },
      },
    };
    return { classified: { result, inside: false, failed: false }, state: s };
  }
  const ev = evaluateSeries(s, opts.direction, tol);
  const level = Math.log(1 / s.alpha);
  const logE = Math.max(...sides(opts.direction).map((d) => ev.logE[d]));
  const p = Math.min(1, Math.exp(-logE));
  s = { ...s, pMin: Math.min(s.pMin, p) };
  if (!s.failed) {
    const side = sides(opts.direction).find((d) => ev.logE[d] >= level);
    if (side) {
      const bound =
        side === "increase"
          ? `the ${pct(ev.level)} running bound on the canary/baseline ratio is [${fmt(ev.lower)}, ${fmt(ev.upper)}], tolerance ×${fmt(1 + tol)}`
          : `the ${pct(ev.level)} running bound on the canary/baseline ratio is [${fmt(ev.lower)}, ${fmt(ev.upper)}], tolerance ×${fmt(1 / (1 + tol))}`;
      const label = side === "increase" ? "High" : "Low";
      s = {
        ...s,
        failed: {
          side,
          judgement,
          reason: `${pair.name} was classified as ${label} (${ev.test[side]} test, e-value ${fmt(Math.exp(logE))} ≥ ${fmt(1 / s.alpha)}; ${bound})`,
        },
      };
    }
  }
  const mean = (xs: number[]): number => xs.reduce((a, v) => a + v, 0) / xs.length;
  const mc = experiment.length ? mean(experiment) : NaN;
  const mb = control.length ? mean(control) : NaN;
  const ratio = mb === 0 || mc === 0 || Number.isNaN(mb) || Number.isNaN(mc) ? NaN : mc / mb;
  const newB = usable.reduce((a, x) => a + x.baseline, 0);
  const newC = usable.reduce((a, x) => a + x.canary, 0);
  const intervalRatio = newB > 0 ? newC / newB / (kind === "count" ? trafficRatio : 1) : null;
  const decision: EarlyDecision = s.failed ? "fail" : ev.inside ? "pass" : "continue";
  const failed = s.failed;
  const label = failed ? (failed.side === "increase" ? "High" : "Low") : "Pass";
  const result: MetricResult = {
    ...base,
    classification: label,
    ...(failed ? { classificationReason: failed.reason } : {}),
    critical: Boolean(failed) && opts.critical,
    resultMetadata: {
      ratio,
      pValue: s.pMin,
      confidenceInterval: { lower: ev.lower, upper: ev.upper, level: ev.level },
      estimate: ev.estimate,
      effectSize: ev.estimate,
      // The running bound and the tolerance on the ratio scale the tests use (docs/judges.md).
      decision: failed ? "fail" : ev.inside ? "pass" : "continue",
      scale: "ratio",
      lower: ev.lower,
      upper: ev.upper,
      toleranceLower: 1 / (1 + tol),
      toleranceUpper: 1 + tol,
      sequential: {
        kind,
        test: ev.test[failed?.side ?? (ev.logE.increase >= ev.logE.decrease ? "increase" : "decrease")],
        decision,
        eValue: Math.exp(logE),
        pValue: s.pMin,
        alpha: s.alpha,
        tolerance: tol,
        lower: ev.lower,
        upper: ev.upper,
        level: ev.level,
        intervalRatio,
        newValues: usable.length,
        failedAtJudgement: failed ? failed.judgement : null,
        ...ev.figures,
      },
    },
  };
  return { classified: { result, inside: ev.inside, failed: Boolean(failed) }, state: s };
}

export function judgeSequential(input: JudgeInput): JudgeOutput {
  const judgeOpts = SequentialJudgeOptionsSchema.safeParse(input.config.judge?.judgeConfigurations ?? {});
  const alphaTotal = judgeOpts.success ? (judgeOpts.data.alpha ?? DEFAULT_ALPHA) : DEFAULT_ALPHA;
  const state = readState(input.previousState, alphaTotal);
  const judgement = input.judgementIndex ?? state.judgements;
  const ratio = input.trafficRatio && input.trafficRatio > 0 ? input.trafficRatio : 1;
  const weights = alphaWeights(input.config);
  const seriesPerMetric = new Map<string, number>();
  for (const p of input.pairs) seriesPerMetric.set(p.name, (seriesPerMetric.get(p.name) ?? 0) + 1);
  const series: Record<string, SeriesState> = { ...state.series };
  const classified: Classified[] = [];
  for (const pair of input.pairs) {
    const metric = input.config.metrics.find((m) => m.name === pair.name);
    if (!metric) throw new Error(`No metric config named "${pair.name}" for a metric set pair`);
    const opts = resolveCanaryOptions(metric);
    const key = seriesKey(pair);
    const alpha =
      (state.alpha * weights.weight(metric)) / weights.total / (seriesPerMetric.get(pair.name) ?? 1);
    const out = classify(pair, metric, opts, series[key], alpha, judgement, ratio);
    series[key] = out.state;
    classified.push(out.classified);
  }
  const results = classified.map((c) => c.result);
  const scored = scoreResults(results, input.config, input.thresholds);
  const unmuted = classified.filter((c) => !c.result.muted);
  const failedOne = unmuted.find((c) => c.failed);
  let score = scored.score;
  if (failedOne) {
    // An anytime-valid rejection fails the canary whatever the weighted score says.
    const reason = score.classificationReason.startsWith("Canary Failed")
      ? score.classificationReason
      : `Canary Failed: ${failedOne.result.classificationReason ?? failedOne.result.name}`;
    score = { score: 0, classification: "Fail", classificationReason: reason };
  }
  const decision: EarlyDecision =
    score.classification === "Fail"
      ? "fail"
      : unmuted.length > 0 && unmuted.every((c) => c.inside)
        ? "pass"
        : "continue";
  const result: CanaryJudgeResult = {
    judgeName: SEQUENTIAL_JUDGE_NAME,
    results,
    groupScores: scored.groupScores,
    score,
  };
  const next: SequentialState = { v: 1, alpha: state.alpha, judgements: state.judgements + 1, series };
  return { result, state: next, decision };
}

export const sequentialJudge: Judge = {
  name: SEQUENTIAL_JUDGE_NAME,
  judge: judgeSequential,
};
