// What HTTP and the CLI need: start an analysis, read its status, decide on it, cancel it (framework-free).
import { absoluteStartTime, type AnalysisRequest } from "../config/analysis-request.schema";
import type { CanaryConfig } from "../config/canary-config.schema";
import { resolveRequestDefaults } from "../config/request-defaults";
import { validateAnalysisRequest, type AnalysisRequestValidationOptions } from "../config/validate";
import type { CanaryJudgeResult } from "../judge/types";
import {
  artifactPaths,
  type AnalysisRecord,
  type AnalysisStore,
  type ArtifactStore,
  type ConfigStore,
} from "./ports/store";
import {
  EVENTS,
  ORCHESTRATIONS,
  type CanaryAnalysisInput,
  type CancelEvent,
  type DecisionEvent,
} from "./activity-contracts";
import type { StoredRequest } from "./activities/create-activities";
import { TERMINAL_STATES, type AnalysisState, type AnalysisStatus } from "./analysis-status";
import { InvalidAnalysisRequestError } from "./errors";
import type { OrchestrationClient } from "./orchestration-client";
import { planAnalysis } from "./plan";
import { buildAnalysisStatus } from "./status-builder";

export interface AnalysisServiceDeps {
  analysisStore: AnalysisStore;
  artifactStore: ArtifactStore;
  configStore: ConfigStore;
  client: OrchestrationClient;
  clock: () => Date;
  newId: () => string;
  /** Checks that need the installation (its judges, its metric accounts): made before starting, 400 with the path. */
  checks?: Pick<AnalysisRequestValidationOptions, "knownJudges" | "accountProblem" | "urlProblem">;
}

export interface StartAnalysisOptions {
  /** Chosen by the caller (e.g. HTTP stores side data first); default a new ULID. */
  id?: string;
  /** Kayenta-compatible starts are marked so the standalone status endpoint can answer. */
  origin?: "native" | "kayenta";
  /** Warnings found before the start (a Kayenta document's ignored keys), kept on the analysis. */
  warnings?: string[];
}

export type DecisionOutcome = "accepted" | "not-found" | "not-awaiting";
export type CancelOutcome = "canceled" | "not-found" | "already-ended";

export interface ListQuery {
  application?: string;
  state?: AnalysisState;
  limit?: number;
  continuationToken?: string;
}

export type AnalysisService = ReturnType<typeof createAnalysisService>;

