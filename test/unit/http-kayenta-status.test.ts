// Kayenta's standalone status shape: Java Double.toString, the aggregated judgment messages, Orca execution statuses.
import { describe, expect, it } from "vitest";
import type { AnalysisStatus } from "../../src/analysis/analysis-status";
import { javaDoubleToString } from "../../src/http/java-double";
import { aggregatedJudgment, kayentaStatusResponse, orcaStatus } from "../../src/http/kayenta-status";

describe("javaDoubleToString", () => {
  it.each([
    [100, "100.0"],
    [0, "0.0"],
    [87.5, "87.5"],
    [66.66666666666667, "66.66666666666667"],
    [0.001, "0.001"],
    [0.0001, "1.0E-4"],
    [1.5e-7, "1.5E-7"],
    [1e7, "1.0E7"],
    [12345678.9, "1.23456789E7"],
    [-2.5, "-2.5"],
    [NaN, "NaN"],
  ])("%s → %s", (x, text) => {
    expect(javaDoubleToString(x)).toBe(text);
  });
});

describe("aggregatedJudgment (GenerateCanaryAnalysisResultTask)", () => {
  it("uses only the last score, with Kayenta's exact messages", () => {
    const t = { pass: 95, marginal: 75 };
    expect([
      aggregatedJudgment([40, 100], t),
      aggregatedJudgment([100, 75], t),
      aggregatedJudgment([100, 80], t),
      aggregatedJudgment([], t),
      aggregatedJudgment([10], undefined),
      aggregatedJudgment([80], { marginal: 75 }),
    ]).toMatchInlineSnapshot(`
      [
        {
          "didPassThresholds": true,
          "message": "Final canary score 100.0 met or exceeded the pass score threshold.",
        },
        {
          "didPassThresholds": false,
          "message": "Final canary score 75.0 is not above the marginal score threshold.",
        },
        {
          "didPassThresholds": false,
          "message": "Final canary score 80.0 is below the pass score threshold.",
        },
        {
          "didPassThresholds": false,
          "message": "There were no successful canary judgements to aggregate",
        },
        {
          "didPassThresholds": true,
          "message": "No score thresholds were specified.",
        },
        {
          "didPassThresholds": true,
          "message": "No pass score threshold was specified.",
        },
      ]
    `);
  });
});

const status = (state: AnalysisStatus["state"], scores: number[]): AnalysisStatus => ({
  id: "01JK",
  application: "ad-hoc",
  state,
  judge: "NetflixACAJudge-v1.0",
  judgements: scores.map((score, i) => ({
    stage: 0,
    interval: i,
    start: "2026-11-20T00:00:00Z",
    end: `2026-11-20T00:${String((i + 1) * 10).padStart(2, "0")}:00Z`,
    score,
    classification: score >= 95 ? "Pass" : score >= 75 ? "Marginal" : "Fail",
    failedMetrics: [],
  })),
  createdAt: "2026-11-23T10:00:00Z",
  updatedAt: "2026-11-23T10:00:05Z",
  reportUrl: "/api/analyses/01JK/report",
});

describe("orcaStatus", () => {
  const t = { pass: 95, marginal: 75 };
  it("is TERMINAL after a fail-fast score, SUCCEEDED for a last score between the thresholds", () => {
    expect(orcaStatus(status("failed", [60]), t)).toBe("TERMINAL");
    expect(orcaStatus(status("failed", [100, 80]), t)).toBe("SUCCEEDED");
    expect(orcaStatus(status("running", [100]), t)).toBe("RUNNING");
    expect(orcaStatus(status("awaiting-decision", [80]), t)).toBe("RUNNING");
    expect(orcaStatus(status("pending", []), t)).toBe("NOT_STARTED");
    expect(orcaStatus(status("canceled", []), t)).toBe("CANCELED");
    expect(orcaStatus(status("error", []), t)).toBe("TERMINAL");
  });
});

describe("kayentaStatusResponse", () => {
  it("has no result until complete, then the scores, message, judge results and judgement times", () => {
    const running = kayentaStatusResponse(
      status("running", [100]),
      { pass: 95, marginal: 75 },
      undefined,
      [],
    );
    expect(running).toMatchObject({ complete: false, executionStatus: "RUNNING", status: "running" });
    expect(running).not.toHaveProperty("canaryAnalysisExecutionResult");
    const judge = {
      judgeName: "NetflixACAJudge-v1.0",
      results: [],
      groupScores: [],
      score: { score: 100, classification: "Pass" as const, classificationReason: "" },
    };
    const done = kayentaStatusResponse(
      status("passed", [90, 100]),
      { pass: 95, marginal: 75 },
      { user: "ci", application: "ad-hoc", executionRequest: { scopes: [] } },
      [judge, judge],
    );
    expect(done).toMatchObject({
      user: "ci",
      complete: true,
      executionStatus: "SUCCEEDED",
      canaryAnalysisExecutionResult: {
        didPassThresholds: true,
        hasWarnings: false,
        canaryScores: [90, 100],
        canaryScoreMessage: "Final canary score 100.0 met or exceeded the pass score threshold.",
      },
      canaryAnalysisExecutionRequest: { scopes: [] },
    });
    const first = (done.canaryAnalysisExecutionResult as any).canaryExecutionResults[0];
    expect(first).toMatchObject({
      result: { judgeResult: judge, canaryDuration: "PT10M" },
      judgementStartTimeIso: "2026-11-20T00:00:00Z",
      judgementStartTimeMillis: Date.parse("2026-11-20T00:00:00Z"),
      judgementEndTimeIso: "2026-11-20T00:10:00Z",
    });
    const canceled = kayentaStatusResponse(status("canceled", []), undefined, undefined, []);
    expect(canceled.exception).toEqual({ details: { errors: ["Canary execution was canceled."] } });
  });
});
