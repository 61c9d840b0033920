// `coalmine-sequential-v2`: per-stage evidence per metric series, zeros kept, tails and scale tested.
//
// Every stage opens a fresh evidence record for each series, so a regression that appears at a higher
// traffic weight is judged on that stage's data alone; one more record pools every stage. A series
// fails as soon as one (record, test) term crosses its threshold: the e-process tests (zeros, tail,
// scale, the count split) at E ≥ 1/(α·w·v), the location t-test at the nominal level of a
// group-sequential boundary over the record's planned looks, where w is the record's share of the
// series' α (pooled ½, the stages the rest) and v the test's. The union bound holds the error rate over
// every record, test and look; dependence is estimated once per series from every stage's residuals.
// Details and the measured tables: docs/judges.md, docs/adr/0006-sequential-judge-v2.md.
import { evaluateCount } from "../sequential/count-test";
import { addToLagSums, emptyLagSums } from "../sequential/dependence";
import {
  judgeEverySeries,
  type SequentialJudgeState,
  type SeriesInput,
  type SeriesOutcome,
} from "../sequential/judgement";
import type { SeriesCursor } from "../sequential/new-points";
import { normalMixtureLogE, normalMixtureRadius } from "../sequential/normal-mixture";
import { locationMoments } from "../sequential/paired-test";
import { judgedResult, nodataResult, resultBase, sideLabel } from "../sequential/metric-result";
import { metricKind, newUsablePairs, sides, type Side } from "../sequential/series";
import type { EarlyDecision, Judge, JudgeInput, JudgeOutput } from "../types";
import { DEFAULT_DEPENDENCE_V2, detrend, effectiveShare, type DependenceV2Params } from "./long-run-variance";
import { nominalLevel } from "./group-sequential";
import { lnStudentUpperTail, studentUpperQuantile } from "./student-t";
import { signShareLogE, toleranceShare } from "./sign-test";
import {
  addStagePairs,
  emptyStageEvidence,
  type SignCounts,
  type SignTest,
  type StageEvidence,
} from "./stage-evidence";

export const SEQUENTIAL_V2_JUDGE_NAME = "coalmine-sequential-v2";
export const V2_DEFAULT_ALPHA = 0.01;
export const V2_DEFAULT_TOLERANCE = { continuous: 0, count: 0 } as const;

export type TestName = "location" | "zeros" | "tail" | "scale";

export interface V2Params {
  /** Share of each series' evidence weight per test (sums to 1). */
  testWeights: Record<TestName, number>;
  /** Normal-mixture precision of the location test, in effective pairs. */
  mixture: number;
  /** No location evidence before this many effective pairs. */
  minEffective: number;
  /** Floor of the standard deviation of ln(c/b). */
  minSd: number;
  /** Beta(a, a) mixing prior of the sign tests. */
  signPrior: number;
  /** Minimum exposure before a stage may pass: pairs in the stage, and share of its planned judgements. */
  minPoints: number;
  minShare: number;
  /** Prior and caps of the long-run variance factor (location values and the sign tests' outcomes). */
  dependence: DependenceV2Params;
  /** Share of a series' α for the record pooled over all stages (the stages share the rest equally). */
  pooledShare: number;
  /**
   * α-spending of the location test over a record's planned looks: Hwang–Shih–DeCani `gamma`, and the
   * share `extra` of the record's α kept for looks beyond the plan.
   */
  spending: { gamma: number; extra: number };
  /** Tolerance of a metric that sets none, per kind. */
  tolerance: { continuous: number; count: number };
}

export const DEFAULT_V2_PARAMS: V2Params = {
  testWeights: { location: 0.8, zeros: 0.05, tail: 0.1, scale: 0.05 },
  mixture: 10,
  minEffective: 3,
  minSd: 0.001,
  signPrior: 0.5,
  minPoints: 30,
  minShare: 0.5,
  dependence: DEFAULT_DEPENDENCE_V2,
  pooledShare: 0.5,
  spending: { gamma: -2, extra: 0.05 },
  tolerance: { ...V2_DEFAULT_TOLERANCE },
};

/** Effective shares (1/I) of the location values and of each sign test's outcomes, shared by every record. */
interface SharedDependence {
  log: number;
  /** Per sign test, from its own outcome series. */
  signs: Record<SignTest, number>;
}

/** Per series (metric name + tags) state carried between judgements. */
export interface SeriesStateV2 {
  kind: "count" | "continuous";
  alpha: number;
  cursor: SeriesCursor;
  observed: number;
  /** Evidence per stage, oldest first; earlier stages are frozen. */
  stages: StageEvidence[];
  pMin: number;
  failed?: { side: Side; stage: number; judgement: number; reason: string };
}

