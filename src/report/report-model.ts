// What a report shows: the analysis status plus each judgement's result and the final metric set pairs.
import type { AnalysisStatus, JudgementSummary } from "../analysis/analysis-status";
import type { CanaryJudgeResult, MetricSetPair, Thresholds } from "../judge/types";

/** A judgement as the status lists it, with its stored result when there is one. */
export interface ReportInterval extends JudgementSummary {
  judgeResult?: CanaryJudgeResult;
}

export interface ReportModel {
  status: AnalysisStatus;
  thresholds: Thresholds;
  stages: { name: string; trafficWeight?: number }[];
  intervals: ReportInterval[];
  /** Pairs of the last judgement (for the series and distribution charts). */
  finalPairs: MetricSetPair[];
  /** Config groups in configured order, for grouping metrics. */
  groupOrder?: string[];
  /** When the page was rendered (ISO); supplied by the caller, the renderer has no clock. */
  generatedAt: string;
}
