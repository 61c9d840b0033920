// The analysis status contract (docs/http-api.md: GET /api/analyses/{id} and `coalmine run --json`).
import type { SummaryClassification } from "../judge/types";

/** Every state an analysis can be in, in lifecycle order. */
export const ANALYSIS_STATES = [
  "pending",
  "running",
  "awaiting-decision",
  "passed",
  "marginal",
  "failed",
  "error",
  "canceled",
] as const;

export type AnalysisState = (typeof ANALYSIS_STATES)[number];

export type Verdict = "pass" | "marginal" | "fail";

export interface JudgementSummary {
  stage: number;
  interval: number;
  start: string;
  end: string;
  score: number;
  classification: SummaryClassification;
  failedMetrics: string[];
  /** Metrics a sequential judge has not decided yet (classified Pass for Kayenta, not checked and fine). */
  undecidedMetrics?: string[];
}

export interface AnalysisStatus {
  id: string;
  application: string;
  state: AnalysisState;
  verdict?: Verdict;
  score?: number;
  reason?: string;
  judge: string;
  stage?: { index: number; name: string };
  interval?: number;
  nextJudgementAt?: string;
  judgements: JudgementSummary[];
  warnings?: string[];
  createdAt: string;
  updatedAt: string;
  reportUrl: string;
}

export const TERMINAL_STATES: readonly AnalysisState[] = [
  "passed",
  "marginal",
  "failed",
  "error",
  "canceled",
];