export type SequentialStateV2 = SequentialJudgeState<2, SeriesStateV2>;

interface LocationView {
  scale: "ratio";
  estimate: number;
  lower: number;
  upper: number;
  level: number;
  logEUp: number;
  logEDown: number;
  points: number;
  effective: number;
}

/** The location test's nominal one-sided level at look j of a record planned for `planned` looks. */
export function lookLevel(alphaRecord: number, j: number, planned: number, p: V2Params): number {
  return nominalLevel(alphaRecord, j, planned, p.spending.gamma, p.spending.extra);
}

/** Share of a series' α for one evidence record: the pooled record (stage −1) or one of K stages. */
export function recordShare(stage: number, stageCount: number, p: V2Params): number {
  if (stageCount <= 1) return stage < 0 ? 0 : 1;
  return stage < 0 ? p.pooledShare : (1 - p.pooledShare) / stageCount;
}

/** What the tests of one evidence record are run with. */
interface RecordTests {
  kind: "count" | "continuous";
  tolerance: number;
  /** The location test's α for the record. */
  alphaCs: number;
  p: V2Params;
  /** Looks planned for the record (0: not known). */
  plannedLooks: number;
  dep: SharedDependence;
}

/** The location test of one record: geometric-mean ratio (continuous) or rate ratio (counts). */
function location(ev: StageEvidence, t: RecordTests): LocationView {
  const { kind, tolerance, alphaCs, p } = t;
  if (kind === "count" && ev.count) {
    // Counts: the event split (Beta-binomial, exact for sparse events, robust to shared bursts) and
    // the log-ratio test of busy counters (both arms > 0 nearly always), each at half the share.
    const c = evaluateCount(ev.count, alphaCs / 2, tolerance);
    const events = ev.count.segments.reduce((a, s) => a + s.nc + s.nb, 0);
    const r = ratioLocation(ev, { ...t, alphaCs: alphaCs / 2 });
    const dense = ev.log.length >= 0.9 * ev.n && ev.log.length >= p.minPoints;
    return {
      ...(dense
        ? r
        : {
            scale: "ratio" as const,
            estimate: c.estimate,
            lower: c.lower,
            upper: c.upper,
            level: 1 - alphaCs / 2,
            points: events,
            effective: events / c.dispersion,
          }),
      logEUp: Math.max(c.logEUp, r.logEUp) - Math.LN2,
      logEDown: Math.max(c.logEDown, r.logEDown) - Math.LN2,
    };
  }
  return ratioLocation(ev, t);
}

/** Location of ln(c/b) over the instants where both arms are > 0 (whatever the record's kind). */
function ratioLocation(ev: StageEvidence, t: RecordTests): LocationView {
  const { tolerance, alphaCs, p, plannedLooks, dep } = t;
  const f = dep.log;
  const nEff = f * ev.log.length;
  const mom = locationMoments(ev.log.reduce(addToLagSums, emptyLagSums()));
  const sd = mom.sd / Math.sqrt(Math.max(0.25, 1 - 2 / Math.max(nEff, 1e-9)));
  const ok = Number.isFinite(sd) && nEff >= p.minEffective;
  const tol = Math.log1p(tolerance);
  const clamp = (x: number): number => Math.max(-30, Math.min(30, x));
  if (plannedLooks > 0) {
    // A stage with a known look schedule: a t-test at each look with the α share of that look
    // (Bonferroni over the stage's looks), reported as ln(1/p) − ln(1/share), so that
    // "weighted ≥ ln(1/α)" ⇔ p ≤ α·weight·share. The variance is the detrended residual variance
    // (unbiased), and the t distribution with n_eff − 1 degrees of freedom carries its uncertainty,
    // which under dependence rests on n_eff, not n, values.
    const share = lookLevel(alphaCs, Math.max(1, ev.looks), plannedLooks, p) / alphaCs;
    const n = ev.log.length;
    const res = detrend(ev.log);
    const s2 = n > 2 ? res.reduce((a, e) => a + e * e, 0) / (n - 2) : Infinity;
    const sdT = Math.max(p.minSd, Math.sqrt(s2 / Math.max(0.25, 1 - 2 / Math.max(nEff, 1e-9))));
    const df = Math.max(1, nEff - 1);
    const okT = Number.isFinite(sdT) && nEff >= p.minEffective;
    const se = sdT / Math.sqrt(Math.max(nEff, 1e-9));
    const z = okT ? studentUpperQuantile(alphaCs * share, df) : Infinity;
    const lnP = (x: number): number => (okT ? lnStudentUpperTail(x / se, df) : 0);
    return {
      scale: "ratio",
      estimate: Math.exp(mom.mean),
      lower: Math.exp(clamp(mom.mean - z * se)),
      upper: Math.exp(clamp(mom.mean + z * se)),
      level: 1 - alphaCs * share,
      logEUp: okT ? Math.log(share) - lnP(mom.mean - tol) : 0,
      logEDown: okT ? Math.log(share) - lnP(-tol - mom.mean) : 0,
      points: ev.log.length,
      effective: nEff,
    };
  }
  const radius = ok ? normalMixtureRadius(nEff, sd, alphaCs, p.mixture) : Infinity;
  return {
    scale: "ratio",
    estimate: Math.exp(mom.mean),
    lower: Math.exp(clamp(mom.mean - radius)),
    upper: Math.exp(clamp(mom.mean + radius)),
    level: 1 - alphaCs,
    logEUp: ok ? normalMixtureLogE((nEff * (mom.mean - tol)) / sd, nEff, p.mixture, true) : 0,
    logEDown: ok ? normalMixtureLogE((nEff * (-tol - mom.mean)) / sd, nEff, p.mixture, true) : 0,
    points: ev.log.length,
    effective: nEff,
  };
}

