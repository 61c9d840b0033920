// What both sequential judges (v1 and v2) do with one judgement: read their state, give each series its
// share of α, judge every series, score the results as Kayenta does and decide (docs/judges.md).
import {
  resolveCanaryOptions,
  type MetricConfig,
  type ResolvedCanaryOptions,
} from "../../config/canary-config.schema";
import { SequentialJudgeOptionsSchema } from "../../config/sequential-options.schema";
import type {
  CanaryJudgeResult,
  EarlyDecision,
  JudgeInput,
  JudgeOutput,
  MetricResult,
  MetricSetPair,
} from "../types";
import { scoreResults } from "./score";
import { alphaWeights, seriesKey } from "./series";

/** A sequential judge's state: per series (metric name + tags) state `S`, versioned by `v`. */
export interface SequentialJudgeState<V extends number, S> {
  v: V;
  alpha: number;
  judgements: number;
  series: Record<string, S>;
}

/** One series to judge: its pair, its metric, the series' state from the previous judgement and its α. */
export interface SeriesInput<S> {
  pair: MetricSetPair;
  metric: MetricConfig;
  opts: ResolvedCanaryOptions;
  prev: S | undefined;
  /** The series' share of the judge's α (used by a series seen for the first time). */
  alpha: number;
  judgement: number;
  trafficRatio: number;
}

/** One series judged: its result, its own decision and its state for the next judgement. */
export interface SeriesOutcome<S> {
  result: MetricResult;
  decision: EarlyDecision;
  state: S;
}

function readState<V extends number, S>(previous: unknown, v: V, alpha: number): SequentialJudgeState<V, S> {
  if (previous && typeof previous === "object" && (previous as { v?: unknown }).v === v) {
    return previous as SequentialJudgeState<V, S>;
  }
  return { v, alpha, judgements: 0, series: {} };
}

/**
 * A judgement of every metric set pair: α (`judgeConfigurations.alpha`, else `defaultAlpha`) split by
 * the metrics' weights and then equally over each metric's series, each series judged by `judgeSeries`.
 * A series that failed fails the canary; it passes when every unmuted series passes.
 */
export function judgeEverySeries<V extends number, S>(
  input: JudgeInput,
  judge: { name: string; v: V; defaultAlpha: number },
  judgeSeries: (series: SeriesInput<S>) => SeriesOutcome<S>,
): JudgeOutput {
  const judgeOpts = SequentialJudgeOptionsSchema.safeParse(input.config.judge?.judgeConfigurations ?? {});
  const alphaTotal = judgeOpts.success ? (judgeOpts.data.alpha ?? judge.defaultAlpha) : judge.defaultAlpha;
  const state = readState<V, S>(input.previousState, judge.v, alphaTotal);
  const judgement = input.judgementIndex ?? state.judgements;
  const trafficRatio = input.trafficRatio && input.trafficRatio > 0 ? input.trafficRatio : 1;
  const weights = alphaWeights(input.config);
  const seriesPerMetric = new Map<string, number>();
  for (const p of input.pairs) seriesPerMetric.set(p.name, (seriesPerMetric.get(p.name) ?? 0) + 1);
  const series: Record<string, S> = { ...state.series };
  const judged: SeriesOutcome<S>[] = [];
  for (const pair of input.pairs) {
    const metric = input.config.metrics.find((m) => m.name === pair.name);
    if (!metric) throw new Error(`No metric config named "${pair.name}" for a metric set pair`);
    const opts = resolveCanaryOptions(metric);
    const key = seriesKey(pair);
    const alpha =
      (state.alpha * weights.weight(metric)) / weights.total / (seriesPerMetric.get(pair.name) ?? 1);
    const out = judgeSeries({ pair, metric, opts, prev: series[key], alpha, judgement, trafficRatio });
    series[key] = out.state;
    judged.push(out);
  }
  const results = judged.map((c) => c.result);
  const scored = scoreResults(results, input.config, input.thresholds);
  const unmuted = judged.filter((c) => !c.result.muted);
  const failedOne = unmuted.find((c) => c.decision === "fail");
  let score = scored.score;
  if (failedOne) {
    // A sequential rejection is final: it fails the canary whatever the weighted score says.
    const reason = score.classificationReason.startsWith("Canary Failed")
      ? score.classificationReason
      : `Canary Failed: ${failedOne.result.classificationReason ?? failedOne.result.name}`;
    score = { score: 0, classification: "Fail", classificationReason: reason };
  }
  const decision: EarlyDecision =
    score.classification === "Fail"
      ? "fail"
      : unmuted.length > 0 && unmuted.every((c) => c.decision === "pass")
        ? "pass"
        : "continue";
  const result: CanaryJudgeResult = {
    judgeName: judge.name,
    results,
    groupScores: scored.groupScores,
    score,
  };
  const next: SequentialJudgeState<V, S> = {
    v: judge.v,
    alpha: state.alpha,
    judgements: state.judgements + 1,
    series,
  };
  return { result, state: next, decision };
}
