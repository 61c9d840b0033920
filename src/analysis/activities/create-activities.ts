// The orchestration's activities as a factory over ports: every write is idempotent (an activity may run twice).
import type { ResolvedAnalysisRequest } from "../../config/request-defaults";
import { errorLine } from "../../error-text";
import type { CanaryConfig } from "../../config/canary-config.schema";
import type { MetricClassificationLabel, MetricSetPair } from "../../judge/types";
import { fromKayentaJson, toKayentaJson } from "../../judge/kayenta-json";
import { MetricSetMixError } from "../../judge/metric-set-mixer";
import { mixedPairs } from "../fetch-pairs";
import { isPermanentSourceError } from "../ports/metric-source";
import { artifactPaths, type AnalysisRecord, type IntervalRecord } from "../ports/store";
import {
  ACTIVITIES,
  type ActivityContracts,
  type FetchMetricInput,
  type FetchMetricOutput,
  type JudgeIntervalInput,
  type JudgeIntervalOutput,
  type MarkAnalysisInput,
  type NotifyInput,
  type RecordVerdictInput,
  type SetTrafficWeightInput,
} from "../activity-contracts";
import { planAnalysis, sideWindows } from "../plan";
import { buildAnalysisStatus, reportUrlOf } from "../status-builder";
import type { ActivityPorts } from "../ports/activity-ports";

/** A request as stored at start: every default resolved, the canary config inline (resolved from `canaryConfigName`). */
export type StoredRequest = ResolvedAnalysisRequest & { canaryConfig: CanaryConfig };

/** One metric's fetched pairs, as the fetch activity stores them. */
export interface FetchedMetric {
  metric: string;
  queries: { baseline: string; canary: string };
  pairs: MetricSetPair[];
}

const FAILING: readonly MetricClassificationLabel[] = ["High", "Low", "NodataFailMetric", "Error"];

export const metricPartPath = (id: string, stage: number, interval: number, metric: number): string =>
  `analyses/${id}/s${stage}/i${interval}/metrics/${metric}.json`;
export const judgeStatePath = (id: string, stage: number, interval: number): string =>
  `analyses/${id}/s${stage}/i${interval}/judge-state.json`;

const JSON_TYPE = "application/json";

/** Thrown when an activity's analysis has no stored request (a bug or a purge mid-run). */
export class MissingAnalysisError extends Error {
  override readonly name = "MissingAnalysisError";
}