interface StageView {
  stage: number;
  loc: LocationView;
  /** ln E per side and test (already without weights). */
  logE: Record<Side, Record<TestName, number>>;
}

function stageView(ev: StageEvidence, t: RecordTests): StageView {
  const { tolerance, p, dep } = t;
  const loc = location(ev, t);
  // Sign tests count effective instants: the dependence of their own outcomes discounts them (ADR 0006).
  const sign = (test: SignTest, c: SignCounts, p0: number): number =>
    signShareLogE(dep.signs[test] * c.w, dep.signs[test] * c.l, p0, p.signPrior);
  const flip = (c: SignCounts): SignCounts => ({ w: c.l, l: c.w });
  const share = toleranceShare(tolerance);
  return {
    stage: ev.stage,
    loc,
    logE: {
      increase: {
        location: loc.logEUp,
        zeros: sign("zero", ev.zero, share),
        tail: sign("tailUp", ev.tailUp, 0.5),
        scale: sign("scale", ev.scale, 0.5),
      },
      decrease: {
        location: loc.logEDown,
        zeros: sign("zero", flip(ev.zero), share),
        tail: sign("tailDown", ev.tailDown, 0.5),
        // A quieter canary is not a regression on either side.
        scale: -Infinity,
      },
    },
  };
}

/** Effective share of a sign test's outcomes (+1 win, −1 loss, 0 neither) over every stage's instants. */
export function markShare(stages: readonly StageEvidence[], test: SignTest, p: V2Params): number {
  const xs = stages.flatMap((ev) =>
    [...(ev.marks?.[test] ?? "")].map((ch) => (ch === "+" ? 1 : ch === "-" ? -1 : 0)),
  );
  if (!xs.some((x) => x !== 0)) return 1;
  // Scale outcomes are dense (a win or a loss at most instants) and inherit a host's persistence;
  // zeros and tail outcomes are rare events, for which lags 1–2 say enough and no short-series
  // correction applies.
  return test === "scale"
    ? effectiveShare(xs, p.dependence)
    : effectiveShare(xs, { ...p.dependence, boost: 0 }, false);
}

const TESTS: readonly TestName[] = ["location", "zeros", "tail", "scale"];

/** ln Σ_k w_k Σ_t v_t E_{k,t} for one side, and the term that carries most of it. */
function combine(
  views: readonly StageView[],
  side: Side,
  stageCount: number,
  p: V2Params,
): { logE: number; stage: number; test: TestName; termLogE: number } {
  // A union over (process, test) terms: term i fails at ln E_i ≥ ln(1/(α·share_i)), with shares summing to 1.
  let best = { stage: 0, test: "location" as TestName, termLogE: -Infinity, weighted: -Infinity };
  for (const v of views) {
    for (const t of TESTS) {
      const w = p.testWeights[t];
      if (!(w > 0)) continue;
      const raw = v.logE[side][t];
      const weighted = Math.log(w * recordShare(v.stage, stageCount, p)) + raw;
      if (weighted > best.weighted) best = { stage: v.stage, test: t, termLogE: raw, weighted };
    }
  }
  return { logE: best.weighted, stage: best.stage, test: best.test, termLogE: best.termLogE };
}

