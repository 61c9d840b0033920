// One metric's verdict: Kayenta's MannWhitneyClassifier decision tree, with the figures behind it.
import type { ResolvedCanaryOptions } from "../config/canary-config.schema";
import { clesSorted, meanRatio } from "./effect-sizes";
import { mannWhitneySorted } from "./mann-whitney";
import { normalTails } from "./normal-distribution";
import type { MetricClassificationLabel, ResultMetadata } from "./types";

/** Kayenta hard-codes both (docs/kayenta-rules.md §1.1 step 6): the shift must exceed 25 % of |estimate|, 98 % CI. */
export const TOLERANCE = 0.25;
export const CONFIDENCE_LEVEL = 0.98;

export interface MetricClassification {
  classification: MetricClassificationLabel;
  reason?: string;
  critical: boolean;
  resultMetadata: ResultMetadata;
}

interface TestFigures {
  confidenceInterval: { lower: number; upper: number; level: number };
  estimate: number;
  pValue: number;
  lowerClamped?: boolean;
  upperClamped?: boolean;
}

type Comparison = { label: "High" | "Low" | "Pass"; effectSize: number; metadata: ResultMetadata };

/** One distinct value (the sample is sorted and not empty). */
const isConstant = (sorted: Float64Array): boolean => sorted[0] === sorted[sorted.length - 1];