export function createActivities(ports: ActivityPorts): Activities {
  const requests = new Map<string, StoredRequest>();
  const loadRequest = async (id: string): Promise<StoredRequest> => {
    const cached = requests.get(id);
    if (cached) return cached;
    const request = await ports.artifactStore.getJson<StoredRequest>(artifactPaths.request(id));
    if (!request) throw new MissingAnalysisError(`analysis ${id} has no stored request`);
    if (requests.size > 200) requests.delete(requests.keys().next().value as string);
    requests.set(id, request);
    return request;
  };
  const stamp = () => ports.clock().toISOString();
  // Metric values keep NaN and ±Infinity (plain JSON would turn them into null, i.e. 0 in arithmetic).
  const putKayenta = (path: string, value: unknown) =>
    ports.artifactStore.putText(path, toKayentaJson(value), JSON_TYPE);
  const getKayenta = async <T>(path: string): Promise<T | undefined> => {
    const text = await ports.artifactStore.getText(path);
    return text === undefined ? undefined : fromKayentaJson<T>(text);
  };
  const statusOf = async (application: string, id: string) => {
    const record = await ports.analysisStore.getAnalysis(id, application);
    if (!record) throw new MissingAnalysisError(`analysis ${id} has no row`);
    return buildAnalysisStatus(record, await ports.analysisStore.listIntervals(id));
  };

  const markAnalysis = async (input: MarkAnalysisInput): Promise<void> => {
    const patch: Partial<AnalysisRecord> = { state: input.state, updatedAt: stamp() };
    if (input.stage) {
      patch.stageIndex = input.stage.index;
      patch.stageName = input.stage.name;
    }
    if (input.reason !== undefined) patch.reason = input.reason;
    await ports.analysisStore.updateAnalysis(input.application, input.analysisId, patch);
  };

  const setTrafficWeight = async (input: SetTrafficWeightInput): Promise<void> => {
    const request = await loadRequest(input.analysisId);
    if (!request.trafficHook) return;
    await ports.trafficHook.setWeight({
      analysisId: input.analysisId,
      application: input.application,
      stage: input.stage,
      url: request.trafficHook.url,
      ...(request.trafficHook.secretName === undefined ? {} : { secretName: request.trafficHook.secretName }),
    });
  };

  const fetchMetric = async (input: FetchMetricInput): Promise<FetchMetricOutput> => {
    const request = await loadRequest(input.analysisId);
    const metric = request.canaryConfig.metrics[input.metricIndex];
    if (!metric)
      throw new MissingAnalysisError(`analysis ${input.analysisId} has no metric #${input.metricIndex}`);
    const scopeName = metric.scopeName ?? "default";
    const scopes = Object.hasOwn(request.scopes, scopeName) ? request.scopes[scopeName] : undefined;
    if (!scopes) {
      return {
        ok: false,
        metric: metric.name,
        permanent: true,
        reason: `the request has no scope '${scopeName}'`,
      };
    }
    let source;
    try {
      source = ports.metricSources(request.metricsAccount, metric);
    } catch (err) {
      return {
        ok: false,
        metric: metric.name,
        permanent: true,
        reason: errorLine(err),
      };
    }
    const windows = sideWindows(
      { startMs: Date.parse(input.window.start), endMs: Date.parse(input.window.end) },
      scopes,
    );
    const side = (which: "baseline" | "canary") => ({
      config: request.canaryConfig,
      metric,
      scope: {
        scope: scopes[which].scope,
        ...(scopes[which].location === undefined ? {} : { location: scopes[which].location }),
        ...(scopes[which].extendedScopeParams === undefined
          ? {}
          : { extendedScopeParams: scopes[which].extendedScopeParams }),
      },
      window: { ...windows[which], stepSeconds: windows.stepSeconds },
    });
    try {
      const [baseline, canary] = await Promise.all([
        source.fetch(side("baseline")),
        source.fetch(side("canary")),
      ]);
      // Each pair gets Kayenta's MetricSetPair id (the judge copies it into its result, so a report can
      // find a result's data): deterministic, so a repeated activity writes the same part.
      const pairs = mixedPairs(metric.name, baseline, canary, {
        baseline: windows.baseline,
        canary: windows.canary,
        stepSeconds: windows.stepSeconds,
      }).map((p, k) => ({
        ...p,
        id: p.id ?? `${input.analysisId}-s${input.stage}-i${input.interval}-m${input.metricIndex}-${k}`,
      }));
      const ref = metricPartPath(input.analysisId, input.stage, input.interval, input.metricIndex);
      const part: FetchedMetric = {
        metric: metric.name,
        queries: { baseline: baseline.query, canary: canary.query },
        pairs,
      };
      await putKayenta(ref, part);
      return { ok: true, metric: metric.name, ref, pairs: pairs.length };
    } catch (err) {
      // Permanent source errors (bad query, 401/403) end the analysis in `error`; transient ones are retried.
      if (isPermanentSourceError(err) || err instanceof MetricSetMixError) {
        return { ok: false, metric: metric.name, permanent: true, reason: err.message };
      }
      throw err;
    }
  };

  const judgeInterval = async (input: JudgeIntervalInput): Promise<JudgeIntervalOutput> => {
    const { analysisId: id, stage, interval } = input;
    const request = await loadRequest(id);
    const parts = await Promise.all(input.metricRefs.map((ref) => getKayenta<FetchedMetric>(ref)));
    const pairs = parts.flatMap((p, i) => {
      if (!p) throw new MissingAnalysisError(`fetched pairs missing at ${input.metricRefs[i]}`);
      return p.pairs;
    });
    const pairsRef = artifactPaths.pairs(id, stage, interval);
    await putKayenta(pairsRef, pairs);
    const previousState =
      input.previousStateRef === undefined ? undefined : await getKayenta<unknown>(input.previousStateRef);
    const judge = ports.judges(request.judge);
    // Where this judgement falls in the plan (per-stage judges open new evidence per stage and hold
    // a pass until the stage's minimum exposure; docs/judges.md). The counts do not depend on the clock.
    const planned = planAnalysis(request, 0).stages;
    const output = judge.judge({
      config: request.canaryConfig,
      thresholds: request.thresholds,
      pairs,
      judgementIndex: input.judgementIndex,
      ...(previousState === undefined ? {} : { previousState }),
      stage: {
        index: stage,
        count: planned.length,
        interval,
        intervals: planned[stage]?.judgements ?? 0,
        totalIntervals: planned.reduce((a, s) => a + s.judgements, 0),
      },
    });
    const judgementRef = artifactPaths.judgement(id, stage, interval);
    await putKayenta(judgementRef, output.result);
    let stateRef: string | undefined;
    if (output.state !== undefined) {
      stateRef = judgeStatePath(id, stage, interval);
      await putKayenta(stateRef, output.state);
    }
    const counts: Partial<Record<MetricClassificationLabel, number>> = {};
    const failedMetrics: string[] = [];
    const undecidedMetrics: string[] = [];
    for (const r of output.result.results) {
      counts[r.classification] = (counts[r.classification] ?? 0) + 1;
      if (FAILING.includes(r.classification) && !r.muted && !failedMetrics.includes(r.name))
        failedMetrics.push(r.name);
      else if (
        r.classification === "Pass" &&
        r.resultMetadata.decision === "continue" &&
        !r.muted &&
        !undecidedMetrics.includes(r.name)
      )
        undecidedMetrics.push(r.name);
    }
    const { score, classification, classificationReason } = output.result.score;
    const row: IntervalRecord = {
      analysisId: id,
      stage,
      interval,
      start: input.window.start,
      end: input.window.end,
      score,
      classification,
      counts,
      failedMetrics,
      ...(undecidedMetrics.length ? { undecidedMetrics } : {}),
      pairsRef,
      judgementRef,
    };
    await ports.analysisStore.putInterval(row);
    const record = await ports.analysisStore.updateAnalysis(input.application, id, {
      stageIndex: stage,
      stageName: input.stageName,
      score,
      updatedAt: stamp(),
    });
    const result: JudgeIntervalOutput = {
      score,
      classification,
      failedMetrics,
      ...(undecidedMetrics.length ? { undecidedMetrics } : {}),
      reason: classificationReason,
      judgementRef,
      cancelRequested: record.extra?.cancelRequested === true,
    };
    const cancelReason = record.extra?.cancelReason;
    if (result.cancelRequested && typeof cancelReason === "string") result.cancelReason = cancelReason;
    if (output.decision !== undefined) result.decision = output.decision;
    if (stateRef !== undefined) result.stateRef = stateRef;
    return result;
  };

  const recordVerdict = async (input: RecordVerdictInput): Promise<void> => {
    const { analysisId: id, application } = input;
    const current = await ports.analysisStore.getAnalysis(id, application);
    if (!current) throw new MissingAnalysisError(`analysis ${id} has no row`);
    const final: AnalysisRecord = {
      ...current,
      state: input.state,
      reason: input.reason,
      updatedAt: stamp(),
      resultRef: artifactPaths.result(id),
      extra: { ...current.extra, warnings: input.warnings },
    };
    if (input.verdict !== undefined) final.verdict = input.verdict;
    if (input.score !== undefined) final.score = input.score;
    if (input.stage) {
      final.stageIndex = input.stage.index;
      final.stageName = input.stage.name;
    }
    const status = buildAnalysisStatus(final, await ports.analysisStore.listIntervals(id));
    await ports.artifactStore.putJson(artifactPaths.result(id), status);
    await ports.analysisStore.putAnalysis(final);
  };

  const notify = async (input: NotifyInput): Promise<void> => {
    const status = await statusOf(input.application, input.analysisId);
    await ports.notifier.notify(input.analysisId, {
      event: input.event,
      status,
      reportUrl: `${ports.publicBaseUrl?.replace(/\/$/, "") ?? ""}${reportUrlOf(input.analysisId)}`,
      ...(input.message === undefined ? {} : { message: input.message }),
    });
  };

  return {
    [ACTIVITIES.markAnalysis]: markAnalysis,
    [ACTIVITIES.setTrafficWeight]: setTrafficWeight,
    [ACTIVITIES.fetchMetric]: fetchMetric,
    [ACTIVITIES.judgeInterval]: judgeInterval,
    [ACTIVITIES.recordVerdict]: recordVerdict,
    [ACTIVITIES.notify]: notify,
  };
}

/** The activities, typed by the activity map the orchestrator calls through (activity-contracts.ts). */
export type Activities = ActivityContracts;