const fmt = (x: number): string =>
  !Number.isFinite(x)
    ? String(x)
    : Math.abs(x) >= 1e5
      ? x.toExponential(2)
      : String(Number(x.toPrecision(4)));
const pct = (x: number): string => {
  // 99.99… % levels keep their significant digits ("99.98 %", not "100 %").
  const miss = 1 - x;
  const digits = miss > 0 ? Math.max(3, 2 - Math.floor(Math.log10(miss * 100))) : 3;
  return `${Number((x * 100).toPrecision(Math.min(8, digits + 1)))} %`;
};

const TEST_TEXT: Record<TestName, Record<Side, string>> = {
  location: { increase: "the canary runs higher", decrease: "the canary runs lower" },
  zeros: {
    increase: "the canary is non-zero where the baseline is zero",
    decrease: "the canary is zero where the baseline is not",
  },
  tail: { increase: "the canary spikes above the baseline's range", decrease: "the canary dips below it" },
  scale: { increase: "the canary varies more than the baseline", decrease: "the canary varies less" },
};

interface StageInfo {
  index: number;
  count: number;
  /** Judgements done in this stage including this one, and planned for it. */
  judged: number;
  planned: number;
  /** Judgements planned over the whole analysis (0 = unknown). */
  total: number;
}

function stageInfo(input: JudgeInput): StageInfo {
  const s = input.stage;
  if (!s) return { index: 0, count: 1, judged: 0, planned: 0, total: 0 };
  return {
    index: s.index,
    count: Math.max(1, s.count, s.index + 1),
    judged: s.interval + 1,
    planned: s.intervals,
    total: s.totalIntervals ?? 0,
  };
}

