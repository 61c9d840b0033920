// NetflixACAJudge-v1.0: Kayenta's judge, per metric classification then group and summary scores.
import { resolveCanaryOptions, type CanaryConfig, type MetricConfig } from "../config/canary-config.schema";
import { classifyMetric } from "./classify-metric";
import { describeSample } from "./descriptive-stats";
import { prepareSample } from "./preprocess";
import { classifyScore, groupScores, summaryScore } from "./score";
import type {
  CanaryJudgeResult,
  Judge,
  JudgeInput,
  JudgeOutput,
  MetricResult,
  MetricSetPair,
  ResultMetadata,
  Thresholds,
} from "./types";

export const NETFLIX_ACA_JUDGE_NAME = "NetflixACAJudge-v1.0";

/** A pair names a metric the config does not have (Kayenta throws too); callers validate first. */
export class UnknownMetricError extends Error {
  override readonly name = "UnknownMetricError";
  constructor(
    readonly metricName: string,
    options?: { cause?: unknown },
  ) {
    super(`metric set pair '${metricName}' has no metric of that name in the canary config`, options);
  }
}

/** Kayenta's "no change" band: the interval must clear 25 % of |estimate| (docs/kayenta-rules.md §1.4, docs/judges.md). */
const KAYENTA_TOLERANCE = 0.25;

/**
 * The interval and tolerance on the scale the Mann-Whitney test works on (canary − baseline), so that
 * the report draws this judge's own band (docs/judges.md, "What every judge writes").
 */
function withScale(meta: ResultMetadata): ResultMetadata {
  const ci = meta.confidenceInterval;
  const est = meta.estimate;
  if (!ci || est === undefined || !Number.isFinite(est)) return meta;
  const t = KAYENTA_TOLERANCE * Math.abs(est);
  return {
    ...meta,
    scale: "difference",
    lower: ci.lower,
    upper: ci.upper,
    toleranceLower: -t,
    toleranceUpper: t,
  };
}

/** One pair's result: preprocessing, stats, the decision tree; in Kayenta's MetricResult shape. */
export function judgeMetricSetPair(metric: MetricConfig, pair: MetricSetPair): MetricResult {
  const options = resolveCanaryOptions(metric);
  // Kayenta's labels: the experiment is the canary, the control the baseline.
  const canarySample = prepareSample(pair.values.experiment, options);
  const baselineSample = prepareSample(pair.values.control, options);
  const canary = canarySample.values;
  const baseline = baselineSample.values;
  const verdict = classifyMetric(metric.name, canary, baseline, options, {
    canary: canarySample.sorted,
    baseline: baselineSample.sorted,
  });
  return {
    name: pair.name,
    ...(pair.id !== undefined ? { id: pair.id } : {}),
    tags: { ...pair.tags },
    groups: [...(metric.groups ?? [])],
    classification: verdict.classification,
    ...(verdict.reason !== undefined ? { classificationReason: verdict.reason } : {}),
    critical: verdict.critical,
    muted: options.muted,
    direction: options.direction,
    experimentMetadata: { stats: describeSample(canary) },
    controlMetadata: { stats: describeSample(baseline) },
    resultMetadata: withScale(verdict.resultMetadata),
  };
}

/** Kayenta's NetflixACAJudge over a list of metric set pairs (docs/kayenta-rules.md §1.10). */
export function judgeNetflixAca(
  config: CanaryConfig,
  thresholds: Thresholds,
  pairs: readonly MetricSetPair[],
): CanaryJudgeResult {
  const byName = new Map<string, MetricConfig>();
  for (const m of config.metrics) if (!byName.has(m.name)) byName.set(m.name, m);
  const results = pairs.map((pair) => {
    const metric = byName.get(pair.name);
    if (!metric) throw new UnknownMetricError(pair.name);
    return judgeMetricSetPair(metric, pair);
  });
  const summary = summaryScore(results, config.classifier?.groupWeights ?? {});
  return {
    judgeName: NETFLIX_ACA_JUDGE_NAME,
    results,
    groupScores: groupScores(summary.groups),
    score: {
      score: summary.score,
      classification: classifyScore(summary.score, thresholds),
      classificationReason: summary.reason,
    },
  };
}

/** The Judge port implementation: stateless, no early decision (the orchestrator applies Kayenta's fail-fast). */
export const netflixAcaJudge: Judge = {
  name: NETFLIX_ACA_JUDGE_NAME,
  judge(input: JudgeInput): JudgeOutput {
    return { result: judgeNetflixAca(input.config, input.thresholds, input.pairs) };
  },
};
