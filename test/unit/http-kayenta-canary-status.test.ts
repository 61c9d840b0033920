import { describe, expect, it } from "vitest";
import type { AnalysisStatus } from "../../src/analysis/analysis-status";
import {
  canaryDuration,
  kayentaCanaryStatusResponse,
  metricSetPairListId,
  parseMetricSetPairListId,
  type KayentaCanaryRecord,
} from "../../src/http/kayenta-canary-status";

const scope = (start: string, end: string) => ({ scope: "s", location: "prod", start, end, step: 60 });
const record: KayentaCanaryRecord = {
  application: "checkout",
  canaryConfigId: "cfg-1",
  canaryConfig: { name: "c", metrics: [{}, {}] },
  canaryExecutionRequest: {
    scopes: {
      default: {
        controlScope: scope("2026-11-20T00:00:00Z", "2026-11-20T00:30:00Z"),
        experimentScope: scope("2026-11-20T00:00:00Z", "2026-11-20T00:30:00Z"),
      },
    },
    thresholds: { pass: 95, marginal: 75 },
  },
};
const status = (patch: Partial<AnalysisStatus>): AnalysisStatus => ({
  id: "01JRUN",
  application: "checkout",
  state: "running",
  judge: "NetflixACAJudge-v1.0",
  judgements: [],
  createdAt: "2026-11-30T10:00:00.000Z",
  updatedAt: "2026-11-30T10:00:05.000Z",
  reportUrl: "/api/analyses/01JRUN/report",
  ...patch,
});

describe("CanaryExecutionStatusResponse from an analysis", () => {
  it("a run Coalmine could not judge is terminal with Kayenta's exception shape, no result", () => {
    const out = kayentaCanaryStatusResponse(
      status({ state: "error", reason: "metric 'p95' failed: HTTP 400 bad query" }),
      record,
      undefined,
      2,
    );
    expect(out).toMatchObject({
      complete: true,
      status: "terminal",
      exception: { details: { errors: ["metric 'p95' failed: HTTP 400 bad query"] } },
      stageStatus: { setupContext: "succeeded", fetchControl1: "terminal", judge: "terminal" },
      endTimeIso: "2026-11-30T10:00:05.000Z",
      storageAccountName: "coalmine",
    });
    expect(out.result).toBeUndefined();
  });

  it("a pending run is not_started and has no end time", () => {
    const out = kayentaCanaryStatusResponse(status({ state: "pending" }), record, undefined, 2);
    expect(out).toMatchObject({
      complete: false,
      status: "not_started",
      stageStatus: { judge: "not_started" },
    });
    expect(out.endTimeIso).toBeUndefined();
  });

  it("canaryDuration is the one window length, else null (calculateDuration)", () => {
    expect(canaryDuration(record.canaryExecutionRequest)).toBe("PT30M");
    const uneven = structuredClone(record.canaryExecutionRequest);
    uneven.scopes["default"]!.controlScope.end = "2026-11-20T00:20:00Z";
    expect(canaryDuration(uneven)).toBeNull();
  });

  it("metric set pair list ids round-trip and refuse anything else", () => {
    expect(parseMetricSetPairListId(metricSetPairListId("01JRUN", 0, 12))).toEqual({
      analysisId: "01JRUN",
      stage: 0,
      interval: 12,
    });
    expect(parseMetricSetPairListId("../x-s0-i0")).toBeUndefined();
    expect(parseMetricSetPairListId("01JRUN")).toBeUndefined();
  });
});