function classify(
  { pair, metric, opts, prev, alpha, judgement, trafficRatio }: SeriesInput<SeriesStateV2>,
  stage: StageInfo,
  p: V2Params,
): SeriesOutcome<SeriesStateV2> {
  const kind = metricKind(metric);
  const coalmine = metric.analysisConfigurations?.coalmine;
  const tol = coalmine?.tolerance ?? p.tolerance[kind];
  const k = 1 + tol;
  const { base, meanRatio } = resultBase(pair, metric, opts);
  let s: SeriesStateV2 = prev ?? { kind, alpha, cursor: {}, observed: 0, stages: [], pMin: 1 };
  const { usable, cursor } = newUsablePairs(pair, s.cursor, opts.nanStrategy);
  // stages[0] pools every stage (index −1); the others are one stage each.
  const stages = s.stages.length ? [...s.stages] : [emptyStageEvidence(-1, kind)];
  let current = stages.at(-1);
  if (!current || current.stage !== stage.index) {
    current = emptyStageEvidence(stage.index, kind);
    stages.push(current);
  }
  stages[0] = addStagePairs(stages[0] as StageEvidence, usable, tol, trafficRatio);
  stages[stages.length - 1] = addStagePairs(current, usable, tol, trafficRatio);
  s = { ...s, cursor, observed: s.observed + usable.length, stages };

  if (s.observed === 0) {
    const reason = `${pair.name} has no value on both sides yet, so it cannot be judged.`;
    return { result: nodataResult(base, opts, reason, tol), decision: "continue", state: s };
  }

  const dirs = sides(opts.direction);
  const alphaSide = s.alpha / dirs.length;
  // Dependence is a property of the hosts, not of the stage: estimated on every stage's own residuals.
  const own = s.stages.filter((ev) => ev.stage >= 0);
  const dep: SharedDependence = {
    log: effectiveShare(
      own.flatMap((ev) => detrend(ev.log)),
      p.dependence,
    ),
    signs: {
      zero: markShare(own, "zero", p),
      tailUp: markShare(own, "tailUp", p),
      tailDown: markShare(own, "tailDown", p),
      scale: markShare(own, "scale", p),
    },
  };
  // The location test's share of each record's α: the current stage's running bound is the one the pass rule uses.
  const views = s.stages.map((ev) =>
    stageView(ev, {
      kind,
      tolerance: tol,
      alphaCs: Math.max(1e-300, alphaSide * p.testWeights.location * recordShare(ev.stage, stage.count, p)),
      p,
      plannedLooks: ev.stage < 0 ? stage.total : stage.planned,
      dep,
    }),
  );
  const now = views[views.length - 1] as StageView;
  const level = Math.log(1 / alphaSide);
  const combined = dirs.map((d) => ({ side: d, ...combine(views, d, stage.count, p) }));
  const top = combined.reduce((a, b) => (b.logE > a.logE ? b : a));
  // Sequential p-value of the series: the smallest α_series at which it would have failed by now.
  s = { ...s, pMin: Math.min(s.pMin, Math.min(1, dirs.length * Math.exp(-top.logE))) };
  const loc = now.loc;
  const where = (stageIndex: number): string =>
    stageIndex < 0
      ? stage.count > 1
        ? " over all stages so far"
        : ""
      : stage.count > 1 || stageIndex > 0
        ? ` in stage ${stageIndex + 1}`
        : "";
  if (!s.failed) {
    const hit = combined.find((c) => c.logE >= level);
    if (hit) {
      const label = sideLabel(hit.side);
      const hitLoc = views.find((v) => v.stage === hit.stage)?.loc ?? loc;
      s = {
        ...s,
        failed: {
          side: hit.side,
          stage: hit.stage,
          judgement,
          reason:
            `${pair.name} is ${label}: ${TEST_TEXT[hit.test][hit.side]}${where(hit.stage)} ` +
            `(${hit.test} test; canary/baseline ratio ${fmt(hitLoc.estimate)}, running ${pct(hitLoc.level)} bound ` +
            `${fmt(hitLoc.lower)}–${fmt(hitLoc.upper)}, tolerance ×${fmt(hit.side === "increase" ? k : 1 / k)}; ` +
            `evidence ${fmt(Math.exp(hit.logE))} ≥ ${fmt(Math.exp(level))}).`,
        },
      };
    }
  }
  const exposure = now.loc.points >= p.minPoints || (kind === "count" && s.stages.at(-1)!.n >= p.minPoints);
  const shareOk = stage.planned <= 0 || stage.judged >= Math.ceil(p.minShare * stage.planned);
  const inside = dirs.every((d) => (d === "increase" ? loc.upper < k : loc.lower > 1 / k));
  const decision: EarlyDecision = s.failed ? "fail" : inside && exposure && shareOk ? "pass" : "continue";
  const stageText = where(stage.index);
  let reason: string;
  if (s.failed) reason = s.failed.reason;
  else if (decision === "pass")
    reason =
      `${pair.name} passes${stageText}: after ${now.loc.points} ${kind === "count" ? "events" : "paired values"} ` +
      `the running ${pct(loc.level)} bound on the canary/baseline ratio, ${fmt(loc.lower)}–${fmt(loc.upper)}, ` +
      `is inside the tolerance ×${fmt(k)}.`;
  else
    reason =
      `${pair.name} is undecided${stageText}: ratio ${fmt(loc.estimate)} with running bound ` +
      `${fmt(loc.lower)}–${fmt(loc.upper)} against the tolerance ×${fmt(k)}` +
      (inside ? ` (inside, but the stage's minimum exposure is not reached yet)` : "") +
      `; evidence of a regression ${fmt(Math.exp(top.logE))} of the ${fmt(Math.exp(level))} needed.`;
  const failed = s.failed;
  const evidence = Object.fromEntries(
    dirs.flatMap((d) => TESTS.map((t) => [`lnE_${d}_${t}`, Number(now.logE[d][t].toFixed(4))])),
  );
  const result = judgedResult(base, opts, {
    failedSide: failed?.side,
    reason,
    meanRatio,
    pValue: s.pMin,
    bound: loc,
    decision,
    tolerance: tol,
    sequential: {
      kind,
      stage: stage.index,
      test: top.test,
      evidence: Math.exp(top.logE),
      threshold: Math.exp(level),
      pValue: s.pMin,
      alpha: s.alpha,
      tolerance: tol,
      newValues: usable.length,
      stageValues: s.stages.at(-1)!.n,
      effectivePairs: Number(loc.effective.toFixed(3)),
      failedAtJudgement: failed ? failed.judgement : null,
      failedInStage: failed ? failed.stage : null,
      ...evidence,
    },
  });
  return { result, decision, state: s };
}

export function judgeSequentialV2(input: JudgeInput, p: V2Params = DEFAULT_V2_PARAMS): JudgeOutput {
  const stage = stageInfo(input);
  return judgeEverySeries(
    input,
    { name: SEQUENTIAL_V2_JUDGE_NAME, v: 2, defaultAlpha: V2_DEFAULT_ALPHA },
    (series: SeriesInput<SeriesStateV2>) => classify(series, stage, p),
  );
}

/** The judge with other parameters (the accuracy bench tunes with it). */
export function sequentialV2With(p: V2Params): Judge {
  return { name: SEQUENTIAL_V2_JUDGE_NAME, judge: (input) => judgeSequentialV2(input, p) };
}

export const sequentialV2Judge: Judge = sequentialV2With(DEFAULT_V2_PARAMS);
