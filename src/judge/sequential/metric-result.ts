// The metric result both sequential judges (v1 and v2) write for a series: the fields from its whole
// window, then Nodata, or its classification with the running bound and the tolerance band the report
// draws (docs/judges.md).
import type { MetricConfig, ResolvedCanaryOptions } from "../../config/canary-config.schema";
import { describeSample, mean } from "../descriptive-stats";
import type { EarlyDecision, MetricResult, MetricSetPair, ResultMetadata } from "../types";
import { cleanSide, type Side } from "./series";

/** The classification of a regression on a side. */
export const sideLabel = (side: Side): "High" | "Low" => (side === "increase" ? "High" : "Low");

/** The fields a series' result starts with, whatever its classification. */
export type ResultBase = Omit<
  MetricResult,
  "classification" | "classificationReason" | "critical" | "resultMetadata"
>;

/**
 * The series' result fields from the whole window (both sides cleaned, their statistics) and the ratio
 * of the sides' means (canary over baseline; NaN when either mean is 0 or there is none).
 */
export function resultBase(
  pair: MetricSetPair,
  metric: MetricConfig,
  opts: ResolvedCanaryOptions,
): { base: ResultBase; meanRatio: number } {
  const control = cleanSide(pair.values.control, opts.nanStrategy);
  const experiment = cleanSide(pair.values.experiment, opts.nanStrategy);
  const base: ResultBase = {
    name: pair.name,
    ...(pair.id !== undefined ? { id: pair.id } : {}),
    tags: pair.tags,
    groups: metric.groups && metric.groups.length > 0 ? metric.groups : [metric.name],
    muted: opts.muted,
    direction: opts.direction,
    experimentMetadata: { stats: describeSample(experiment) },
    controlMetadata: { stats: describeSample(control) },
  };
  const mc = experiment.length ? mean(experiment) : NaN;
  const mb = control.length ? mean(control) : NaN;
  const meanRatio = mb === 0 || mc === 0 || Number.isNaN(mb) || Number.isNaN(mc) ? NaN : mc / mb;
  return { base, meanRatio };
}

/** The tolerance band on the ratio scale: ×1/(1 + tolerance) to ×(1 + tolerance). */
export function toleranceBand(tolerance: number): { toleranceLower: number; toleranceUpper: number } {
  return { toleranceLower: 1 / (1 + tolerance), toleranceUpper: 1 + tolerance };
}

/** A series without a single usable pair yet: Nodata, or NodataFailMetric when it must have data and is not critical. */
export function nodataResult(
  base: ResultBase,
  opts: ResolvedCanaryOptions,
  reason: string,
  tolerance: number,
  sequential?: ResultMetadata["sequential"],
): MetricResult {
  const failMetric = opts.mustHaveData && !opts.critical;
  return {
    ...base,
    classification: failMetric ? "NodataFailMetric" : "Nodata",
    classificationReason: reason,
    critical: failMetric ? false : opts.critical,
    resultMetadata: {
      ratio: 1,
      decision: "continue",
      scale: "ratio",
      ...toleranceBand(tolerance),
      ...(sequential ? { sequential } : {}),
    },
  };
}

/** A judged series: the running bound the judge reports, on the ratio scale, with its point estimate. */
export interface RatioBound {
  estimate: number;
  lower: number;
  upper: number;
  level: number;
}

/**
 * A judged series' result: High or Low on the side that failed (critical when the metric is), else
 * Pass; the running bound, the tolerance band and the judge's own figures (`sequential`).
 */
export function judgedResult(
  base: ResultBase,
  opts: ResolvedCanaryOptions,
  judged: {
    failedSide: Side | undefined;
    reason: string | undefined;
    meanRatio: number;
    pValue: number;
    bound: RatioBound;
    decision: EarlyDecision;
    tolerance: number;
    sequential: NonNullable<ResultMetadata["sequential"]>;
  },
): MetricResult {
  const { failedSide, bound } = judged;
  return {
    ...base,
    classification: failedSide ? sideLabel(failedSide) : "Pass",
    ...(judged.reason !== undefined ? { classificationReason: judged.reason } : {}),
    critical: failedSide !== undefined && opts.critical,
    resultMetadata: {
      ratio: judged.meanRatio,
      pValue: judged.pValue,
      confidenceInterval: { lower: bound.lower, upper: bound.upper, level: bound.level },
      estimate: bound.estimate,
      effectSize: bound.estimate,
      // The running bound and the tolerance on the ratio scale the tests use (docs/judges.md).
      decision: judged.decision,
      scale: "ratio",
      lower: bound.lower,
      upper: bound.upper,
      ...toleranceBand(judged.tolerance),
      sequential: judged.sequential,
    },
  };
}
