// Kayenta's CanaryExecutionStatusResponse (GET /canary/{id}) built from a Coalmine analysis with one judgement (pure).
import type { AnalysisStatus } from "../analysis/analysis-status";
import { TERMINAL_STATES } from "../analysis/analysis-status";
import type { KayentaCanaryExecutionRequest } from "../config/kayenta-request.schema";
import type { CanaryJudgeResult } from "../judge/types";

/** The one storage (and configuration) account Coalmine has, as `/credentials` lists it. */
export const COALMINE_STORAGE_ACCOUNT = "coalmine";

/** What a `/canary` start kept beside the analysis (`analyses/{id}/kayenta-canary.json`). */
export interface KayentaCanaryRecord {
  application: string;
  parentPipelineExecutionId?: string;
  /** The stored config's id, or `ad-hoc` for `POST /canary`. */
  canaryConfigId: string;
  canaryConfig: unknown;
  canaryExecutionRequest: KayentaCanaryExecutionRequest;
  metricsAccountName?: string;
  storageAccountName?: string;
  configurationAccountName?: string;
}

export const kayentaCanaryRecordPath = (id: string): string => `analyses/${id}/kayenta-canary.json`;

/** `{analysisId}-s{stage}-i{interval}`: the metric set pair list of one judgement (GET /metricSetPairList/{id}). */
export const metricSetPairListId = (analysisId: string, stage: number, interval: number): string =>
  `${analysisId}-s${stage}-i${interval}`;

export function parseMetricSetPairListId(
  id: string,
): { analysisId: string; stage: number; interval: number } | undefined {
  const m = /^([A-Za-z0-9_-]{1,64})-s(\d{1,3})-i(\d{1,4})$/.exec(id);
  if (!m) return undefined;
  return { analysisId: m[1] ?? "", stage: Number(m[2]), interval: Number(m[3]) };
}

/** Orca's ExecutionStatus in lower case, as Kayenta writes `status` (Orca reads it with `valueOf(toUpperCase())`). */
export type KayentaPipelineStatus = "not_started" | "running" | "succeeded" | "terminal" | "canceled";

/** A judged analysis is `succeeded` whatever its score: Spinnaker's stage applies its own thresholds. */
export function kayentaCanaryStatus(status: AnalysisStatus): KayentaPipelineStatus {
  switch (status.state) {
    case "pending":
      return "not_started";
    case "running":
    case "awaiting-decision":
      return "running";
    case "canceled":
      return "canceled";
    case "error":
      return "terminal";
    default:
      return status.judgements.length > 0 ? "succeeded" : "terminal";
  }
}

/** Java's Duration.toString of whole seconds (`PT1H`, `PT5M30S`). */
function javaDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (total === 0) return "PT0S";
  return `PT${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s ? `${s}S` : ""}`;
}

/** CanaryExecutionRequest.calculateDuration: the one duration every scope's windows share, else null. */
export function canaryDuration(req: KayentaCanaryExecutionRequest): string | null {
  const spans = new Set<number>();
  for (const pair of Object.values(req.scopes))
    for (const s of [pair.controlScope, pair.experimentScope])
      spans.add(Date.parse(s.end) - Date.parse(s.start));
  const [only] = [...spans];
  return spans.size === 1 && only !== undefined ? javaDuration(only) : null;
}

const timeFields = (prefix: "buildTime" | "startTime" | "endTime", iso: string) => ({
  [`${prefix}Millis`]: Date.parse(iso),
  [`${prefix}Iso`]: new Date(Date.parse(iso)).toISOString(),
});

/**
 * The status as Kayenta's ExecutionMapper.fromExecution writes it: `stageStatus` by Kayenta's stage ref
 * ids, `status` in Orca's vocabulary, `result` (judge result and canary duration) once succeeded, the
 * exception of a failed run, the config and request echoed, the account names, build/start/end times.
 */
export function kayentaCanaryStatusResponse(
  status: AnalysisStatus,
  record: KayentaCanaryRecord,
  judgeResult: CanaryJudgeResult | undefined,
  metricCount: number,
): Record<string, unknown> {
  const pipeline = kayentaCanaryStatus(status);
  const complete = TERMINAL_STATES.includes(status.state);
  const judged = status.judgements[0];
  const fetched: KayentaPipelineStatus = judged ? "succeeded" : complete ? pipeline : "running";
  const stageStatus: Record<string, string> = { setupContext: "succeeded" };
  for (let i = 0; i < metricCount; i++) {
    stageStatus[`fetchControl${i}`] = fetched;
    stageStatus[`fetchExperiment${i}`] = fetched;
  }
  stageStatus.mixMetrics = judged ? "succeeded" : complete ? pipeline : "not_started";
  stageStatus.judge = judged ? "succeeded" : complete ? pipeline : "not_started";

  const out: Record<string, unknown> = {
    application: record.application,
    ...(record.parentPipelineExecutionId
      ? { parentPipelineExecutionId: record.parentPipelineExecutionId }
      : {}),
    pipelineId: status.id,
    stageStatus,
    complete,
    status: pipeline,
  };
  if (pipeline === "terminal")
    out.exception = {
      exceptionType: "CanaryAnalysisError",
      details: {
        error: status.reason ?? "The canary run failed.",
        errors: [status.reason ?? "The canary run failed."],
      },
    };
  if (pipeline === "succeeded" && judgeResult)
    out.result = { judgeResult, canaryDuration: canaryDuration(record.canaryExecutionRequest) };
  out.config = record.canaryConfig;
  out.canaryConfigId = record.canaryConfigId;
  out.canaryExecutionRequest = record.canaryExecutionRequest;
  if (judged) out.metricSetPairListId = metricSetPairListId(status.id, judged.stage, judged.interval);
  Object.assign(out, timeFields("buildTime", status.createdAt), timeFields("startTime", status.createdAt));
  if (complete) Object.assign(out, timeFields("endTime", status.updatedAt));
  out.storageAccountName = record.storageAccountName ?? COALMINE_STORAGE_ACCOUNT;
  if (record.metricsAccountName) out.metricsAccountName = record.metricsAccountName;
  out.configurationAccountName = record.configurationAccountName ?? COALMINE_STORAGE_ACCOUNT;
  if (status.warnings?.length) out.warnings = status.warnings;
  return out;
}
