// What the HTTP handlers need from the rest of the app: small ports, wired once (Azure or `coalmine serve`).
import type { CancelOutcome, DecisionOutcome, ListQuery } from "../analysis/analysis-service";
import type { AnalysisStatus } from "../analysis/analysis-status";
import type { Clock } from "../analysis/ports/clock";
import type { AnalysisRequest } from "../config/analysis-request.schema";
import type { CanaryJudgeResult } from "../judge/types";
import type { ArtifactStore, ConfigStore } from "../analysis/ports/store";
import type { SecretBox } from "../notify/secret-box";

export interface StartOptions {
  /** The analysis id, chosen by the HTTP layer so side data (e.g. the Azure DevOps context) is stored first. */
  id: string;
  /** Kayenta-compatible starts keep the original request for the status echo. */
  origin?: "native" | "kayenta";
  /** A Kayenta document's warnings (ignored keys), kept on the analysis. */
  warnings?: string[];
}

export type { CancelOutcome, DecisionOutcome };
export type AnalysisListQuery = ListQuery;

/** The analysis service as the HTTP layer sees it (implemented over src/analysis/analysis-service.ts). */
export interface AnalysisApi {
  /** Validates beyond the schema (throws ProblemError 400 with paths) and starts; returns the first status. */
  start(request: AnalysisRequest, options: StartOptions): Promise<AnalysisStatus>;
  getStatus(id: string): Promise<AnalysisStatus | undefined>;
  list(query: AnalysisListQuery): Promise<{ items: AnalysisStatus[]; continuationToken?: string }>;
  decide(
    id: string,
    decision: { action: "approve" | "reject"; reason?: string; by?: string },
  ): Promise<DecisionOutcome>;
  cancel(id: string, reason: string): Promise<CancelOutcome>;
  /** The stored request, as started. */
  getRequest(id: string): Promise<AnalysisRequest | undefined>;
  /** The judge result of one judgement, when stored. */
  getJudgement(id: string, stage: number, interval: number): Promise<CanaryJudgeResult | undefined>;
}

export interface HttpDeps {
  analyses: AnalysisApi;
  artifacts: ArtifactStore;
  /** Stored canary configs (the Kayenta `/{canaryConfigId}` start reads them). */
  configs: ConfigStore;
  /** GET /api/metrics-accounts: account names and types, never secrets. */
  describeAccounts(): Promise<unknown>;
  /** GET /api/analyses/{id}/report: the HTML report, undefined when there is no such analysis. */
  renderReport(id: string): Promise<string | undefined>;
  /** Seals the Azure DevOps AuthToken at rest (COALMINE_SECRET_KEY); absent = Azure DevOps calls are refused (503). */
  secretBox?: SecretBox;
  /** Why COALMINE_SECRET_KEY cannot be used (set but invalid): Azure DevOps calls are refused (503) with it. */
  secretBoxProblem?: string;
  /** New ids (ULIDs). */
  newId(): string;
  /** Wall time (the index's "generated at"); the local runtime passes its own clock. */
  clock: Clock;
  /** `COALMINE_OUTBOUND_ALLOWLIST`, for checking a PlanUrl at once. */
  outboundAllowlist?: string;
  /** Public base URL for absolute links (else the request's). */
  publicBaseUrl?: string;
  /** Unexpected errors go here (never to the client). */
  logError(message: string, error: unknown): void;
}

export type ConfigRouteName = "putConfig" | "getConfig" | "deleteConfig" | "listConfigs";
