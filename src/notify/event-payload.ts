// The JSON every webhook receives: the analysis id, the event, verdict, score and report URL, and the latest judgement.
import type { AnalysisEvent } from "../analysis/ports/notifier";

export interface EventPayload {
  event: AnalysisEvent["event"];
  analysisId: string;
  application: string;
  state: string;
  verdict?: string;
  score?: number;
  reason?: string;
  reportUrl: string;
  message?: string;
  stage?: { index: number; name: string };
  judgement?: AnalysisEvent["status"]["judgements"][number];
  judgements: number;
  updatedAt: string;
}

export function eventPayload(analysisId: string, e: AnalysisEvent): EventPayload {
  const s = e.status;
  const last = s.judgements[s.judgements.length - 1];
  return {
    event: e.event,
    analysisId,
    application: s.application,
    state: s.state,
    ...(s.verdict !== undefined ? { verdict: s.verdict } : {}),
    ...(s.score !== undefined ? { score: s.score } : {}),
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    reportUrl: e.reportUrl,
    ...(e.message !== undefined ? { message: e.message } : {}),
    ...(s.stage ? { stage: s.stage } : {}),
    ...(last ? { judgement: last } : {}),
    judgements: s.judgements.length,
    updatedAt: s.updatedAt,
  };
}

/** A one-line progress text for feeds and logs. */
export function progressLine(analysisId: string, e: AnalysisEvent): string {
  if (e.message) return e.message;
  const s = e.status;
  const last = s.judgements[s.judgements.length - 1];
  switch (e.event) {
    case "started":
      return `Coalmine analysis ${analysisId} started for ${s.application}: ${e.reportUrl}`;
    case "judgement":
      return last
        ? `Coalmine stage ${last.stage} interval ${last.interval} [${last.start} .. ${last.end}]: score ${last.score} (${last.classification})${last.failedMetrics.length ? `; failed: ${last.failedMetrics.join(", ")}` : ""}${last.undecidedMetrics?.length ? `; undecided: ${last.undecidedMetrics.join(", ")}` : ""}`
        : `Coalmine analysis ${analysisId}: judgement made`;
    case "awaiting-decision":
      return `Coalmine analysis ${analysisId} is marginal${s.score !== undefined ? ` (score ${s.score})` : ""} and awaits a decision: POST /api/analyses/${analysisId}/decision`;
    case "completed":
      return `Coalmine analysis ${analysisId} ended ${s.state}${s.verdict ? ` (verdict ${s.verdict}` : " ("}${s.score !== undefined ? `, score ${s.score}` : ""})${s.reason ? `: ${s.reason}` : ""}. Report: ${e.reportUrl}`;
  }
}
