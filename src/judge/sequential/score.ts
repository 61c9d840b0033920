// Kayenta's scoring (../score.ts) applied to the sequential judge's metric results.
import type { CanaryConfig } from "../../config/canary-config.schema";
import { classifyScore, groupScores, summaryScore } from "../score";
import type { CanaryJudgeResult, GroupScore, MetricResult, Thresholds } from "../types";

/** Group scores, the summary score and its classification and reason, as NetflixACAJudge computes them. */
export function scoreResults(
  results: readonly MetricResult[],
  config: CanaryConfig,
  thresholds: Thresholds,
): { groupScores: GroupScore[]; score: CanaryJudgeResult["score"] } {
  if (results.every((r) => r.muted)) {
    return { groupScores: [], score: { score: 0, classification: "Fail", classificationReason: "" } };
  }
  const s = summaryScore(results, config.classifier?.groupWeights ?? {});
  return {
    groupScores: groupScores(s.groups),
    score: {
      score: s.score,
      classification: classifyScore(s.score, thresholds),
      classificationReason: s.reason,
    },
  };
}
