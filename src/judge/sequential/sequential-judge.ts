// `coalmine-sequential-v1`: anytime-valid per-metric tests kept across the judgements of an analysis.
import type { Direction } from "../../config/canary-config.schema";
import type { SequentialOptions } from "../../config/sequential-options.schema";
import type { EarlyDecision, Judge, JudgeInput, JudgeOutput } from "../types";
import { addCountSteps, emptyCountState, evaluateCount, type CountState } from "./count-test";
import {
  judgeEverySeries,
  type SequentialJudgeState,
  type SeriesInput,
  type SeriesOutcome,
} from "./judgement";
import type { SeriesCursor } from "./new-points";
import {
  addPairs,
  DEFAULT_PAIRED_PARAMS,
  emptyPairedState,
  evaluatePaired,
  type PairedState,
} from "./paired-test";
import { judgedResult, nodataResult, resultBase, sideLabel } from "./metric-result";
import { metricKind, newUsablePairs, sides, type Side } from "./series";

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

export type SequentialState = SequentialJudgeState<1, SeriesState>;

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

function classify({
  pair,
  metric,
  opts,
  prev,
  alpha,
  judgement,
  trafficRatio,
}: SeriesInput<SeriesState>): SeriesOutcome<SeriesState> {
  const kind = metricKind(metric);
  const tol = tolerance(metric.analysisConfigurations?.coalmine, kind);
  const { base, meanRatio } = resultBase(pair, metric, opts);
  let s: SeriesState = prev ?? { kind, alpha, cursor: {}, observed: 0, pMin: 1 };
  const { usable, cursor } = newUsablePairs(pair, s.cursor, opts.nanStrategy);
  s = { ...s, cursor, observed: s.observed + usable.length };
  if (kind === "count") {
    const steps = usable.map((p) => ({ baseline: Math.max(0, p.baseline), canary: Math.max(0, p.canary) }));
    s = { ...s, count: addCountSteps(s.count ?? emptyCountState(), steps, trafficRatio) };
  } else {
    s = { ...s, paired: addPairs(s.paired ?? emptyPairedState(), usable, tol) };
  }
  if (s.observed === 0) {
    const result = nodataResult(base, opts, `Missing data for ${pair.name}`, tol, {
      kind,
      decision: "continue",
      tolerance: tol,
      alpha: s.alpha,
    });
    return { result, decision: "continue", state: s };
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
      s = {
        ...s,
        failed: {
          side,
          judgement,
          reason: `${pair.name} was classified as ${sideLabel(side)} (${ev.test[side]} test, e-value ${fmt(Math.exp(logE))} ≥ ${fmt(1 / s.alpha)}; ${bound})`,
        },
      };
    }
  }
  const newB = usable.reduce((a, x) => a + x.baseline, 0);
  const newC = usable.reduce((a, x) => a + x.canary, 0);
  const intervalRatio = newB > 0 ? newC / newB / (kind === "count" ? trafficRatio : 1) : null;
  const failed = s.failed;
  const decision: EarlyDecision = failed ? "fail" : ev.inside ? "pass" : "continue";
  const result = judgedResult(base, opts, {
    failedSide: failed?.side,
    reason: failed?.reason,
    meanRatio,
    pValue: s.pMin,
    bound: ev,
    decision,
    tolerance: tol,
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
  });
  return { result, decision, state: s };
}

export function judgeSequential(input: JudgeInput): JudgeOutput {
  return judgeEverySeries(
    input,
    { name: SEQUENTIAL_JUDGE_NAME, v: 1, defaultAlpha: DEFAULT_ALPHA },
    classify,
  );
}

export const sequentialJudge: Judge = {
  name: SEQUENTIAL_JUDGE_NAME,
  judge: judgeSequential,
};
