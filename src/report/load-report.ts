// Assembles a ReportModel from storage: the status, each interval's stored judgement, the last interval's pairs.
import { REQUEST_DEFAULTS } from "../config/request-defaults";
import type { AnalysisStatus } from "../analysis/analysis-status";
import { toJudgementSummary } from "../analysis/status-builder";
import type { AnalysisRequest } from "../config/analysis-request.schema";
import { fromKayentaJson } from "../judge/kayenta-json";
import type { CanaryJudgeResult, MetricSetPair } from "../judge/types";
import { artifactPaths, type AnalysisStore, type ArtifactStore } from "../analysis/ports/store";
import type { ReportInterval, ReportModel } from "./report-model";

/** judgement.json holds a CanaryJudgeResult, possibly wrapped with the judge's state as `{ result, ... }`. */
function asJudgeResult(stored: unknown): CanaryJudgeResult | undefined {
  if (!stored || typeof stored !== "object") return undefined;
  if ("judgeName" in stored && "results" in stored) return stored as CanaryJudgeResult;
  if ("result" in stored) return asJudgeResult(stored.result);
  return undefined;
}

/** pairs.json holds a MetricSetPair list, possibly wrapped as `{ pairs: [...] }`. */
function asPairs(stored: unknown): MetricSetPair[] {
  if (Array.isArray(stored)) return stored as MetricSetPair[];
  if (stored && typeof stored === "object" && "pairs" in stored && Array.isArray(stored.pairs))
    return (stored as { pairs: MetricSetPair[] }).pairs;
  return [];
}

/** Stored judgements and pairs are Kayenta JSON: "NaN" / "Infinity" strings stand for numbers. */
async function getKayenta(artifacts: ArtifactStore, path: string): Promise<unknown> {
  const text = await artifacts.getText(path);
  return text === undefined ? undefined : fromKayentaJson(text);
}

export async function loadReportModel(
  status: AnalysisStatus,
  stores: { analyses: AnalysisStore; artifacts: ArtifactStore },
  generatedAt: string,
): Promise<ReportModel> {
  const request = await stores.artifacts.getJson<
    AnalysisRequest & { canaryConfig?: { metrics?: { groups?: string[] }[] } }
  >(artifactPaths.request(status.id));
  const rows = await stores.analyses.listIntervals(status.id);
  const intervals: ReportInterval[] = await Promise.all(
    rows.map(async (row) => {
      const judgeResult = asJudgeResult(await getKayenta(stores.artifacts, row.judgementRef));
      return { ...toJudgementSummary(row), ...(judgeResult ? { judgeResult } : {}) };
    }),
  );
  const lastRow = rows.at(-1);
  const finalPairs = lastRow
    ? asPairs(
        await getKayenta(
          stores.artifacts,
          lastRow.pairsRef ?? artifactPaths.pairs(status.id, lastRow.stage, lastRow.interval),
        ),
      )
    : [];
  const groupOrder = [
    ...new Set([
      ...Object.keys(request?.canaryConfig?.classifier?.groupWeights ?? {}),
      ...(request?.canaryConfig?.metrics ?? []).flatMap((m) => m.groups ?? []),
    ]),
  ];
  return {
    status,
    thresholds: request?.thresholds ?? REQUEST_DEFAULTS.thresholds,
    stages: (request?.stages ?? []).map((s, i) => ({
      name: s.name ?? `stage ${i + 1}`,
      ...(s.trafficWeight !== undefined ? { trafficWeight: s.trafficWeight } : {}),
    })),
    intervals,
    finalPairs,
    groupOrder,
    generatedAt,
  };
}
