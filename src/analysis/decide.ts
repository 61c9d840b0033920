// What happens after a judgement (pure): go on, fail early, end the stage (pass or marginal), per plan mode.
import type { EarlyDecision, SummaryClassification, Thresholds } from "../judge/types";
import type { PlanMode } from "./plan";

export interface JudgementOutcome {
  score: number;
  classification: SummaryClassification;
  failedMetrics: string[];
  /** The judge's own classification reason (may be empty). */
  reason?: string;
  /** A sequential judge's early decision. */
  decision?: EarlyDecision;
}

export type Next =
  | { kind: "continue" }
  | { kind: "fail"; reason: string }
  | { kind: "stage-passed"; reason: string }
  | { kind: "stage-marginal"; reason: string };

/** Java's Double.toString for the figures in Kayenta's messages ("100.0"). */
const javaDouble = (x: number): string => (Number.isInteger(x) ? x.toFixed(1) : String(x));
const fmt = (x: number): string => String(Math.round(x * 100) / 100);

const failedText = (j: JudgementOutcome): string =>
  j.failedMetrics.length ? `; failed metrics: ${j.failedMetrics.join(", ")}` : "";

/**
 * Native semantics (ADR 0003): an interval classified Fail fails the analysis at once; a sequential
 * judge's `decision` may end the stage early (fail or pass); otherwise the stage's result is its last
 * interval's classification (Pass → next stage, Marginal → the request's onMarginal rule).
 *
 * Kayenta standalone semantics (docs/kayenta-rules.md §3.3): score <= marginal fails at once; after the last
 * interval, score < pass fails, else passes. There is no marginal outcome.
 */
export function nextAfterJudgement(
  mode: PlanMode,
  thresholds: Thresholds,
  judgement: JudgementOutcome,
  isLastInterval: boolean,
  where: string,
  /**
   * The early-pass rule (docs/configuration.md `passLastStageEarly`): in the last stage a judge's
   * `pass` does not end the analysis before the stage's last interval unless the request opts in.
   * Absent: every stage may pass early (the rule before it existed).
   */
  early?: { isLastStage: boolean; passLastStageEarly: boolean },
): Next {
  const { score } = judgement;
  if (mode === "kayenta-standalone") {
    if (score <= thresholds.marginal) {
      return {
        kind: "fail",
        reason: `Canary score ${javaDouble(score)} is not above the marginal score threshold.${judgement.failedMetrics.length ? ` Failed metrics: ${judgement.failedMetrics.join(", ")}.` : ""}`,
      };
    }
    if (!isLastInterval) return { kind: "continue" };
    return score < thresholds.pass
      ? { kind: "fail", reason: `Final canary score ${javaDouble(score)} is below the pass score threshold.` }
      : {
          kind: "stage-passed",
          reason: `Final canary score ${javaDouble(score)} met or exceeded the pass score threshold.`,
        };
  }
  const judgeReason = judgement.reason ? ` (${judgement.reason})` : "";
  if (judgement.decision === "fail") {
    return {
      kind: "fail",
      reason: `${where}: the judge decided to stop with a failure at score ${fmt(score)}${failedText(judgement)}`,
    };
  }
  if (judgement.classification === "Fail") {
    return {
      kind: "fail",
      reason: `${where} scored ${fmt(score)}, below the marginal threshold ${thresholds.marginal}${failedText(judgement)}${judgeReason}`,
    };
  }
  const holdPass = early !== undefined && early.isLastStage && !early.passLastStageEarly && !isLastInterval;
  if (judgement.decision === "pass" && !holdPass) {
    return {
      kind: "stage-passed",
      reason: `${where}: the judge decided the stage passed at score ${fmt(score)}`,
    };
  }
  if (!isLastInterval) return { kind: "continue" };
  if (judgement.classification === "Marginal") {
    return {
      kind: "stage-marginal",
      reason: `${where} scored ${fmt(score)}, marginal (pass needs ${thresholds.pass})${failedText(judgement)}`,
    };
  }
  return {
    kind: "stage-passed",
    reason: `${where} scored ${fmt(score)}, at or above the pass threshold ${thresholds.pass}`,
  };
}
