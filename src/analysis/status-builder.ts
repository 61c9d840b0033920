// Builds the the analysis status JSON (docs/http-api.md) from the analysis row, its interval rows and the orchestration's status (pure).
import type { AnalysisRecord, IntervalRecord } from "./ports/store";
import type { AnalysisProgress } from "./activity-contracts";
import { TERMINAL_STATES, type AnalysisStatus, type JudgementSummary } from "./analysis-status";
import type { OrchestrationStatus } from "./orchestration-client";

export const reportUrlOf = (id: string): string => `/api/analyses/${id}/report`;

const isProgress = (value: unknown): value is AnalysisProgress =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { state?: unknown }).state === "string" &&
  typeof (value as { stage?: unknown }).stage === "object";

export function toJudgementSummary(row: IntervalRecord): JudgementSummary {
  return {
    stage: row.stage,
    interval: row.interval,
    start: row.start,
    end: row.end,
    score: row.score,
    classification: row.classification,
    failedMetrics: row.failedMetrics,
    ...(row.undecidedMetrics?.length ? { undecidedMetrics: row.undecidedMetrics } : {}),
  };
}

/**
 * The stored row is the truth once the analysis is terminal; while it runs, the orchestration's custom
 * status adds the live part (awaiting-decision, next judgement time). An orchestration that failed or was
 * terminated without recording shows as `error` / `canceled`.
 */
export function buildAnalysisStatus(
  record: AnalysisRecord,
  intervals: IntervalRecord[],
  orchestration?: OrchestrationStatus,
): AnalysisStatus {
  const judgements = [...intervals]
    .sort((a, b) => a.stage - b.stage || a.interval - b.interval)
    .map(toJudgementSummary);
  const status: AnalysisStatus = {
    id: record.id,
    application: record.application,
    state: record.state,
    judge: record.judge,
    judgements,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    reportUrl: reportUrlOf(record.id),
  };
  if (record.verdict !== undefined) status.verdict = record.verdict;
  if (record.score !== undefined) status.score = record.score;
  if (record.reason !== undefined) status.reason = record.reason;
  if (record.stageIndex !== undefined)
    status.stage = { index: record.stageIndex, name: record.stageName ?? "" };
  const warnings = record.extra?.warnings;
  if (Array.isArray(warnings) && warnings.length) status.warnings = warnings.map(String);

  if (TERMINAL_STATES.includes(record.state) || !orchestration) return status;
  const progress = orchestration.customStatus;
  switch (orchestration.runtimeStatus) {
    case "Failed":
      status.state = "error";
      status.reason = `the orchestration failed: ${describeOutput(orchestration.output)}`;
      return status;
    case "Terminated":
    case "Canceled":
      status.state = "canceled";
      status.reason = `terminated: ${describeOutput(orchestration.output)}`;
      return status;
    default:
      break;
  }
  if (isProgress(progress)) {
    status.state = progress.state;
    status.stage = progress.stage;
    status.interval = progress.interval;
    if (progress.nextJudgementAt !== undefined && progress.state === "running") {
      status.nextJudgementAt = progress.nextJudgementAt;
    }
    const last = judgements.at(-1);
    if (last) status.score = last.score;
  }
  return status;
}

function describeOutput(output: unknown): string {
  if (typeof output === "string") return output;
  if (output === undefined || output === null) return "no reason given";
  return JSON.stringify(output);
}
