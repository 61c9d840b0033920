// Kayenta's CanaryAnalysisExecutionStatusResponse (docs/kayenta-rules.md §3.4) built from a Coalmine analysis (pure).
import type { AnalysisStatus } from "../analysis/analysis-status";
import { TERMINAL_STATES } from "../analysis/analysis-status";
import { formatIsoDuration } from "../config/duration";
import type { CanaryJudgeResult, Thresholds } from "../judge/types";
import { javaDoubleToString } from "./java-double";
import { COALMINE_STORAGE_ACCOUNT, metricSetPairListId } from "./kayenta-canary-status";

/** What the Kayenta start kept beside the analysis (`analyses/{id}/kayenta.json`). */
export interface KayentaStartRecord {
  user: string;
  application: string;
  parentPipelineExecutionId?: string;
  canaryConfigId?: string;
  metricsAccountName?: string;
  storageAccountName?: string;
  executionRequest: unknown;
  canaryConfig?: unknown;
}

export type OrcaExecutionStatus = "NOT_STARTED" | "RUNNING" | "SUCCEEDED" | "TERMINAL" | "CANCELED";

/**
 * The aggregated judgment (GenerateCanaryAnalysisResultTask.getAggregatedJudgment): only the last score
 * counts; `<= marginal` fails (unlike the judge's own "Marginal" label at equality).
 */
export function aggregatedJudgment(
  scores: number[],
  thresholds: Partial<Thresholds> | undefined,
): { didPassThresholds: boolean; message: string } {
  const last = scores[scores.length - 1];
  if (last === undefined) {
    return { didPassThresholds: false, message: "There were no successful canary judgements to aggregate" };
  }
  const marginal = thresholds?.marginal;
  const pass = thresholds?.pass;
  const s = javaDoubleToString(last);
  if (marginal === undefined && pass === undefined)
    return { didPassThresholds: true, message: "No score thresholds were specified." };
  if (marginal !== undefined && last <= marginal)
    return {
      didPassThresholds: false,
      message: `Final canary score ${s} is not above the marginal score threshold.`,
    };
  if (pass === undefined)
    return { didPassThresholds: true, message: "No pass score threshold was specified." };
  if (last < pass)
    return {
      didPassThresholds: false,
      message: `Final canary score ${s} is below the pass score threshold.`,
    };
  return {
    didPassThresholds: true,
    message: `Final canary score ${s} met or exceeded the pass score threshold.`,
  };
}

export function orcaStatus(
  status: AnalysisStatus,
  thresholds: Partial<Thresholds> | undefined,
): OrcaExecutionStatus {
  switch (status.state) {
    case "pending":
      return "NOT_STARTED";
    case "running":
    case "awaiting-decision":
      return "RUNNING";
    case "canceled":
      return "CANCELED";
    case "error":
      return "TERMINAL";
    default: {
      // MonitorCanaryTask ends the stage TERMINAL when a judgement scores at or below marginal.
      const marginal = thresholds?.marginal;
      const failedFast = marginal !== undefined && status.judgements.some((j) => j.score <= marginal);
      return failedFast ? "TERMINAL" : "SUCCEEDED";
    }
  }
}

const millis = (iso: string): number => Date.parse(iso);
const isoOf = (iso: string): string => new Date(Date.parse(iso)).toISOString();