function sameSorted(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Two different constants. Kayenta adds N(0, (value·1e-5)²) noise to each side from an unseeded RNG
 * and runs the test, so its answer is random when the two constants lie within the noise. We are
 * deterministic and take the limit of vanishing noise instead: every canary value is above (or below)
 * every baseline value, so the shift is exactly canary − baseline, its interval is that single point,
 * and the p-value is the one of two completely separated samples without ties. The decision rule that
 * follows is unchanged: the sign of the difference decides High or Low, subject to the direction and
 * the effect-size filter, whatever the magnitude of the difference.
 */
function constantsComparison(
  canaryValue: number,
  baselineValue: number,
  nx: number,
  ny: number,
): TestFigures {
  const shift = canaryValue - baselineValue;
  const dz = (shift > 0 ? nx * ny : 0) - (nx * ny) / 2;
  const sigma = Math.sqrt(((nx * ny) / 12) * (nx + ny + 1));
  const tails = normalTails((dz - Math.sign(dz) * 0.5) / sigma);
  return {
    confidenceInterval: { lower: shift, upper: shift, level: CONFIDENCE_LEVEL },
    estimate: shift,
    pValue: 2 * Math.min(tails.lower, tails.upper),
  };
}

/** Kayenta's `compare`: the Mann-Whitney interval against 0.25·|estimate|, then the effect-size filter. */
function compare(
  canary: readonly number[],
  baseline: readonly number[],
  canarySorted: Float64Array,
  baselineSorted: Float64Array,
  o: ResolvedCanaryOptions,
): Comparison {
  const bothConstant = isConstant(canarySorted) && isConstant(baselineSorted);
  const test: TestFigures = bothConstant
    ? constantsComparison(canary[0] as number, baseline[0] as number, canary.length, baseline.length)
    : mannWhitneySorted(canarySorted, baselineSorted, { confidenceLevel: CONFIDENCE_LEVEL });
  // The level is out of reach for small samples: the interval end is then the search bound (Kayenta's clamping).
  const clamped = test.lowerClamped === true || test.upperClamped === true;
  const ratio = meanRatio(baseline, canary);
  const es = o.effectSize;
  const effectSize = es.measure === "cles" ? clesSorted(baselineSorted, canarySorted) : ratio;
  const { lower, upper } = test.confidenceInterval;
  const bound = TOLERANCE * Math.abs(test.estimate);
  const isHigh =
    (o.direction === "increase" || o.direction === "either") &&
    lower > bound &&
    (Number.isNaN(effectSize) || effectSize >= es.allowedIncrease);
  const isLow =
    (o.direction === "decrease" || o.direction === "either") &&
    upper < -bound &&
    (Number.isNaN(effectSize) || effectSize <= es.allowedDecrease);
  return {
    label: isHigh ? "High" : isLow ? "Low" : "Pass",
    effectSize,
    metadata: {
      ratio,
      pValue: test.pValue,
      confidenceInterval: { ...test.confidenceInterval },
      estimate: test.estimate,
      effectSize,
      effectSizeMeasure: es.measure,
      tolerance: TOLERANCE,
      ...(bothConstant ? { constantSamples: true } : {}),
      ...(clamped ? { intervalClamped: true } : {}),
    },
  };
}

/**
 * Classifies one metric from its preprocessed samples (docs/kayenta-rules.md §1.4), evaluated in Kayenta's order:
 * missing data, identical data, a single distinct value, then the test; critical metrics are flagged
 * only beyond criticalIncrease / criticalDecrease. Any failure inside the test is the `Error` label.
 */
export function classifyMetric(
  name: string,
  canary: readonly number[],
  baseline: readonly number[],
  o: ResolvedCanaryOptions,
  /** The same samples sorted ascending, when the caller has them (preprocess.ts `prepareSample`). */
  sorted?: { canary: Float64Array; baseline: Float64Array },
): MetricClassification {
  const neutral: ResultMetadata = { ratio: 1.0 };
  if (canary.length === 0 || baseline.length === 0) {
    if (o.nanStrategy === "remove") {
      const reason = `Missing data for ${name}`;
      if (o.mustHaveData && !o.critical) {
        return { classification: "NodataFailMetric", reason, critical: false, resultMetadata: neutral };
      }
      return { classification: "Nodata", reason, critical: o.critical, resultMetadata: neutral };
    }
    // Only reachable when the series were empty before NaN replacement.
    return { classification: "Pass", critical: false, resultMetadata: neutral };
  }
  // NaN is gone by now (removed or replaced), so a numeric sort orders everything.
  const canarySorted = sorted?.canary ?? Float64Array.from(canary).sort();
  const baselineSorted = sorted?.baseline ?? Float64Array.from(baseline).sort();
  if (sameSorted(canarySorted, baselineSorted)) {
    return {
      classification: "Pass",
      reason: "The Canary and Baseline data are identical",
      critical: false,
      resultMetadata: neutral,
    };
  }
  if (isConstant(canarySorted) && isConstant(baselineSorted) && canarySorted[0] === baselineSorted[0]) {
    return { classification: "Pass", critical: false, resultMetadata: neutral };
  }

  let cmp: Comparison;
  try {
    cmp = compare(canary, baseline, canarySorted, baselineSorted, o);
  } catch (err) {
    // Kayenta catches any RuntimeException here (docs/kayenta-rules.md §1.1 step 7).
    return {
      classification: "Error",
      reason: "Metric Classification Failed",
      critical: false,
      resultMetadata: { ratio: 1.0, error: err instanceof Error ? err.message : String(err) },
    };
  }
  const es = cmp.effectSize;
  if (o.critical && cmp.label === "High" && (Number.isNaN(es) || es >= o.effectSize.criticalIncrease)) {
    return {
      classification: "High",
      reason: `The metric ${name} was classified as High (Critical)`,
      critical: true,
      resultMetadata: cmp.metadata,
    };
  }
  if (o.critical && cmp.label === "Low" && (Number.isNaN(es) || es <= o.effectSize.criticalDecrease)) {
    return {
      classification: "Low",
      reason: `The metric ${name} was classified as Low (Critical)`,
      critical: true,
      resultMetadata: cmp.metadata,
    };
  }
  if (cmp.label === "Pass") return { classification: "Pass", critical: false, resultMetadata: cmp.metadata };
  return {
    classification: cmp.label,
    reason: `${name} was classified as ${cmp.label}`,
    critical: false,
    resultMetadata: cmp.metadata,
  };
}
