// Judge input and output shapes: Kayenta's MetricSetPair and CanaryJudgeResult, plus Coalmine's figures.
import type { CanaryConfig } from "../config/canary-config.schema";

/** A value as Kayenta writes it: a number, or "NaN" / "Infinity" / "-Infinity" strings (Jackson). */
export type JsonNumber = number | "NaN" | "Infinity" | "-Infinity";

export interface MetricSetPairScope {
  startTimeIso?: string;
  startTimeMillis?: number;
  stepMillis?: number;
}

/** One metric's baseline (control) and canary (experiment) series, Kayenta's judge input. */
export interface MetricSetPair {
  name: string;
  id?: string;
  tags: Record<string, string>;
  values: { control: number[]; experiment: number[] };
  scopes?: { control?: MetricSetPairScope; experiment?: MetricSetPairScope };
  attributes?: { control?: Record<string, string>; experiment?: Record<string, string> };
}

export type MetricClassificationLabel = "Pass" | "High" | "Low" | "Nodata" | "NodataFailMetric" | "Error";
export type SummaryClassification = "Pass" | "Marginal" | "Fail";

export interface DescriptiveStats {
  count: number;
  mean: number;
  min: number;
  max: number;
  std: number;
}

export interface ConfidenceInterval {
  lower: number;
  upper: number;
  level: number;
}

/** The figures behind a metric's classification (Coalmine adds all but `ratio`). */
export interface ResultMetadata {
  ratio: number;
  pValue?: number;
  confidenceInterval?: ConfidenceInterval;
  estimate?: number;
  effectSize?: number;
  effectSizeMeasure?: "meanRatio" | "cles";
  /** Sequential judges: the running bound, the e-value and the sequential p-value. */
  sequential?: Record<string, number | string | boolean | null>;
  /**
   * Every judge: the interval it tests and its tolerance, on the scale it tests ("ratio": canary
   * over baseline, no change = 1; "difference": canary minus baseline, no change = 0). The report
   * draws these (docs/judges.md).
   */
  scale?: "ratio" | "difference";
  lower?: number;
  upper?: number;
  toleranceLower?: number;
  toleranceUpper?: number;
  /** A sequential judge's decision for this metric: "continue" = not decided yet (shown as undecided). */
  decision?: "pass" | "fail" | "continue";
  [key: string]: unknown;
}

export interface MetricResult {
  name: string;
  id?: string;
  tags: Record<string, string>;
  groups: string[];
  classification: MetricClassificationLabel;
  classificationReason?: string;
  critical: boolean;
  muted: boolean;
  direction?: "increase" | "decrease" | "either";
  experimentMetadata: { stats: DescriptiveStats };
  controlMetadata: { stats: DescriptiveStats };
  resultMetadata: ResultMetadata;
}

export interface GroupScore {
  name: string;
  score: number;
  classification: string;
  classificationReason: string;
}

export interface CanaryJudgeResult {
  judgeName: string;
  results: MetricResult[];
  groupScores: GroupScore[];
  score: { score: number; classification: SummaryClassification; classificationReason: string };
}

export interface Thresholds {
  pass: number;
  marginal: number;
}

/** What a judge is asked at one judgement of an analysis. */
export interface JudgeInput {
  config: CanaryConfig;
  thresholds: Thresholds;
  pairs: MetricSetPair[];
  /** Share of traffic the canary gets relative to the baseline (1 = equal split). Count tests use it. */
  trafficRatio?: number;
  /** The judge's own state from the previous judgement of the same analysis (sequential judges). */
  previousState?: unknown;
  /** 0-based index of this judgement within the analysis. */
  judgementIndex?: number;
  /**
   * Where this judgement falls in the plan: stage `index` of `count` stages, judgement `interval`
   * (0-based) of the `intervals` planned for the stage. Per-stage judges (coalmine-sequential-v2)
   * open new evidence at a new stage and hold a pass until the stage's minimum exposure.
   * `totalIntervals` is the number of judgements planned over all stages.
   */
  stage?: { index: number; count: number; interval: number; intervals: number; totalIntervals?: number };
}

/** A sequential judge may decide before the last interval. */
export type EarlyDecision = "fail" | "pass" | "continue";

export interface JudgeOutput {
  result: CanaryJudgeResult;
  /** Small JSON state to hand back at the next judgement. */
  state?: unknown;
  /** Whether the analysis may stop now; absent = the orchestrator's own rule (Kayenta's fail-fast). */
  decision?: EarlyDecision;
}

export interface Judge {
  readonly name: string;
  judge(input: JudgeInput): JudgeOutput;
}
