// Durable function names and the small-JSON inputs/outputs of the orchestration and its activities.
import type { AnalysisState, Verdict } from "./analysis-status";
import type { EarlyDecision, SummaryClassification } from "../judge/types";
import type { AnalysisPlan } from "./plan";
import type { AnalysisEventName } from "./ports/notifier";

export const ORCHESTRATIONS = { canaryAnalysis: "canaryAnalysis" } as const;

export const ACTIVITIES = {
  markAnalysis: "markAnalysis",
  setTrafficWeight: "setTrafficWeight",
  fetchMetric: "fetchMetric",
  judgeInterval: "judgeInterval",
  recordVerdict: "recordVerdict",
  notify: "notify",
} as const;

export type ActivityName = (typeof ACTIVITIES)[keyof typeof ACTIVITIES];

/** External events the orchestration listens for. */
export const EVENTS = { decision: "decision", cancel: "cancel" } as const;

export interface DecisionEvent {
  action: "approve" | "reject";
  reason?: string;
  /** Who decided (the decision's `by`, or the caller's identity when the host knows it). */
  by?: string;
}
export interface CancelEvent {
  reason?: string;
}

/** Where the orchestration is: one execution judges one interval, then continues as new (bounded history). */
export interface AnalysisCursor {
  stage: number;
  interval: number;
  /** The stage's actual start (epoch ms), once it began. */
  stageStartMs?: number;
}

/** The `canaryAnalysis` input, carried (small) across `continueAsNew`. */
export interface CanaryAnalysisInput {
  analysisId: string;
  application: string;
  plan: AnalysisPlan;
  /** How many metrics the canary config has: one fetch activity each. */
  metricCount: number;
  cursor: AnalysisCursor;
  /** 0-based index of the next judgement across the analysis. */
  judgementIndex: number;
  /** Scores so far, in order (for the progress status). */
  scores: number[];
  /** The previous judgement's judge state (sequential judges), as a blob path. */
  judgeStateRef?: string;
  warnings: string[];
  /** Set once `started` has been announced. */
  announced?: boolean;
}

/** What the orchestration returns (and records). */
export interface CanaryAnalysisOutput {
  state: AnalysisState;
  verdict?: Verdict;
  score?: number;
  reason: string;
}

/** `setCustomStatus` payload: progress between judgements. */
export interface AnalysisProgress {
  state: "running" | "awaiting-decision";
  stage: { index: number; name: string };
  interval: number;
  /** The last scores (at most RECENT_SCORES of the orchestrator); the full list is in the intervals table. */
  scores: number[];
  /** Judgements made so far. */
  judgements?: number;
  lastScore?: number;
  nextJudgementAt?: string;
  decisionDeadline?: string;
  /** What a decision is awaited on: a marginal stage, or a stage's manual gate before `nextStage`. */
  awaiting?: "marginal" | "approval";
  nextStage?: { index: number; name: string };
}

export interface MarkAnalysisInput {
  analysisId: string;
  application: string;
  state: AnalysisState;
  stage?: { index: number; name: string };
  /** Why (e.g. what an awaited decision is about). */
  reason?: string;
}

export interface SetTrafficWeightInput {
  analysisId: string;
  application: string;
  stage: { index: number; name: string; trafficWeight: number };
}

export interface FetchMetricInput {
  analysisId: string;
  stage: number;
  interval: number;
  metricIndex: number;
  /** The shared window (ISO instants); per-side offsets come from the request's scopes. */
  window: { start: string; end: string };
}

/** A fetch either stored its pairs (transient failures throw, so the retry policy handles them) or failed for good. */
export type FetchMetricOutput =
  | { ok: true; metric: string; ref: string; pairs: number }
  | { ok: false; metric: string; permanent: true; reason: string };

export interface JudgeIntervalInput {
  analysisId: string;
  application: string;
  stage: number;
  stageName: string;
  interval: number;
  judgementIndex: number;
  window: { start: string; end: string };
  metricRefs: string[];
  previousStateRef?: string;
}

export interface JudgeIntervalOutput {
  score: number;
  classification: SummaryClassification;
  failedMetrics: string[];
  /** Metrics the judge has not decided yet (`resultMetadata.decision: "continue"`). */
  undecidedMetrics?: string[];
  reason: string;
  decision?: EarlyDecision;
  stateRef?: string;
  judgementRef: string;
  /** The analysis row says a cancel was asked for (a backstop for a cancel event lost between executions). */
  cancelRequested: boolean;
  /** The reason stored with that cancel request. */
  cancelReason?: string;
}

export interface RecordVerdictInput {
  analysisId: string;
  application: string;
  state: AnalysisState;
  verdict?: Verdict;
  score?: number;
  reason: string;
  stage?: { index: number; name: string };
  warnings: string[];
}

export type { AnalysisEventName };

export interface NotifyInput {
  analysisId: string;
  application: string;
  event: AnalysisEventName;
  message?: string;
}

/** Each activity's input and output: the orchestrator's calls and the activities' implementation are typed by this one map. */
export interface ActivityContracts {
  markAnalysis: (input: MarkAnalysisInput) => Promise<void>;
  setTrafficWeight: (input: SetTrafficWeightInput) => Promise<void>;
  fetchMetric: (input: FetchMetricInput) => Promise<FetchMetricOutput>;
  judgeInterval: (input: JudgeIntervalInput) => Promise<JudgeIntervalOutput>;
  recordVerdict: (input: RecordVerdictInput) => Promise<void>;
  notify: (input: NotifyInput) => Promise<void>;
}

export type ActivityInput<N extends ActivityName> = Parameters<ActivityContracts[N]>[0];
export type ActivityOutput<N extends ActivityName> = Awaited<ReturnType<ActivityContracts[N]>>;

export interface RetryPolicy {
  firstRetryIntervalMs: number;
  backoffCoefficient: number;
  maxAttempts: number;
}

/** Activities that talk to metric sources and traffic hooks: 5 s, then ×2, 5 attempts (5+10+20+40 s). */
export const FETCH_RETRY: RetryPolicy = {
  firstRetryIntervalMs: 5_000,
  backoffCoefficient: 2,
  maxAttempts: 5,
};
/** Our own rows and blobs (mark, judge, record): storage has its own retries inside; 3 attempts here. */
export const BOOKKEEPING_RETRY: RetryPolicy = {
  firstRetryIntervalMs: 5_000,
  backoffCoefficient: 2,
  maxAttempts: 3,
};
/** Notifications: short (a down webhook never blocks the verdict for long; failures become warnings). */
export const NOTIFY_RETRY: RetryPolicy = {
  firstRetryIntervalMs: 5_000,
  backoffCoefficient: 2,
  maxAttempts: 3,
};

/** The retry policy of each activity, by its role. */
export const ACTIVITY_RETRY: { readonly [N in ActivityName]: RetryPolicy } = {
  markAnalysis: BOOKKEEPING_RETRY,
  setTrafficWeight: FETCH_RETRY,
  fetchMetric: FETCH_RETRY,
  judgeInterval: BOOKKEEPING_RETRY,
  recordVerdict: BOOKKEEPING_RETRY,
  notify: NOTIFY_RETRY,
};
