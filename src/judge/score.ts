// Group scores and the summary score (Kayenta's ScoringHelper, WeightedSumScorer, ThresholdScoreClassifier).
import type { GroupScore, MetricResult, SummaryClassification, Thresholds } from "./types";

/** Kayenta's NODATA_THRESHOLD: this share (in %) of Nodata results or more fails the canary. */
export const NODATA_THRESHOLD = 50;

export interface GroupTally {
  name: string;
  score: number;
  noData: boolean;
}

/**
 * Per group (a metric in several groups counts in each): 100·Pass / (Pass + High + Low +
 * NodataFailMetric); Nodata and Error are not counted; a group with nothing counted is `noData`
 * with score 0 (docs/kayenta-rules.md §1.7). Groups appear in the order they are first met. Pass unmuted results.
 */
export function tallyGroups(results: readonly MetricResult[]): GroupTally[] {
  const counts = new Map<string, { pass: number; total: number }>();
  for (const r of results) {
    for (const g of r.groups) {
      const c = counts.get(g) ?? { pass: 0, total: 0 };
      if (r.classification === "Pass") c.pass++;
      if (r.classification !== "Nodata" && r.classification !== "Error") c.total++;
      counts.set(g, c);
    }
  }
  return [...counts].map(([name, c]) => ({
    name,
    noData: c.total === 0,
    score: c.total === 0 ? 0.0 : (100 * c.pass) / c.total,
  }));
}

/** Group scores as Kayenta reports them (never classified). */
export function groupScores(tallies: readonly GroupTally[]): GroupScore[] {
  return tallies.map((t) => ({ name: t.name, score: t.score, classification: "", classificationReason: "" }));
}

/**
 * Rounds half up (away from zero at .5) to `decimals` places on the value's shortest decimal
 * representation, as commons-math `Precision.round(x, 2)` does through `new BigDecimal(Double.toString(x))`
 * (so 0.285, stored as 0.28499999999999998, still rounds to 0.29).
 */
export function roundHalfUp(value: number, decimals = 2): number {
  if (!Number.isFinite(value)) return value;
  const negative = value < 0;
  const [mantissa, exponentText] = Math.abs(value).toExponential().split("e") as [string, string];
  const exponent = Number(exponentText);
  const keepDigits = exponent + 1 + decimals;
  const digits = mantissa.replace(".", "").padEnd(Math.max(keepDigits, 1), "0");
  // value = 0.digits × 10^(exponent + 1); keep (exponent + 1 + decimals) digits.
  const keep = keepDigits;
  if (keep < 0) return negative ? -0 : 0;
  const kept = digits.slice(0, keep);
  const next = keep < digits.length ? Number(digits[keep]) : 0;
  let scaled = kept === "" ? 0 : Number(kept);
  if (next >= 5) scaled += 1;
  const result = scaled / 10 ** decimals;
  return negative ? -result : result;
}

/**
 * The summary score (docs/kayenta-rules.md §1.7), from all results (muted ones are dropped here):
 * 1. a critical result that is not Pass → 0, "Canary Failed: <its reason>";
 * 2. Nodata results ≥ 50 % of the unmuted results → 0, "Canary Failed: 50% or more metrics returned NODATA";
 * 3. otherwise Σ effScore_g·weight_g/100, rounded half-up to 2 decimals, where groups without a weight
 *    share (100 − Σ groupWeights) equally, weighted groups absent from the results lose their weight,
 *    and a group with nothing counted scores 100. Weights are not normalised.
 */
export function summaryScore(
  results: readonly MetricResult[],
  groupWeights: Readonly<Record<string, number>> = {},
): { score: number; reason: string; groups: GroupTally[] } {
  const scored = results.filter((r) => !r.muted);
  const groups = tallyGroups(scored);
  const critical = scored.find((r) => r.critical && r.classification !== "Pass");
  if (critical) {
    return { score: 0.0, reason: `Canary Failed: ${critical.classificationReason ?? ""}`, groups };
  }
  const nodata = scored.filter((r) => r.classification === "Nodata").length;
  if ((nodata / scored.length) * 100 >= NODATA_THRESHOLD) {
    return { score: 0.0, reason: "Canary Failed: 50% or more metrics returned NODATA", groups };
  }
  const weightSum = Object.values(groupWeights).reduce((a, b) => a + b, 0);
  const unweighted = groups.filter((g) => !Object.hasOwn(groupWeights, g.name));
  const defaultWeight = unweighted.length > 0 ? (100 - weightSum) / unweighted.length : 0;
  let sum = 0;
  for (const g of groups) {
    const weight = Object.hasOwn(groupWeights, g.name) ? (groupWeights[g.name] ?? 0) : defaultWeight;
    sum += ((g.noData ? 100.0 : g.score) * weight) / 100;
  }
  return { score: roundHalfUp(sum, 2), reason: "", groups };
}

/** `score ≥ pass` → Pass, `score ≥ marginal` → Marginal, else Fail. */
export function classifyScore(score: number, thresholds: Thresholds): SummaryClassification {
  if (score >= thresholds.pass) return "Pass";
  if (score >= thresholds.marginal) return "Marginal";
  return "Fail";
}