export function kayentaStatusResponse(
  status: AnalysisStatus,
  thresholds: Partial<Thresholds> | undefined,
  start: KayentaStartRecord | undefined,
  judgeResults: (CanaryJudgeResult | undefined)[],
): Record<string, unknown> {
  const complete = TERMINAL_STATES.includes(status.state);
  const executionStatus = orcaStatus(status, thresholds);
  const scores = status.judgements.map((j) => j.score);
  const storageAccountName = start?.storageAccountName ?? COALMINE_STORAGE_ACCOUNT;
  const canaryExecutionResults = status.judgements.map((j, i) => {
    const judgeResult = judgeResults[i];
    // Each judgement is one /canary run: started after the previous one's window closed (not before the
    // analysis was created: a retrospective run judges at once), ended when its own window closed.
    const previous = status.judgements[i - 1];
    const startedAt =
      previous && millis(previous.end) > millis(status.createdAt) ? previous.end : status.createdAt;
    return {
      executionId: `${status.id}-s${j.stage}-i${j.interval}`,
      executionStatus: "SUCCEEDED",
      ...(judgeResult
        ? { result: { judgeResult, canaryDuration: formatIsoDuration(millis(j.end) - millis(j.start)) } }
        : {}),
      judgementStartTimeIso: j.start,
      judgementStartTimeMillis: millis(j.start),
      judgementEndTimeIso: j.end,
      judgementEndTimeMillis: millis(j.end),
      warnings: [],
      metricSetPairListId: metricSetPairListId(status.id, j.stage, j.interval),
      buildTimeMillis: millis(startedAt),
      buildTimeIso: isoOf(startedAt),
      startTimeMillis: millis(startedAt),
      startTimeIso: isoOf(startedAt),
      endTimeMillis: Math.max(millis(startedAt), millis(j.end)),
      endTimeIso: isoOf(new Date(Math.max(millis(startedAt), millis(j.end))).toISOString()),
      storageAccountName,
    };
  });
  const stageStatus = [
    {
      type: "setupAndExecuteCanariesStage",
      name: "Sets up and executes the wait, run and monitor canary task chain.",
      status: complete ? executionStatus : "RUNNING",
    },
    ...status.judgements.map((j, i) => ({
      type: "runCanary",
      name: `Run Canary #${i + 1}`,
      status: "SUCCEEDED",
      executionId: `${status.id}-s${j.stage}-i${j.interval}`,
    })),
    ...(complete
      ? [
          {
            type: "generateCanaryAnalysisResultStage",
            name: "Aggregates and evaluates the canary executions and generates the final results.",
            status: "SUCCEEDED",
          },
        ]
      : []),
  ];
  const out: Record<string, unknown> = {
    application: start?.application ?? status.application,
    user: start?.user ?? "anonymous",
    ...(start?.parentPipelineExecutionId
      ? { parentPipelineExecutionId: start.parentPipelineExecutionId }
      : {}),
    pipelineId: status.id,
    ...(start?.canaryConfigId ? { canaryConfigId: start.canaryConfigId } : {}),
    stageStatus,
    complete,
    executionStatus,
    status: executionStatus.toLowerCase(),
  };
  if (status.state === "error" || status.state === "canceled") {
    out.exception = {
      details: {
        errors: [
          status.state === "canceled"
            ? "Canary execution was canceled."
            : (status.reason ?? "The analysis ended in error."),
        ],
      },
    };
  }
  if (complete) {
    const judgment = aggregatedJudgment(status.state === "error" ? [] : scores, thresholds);
    out.canaryAnalysisExecutionResult = {
      didPassThresholds: judgment.didPassThresholds,
      hasWarnings: (status.warnings?.length ?? 0) > 0,
      canaryScoreMessage: judgment.message,
      canaryScores: scores,
      canaryExecutionResults,
    };
  }
  if (start) {
    out.canaryAnalysisExecutionRequest = start.executionRequest;
    if (start.canaryConfig !== undefined) out.canaryConfig = start.canaryConfig;
    if (start.metricsAccountName) out.metricsAccountName = start.metricsAccountName;
  }
  out.storageAccountName = storageAccountName;
  out.buildTimeIso = status.createdAt;
  out.buildTimeMillis = millis(status.createdAt);
  out.startTimeIso = status.createdAt;
  out.startTimeMillis = millis(status.createdAt);
  if (complete) {
    out.endTimeIso = status.updatedAt;
    out.endTimeMillis = millis(status.updatedAt);
  }
  return out;
}