export function createAnalysisService(deps: AnalysisServiceDeps) {
  const { analysisStore, artifactStore, configStore, client } = deps;

  async function statusOf(record: AnalysisRecord): Promise<AnalysisStatus> {
    const intervals = await analysisStore.listIntervals(record.id);
    const orchestration = TERMINAL_STATES.includes(record.state)
      ? undefined
      : await client.getStatus(record.id);
    return buildAnalysisStatus(record, intervals, orchestration);
  }

  /** Validates (schema and cross-field rules, stored config looked up), stores the request and the row, starts the orchestration. */
  async function start(body: unknown, options: StartAnalysisOptions = {}): Promise<AnalysisStatus> {
    const named = body as Partial<AnalysisRequest> | null;
    let storedConfig: CanaryConfig | undefined;
    if (named && typeof named.canaryConfigName === "string" && typeof named.application === "string") {
      storedConfig = (await configStore.get(named.application, named.canaryConfigName))?.config;
      if (!storedConfig) {
        throw new InvalidAnalysisRequestError([
          {
            path: "$.canaryConfigName",
            message: `no stored canary config '${named.canaryConfigName}' for application '${named.application}'`,
          },
        ]);
      }
    }
    const checked = validateAnalysisRequest(body, { storedConfig, ...deps.checks });
    if (!checked.ok) throw new InvalidAnalysisRequestError(checked.problems);
    // What a Kayenta document carried that Kayenta (and so Coalmine) ignores, shown on the analysis.
    const warnings = [
      ...(options.warnings ?? []),
      ...(checked.warnings ?? []).map((w) => `${w.path}: ${w.message}`),
    ];
    const now = deps.clock();
    const resolved = resolveRequestDefaults(checked.value, { storedConfig });
    const config = resolved.canaryConfig ?? storedConfig;
    if (!config) throw new InvalidAnalysisRequestError([{ path: "$", message: "no canary config" }]);
    const { canaryConfigName: _name, ...rest } = resolved;
    // Stored self-contained: the config inline and the start time fixed, so a later config change or a
    // replay does not alter a running analysis.
    const stored: StoredRequest = {
      ...rest,
      canaryConfig: config,
      startTime: absoluteStartTime(resolved.startTime, now.getTime()),
    };
    const id = options.id ?? deps.newId();
    const plan = planAnalysis(stored, now.getTime());

    const existing = await analysisStore.getAnalysis(id, stored.application);
    if (!existing) {
      await artifactStore.putJson(artifactPaths.request(id), stored);
      const extra: Record<string, unknown> = { origin: options.origin ?? "native" };
      if (_name !== undefined) extra.canaryConfigName = _name;
      if (stored.metadata) extra.metadata = stored.metadata;
      if (warnings.length > 0) extra.warnings = warnings;
      await analysisStore.putAnalysis({
        id,
        application: stored.application,
        state: "pending",
        judge: plan.judge,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        requestRef: artifactPaths.request(id),
        extra,
      });
    }
    const input: CanaryAnalysisInput = {
      analysisId: id,
      application: stored.application,
      plan,
      metricCount: config.metrics.length,
      cursor: { stage: 0, interval: 0 },
      judgementIndex: 0,
      scores: [],
      warnings,
    };
    await client.start(ORCHESTRATIONS.canaryAnalysis, id, input);
    const record = await analysisStore.getAnalysis(id, stored.application);
    if (!record) throw new Error(`analysis ${id} vanished after it was stored`);
    return statusOf(record);
  }

  async function getStatus(id: string): Promise<AnalysisStatus | undefined> {
    const record = await analysisStore.getAnalysis(id);
    return record ? statusOf(record) : undefined;
  }

  async function list(query: ListQuery): Promise<{ items: AnalysisStatus[]; continuationToken?: string }> {
    const page = await analysisStore.listAnalyses(query);
    const items = await Promise.all(page.items.map(statusOf));
    return page.continuationToken === undefined
      ? { items }
      : { items, continuationToken: page.continuationToken };
  }

  async function decide(id: string, decision: DecisionEvent): Promise<DecisionOutcome> {
    const status = await getStatus(id);
    if (!status) return "not-found";
    if (status.state !== "awaiting-decision") return "not-awaiting";
    const event: DecisionEvent = { action: decision.action };
    if (decision.reason !== undefined) event.reason = decision.reason;
    if (decision.by !== undefined) event.by = decision.by;
    await client.raiseEvent(id, EVENTS.decision, event);
    return "accepted";
  }

  /**
   * Cancels through an event (not terminate) so the orchestration still records `canceled` and notifies.
   * The row's `cancelRequested` flag is a backstop the next judgement reads, for an event that arrives
   * while the orchestration is between two executions.
   */
  async function cancel(id: string, reason: string): Promise<CancelOutcome> {
    const record = await analysisStore.getAnalysis(id);
    if (!record) return "not-found";
    if (TERMINAL_STATES.includes(record.state)) return "already-ended";
    const orchestration = await client.getStatus(id);
    const ended =
      orchestration &&
      ["Completed", "Failed", "Terminated", "Canceled"].includes(orchestration.runtimeStatus);
    if (ended) return "already-ended";
    await analysisStore.updateAnalysis(record.application, id, {
      extra: { ...record.extra, cancelRequested: true, cancelReason: reason },
      updatedAt: deps.clock().toISOString(),
    });
    const event: CancelEvent = { reason };
    await client.raiseEvent(id, EVENTS.cancel, event);
    return "canceled";
  }

  async function getRequest(id: string): Promise<AnalysisRequest | undefined> {
    return artifactStore.getJson<AnalysisRequest>(artifactPaths.request(id));
  }

  async function getJudgement(
    id: string,
    stage: number,
    interval: number,
  ): Promise<CanaryJudgeResult | undefined> {
    return artifactStore.getJson<CanaryJudgeResult>(artifactPaths.judgement(id, stage, interval));
  }

  return { start, getStatus, list, decide, cancel, getRequest, getJudgement };
}
