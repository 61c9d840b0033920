// Stage planning and the decision rules: windows, warm-up, lookback, lag, offsets, Kayenta standalone semantics.
import { describe, expect, it } from "vitest";
import { nextAfterJudgement, type JudgementOutcome } from "../../src/analysis/decide";
import {
  intervalWindow,
  listWindows,
  planAnalysis,
  sideWindows,
  stageStartMs,
  type PlanRequest,
} from "../../src/analysis/plan";

const T0 = Date.parse("2026-11-23T10:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const windows = (req: PlanRequest) =>
  listWindows(planAnalysis(req, T0)).map(
    (w) => `${w.stage}/${w.interval} ${iso(w.startMs)}-${iso(w.endMs)} @${iso(w.fetchAtMs)}`,
  );

describe("planAnalysis", () => {
  it("plans growing windows per stage, stage after stage, with the default 30 s ingestion lag", () => {
    expect(
      windows({
        stages: [
          { name: "10%", duration: "PT10M", interval: "PT5M" },
          { name: "33%", warmup: "PT2M", duration: "PT10M", interval: "PT5M" },
        ],
      }),
    ).toEqual([
      "0/0 10:00:00-10:05:00 @10:05:30",
      "0/1 10:00:00-10:10:00 @10:10:30",
      "1/0 10:12:00-10:17:00 @10:17:30",
      "1/1 10:12:00-10:22:00 @10:22:30",
    ]);
  });

  it("slides the window with lookback, clamped to the end of the warm-up in native mode", () => {
    expect(
      windows({
        stages: [{ warmup: "PT1M", duration: "PT15M", interval: "PT5M", lookback: "PT7M" }],
        ingestionLag: "PT0S",
      }),
    ).toEqual([
      "0/0 10:01:00-10:06:00 @10:06:00",
      "0/1 10:04:00-10:11:00 @10:11:00",
      "0/2 10:09:00-10:16:00 @10:16:00",
    ]);
  });

  it("drops the remainder (N = floor(duration / interval)) and judges once without an interval", () => {
    const plan = planAnalysis(
      {
        stages: [
          { duration: "PT17M", interval: "PT5M" },
          { duration: "PT10M" },
          { duration: "PT5M", interval: "PT10M" },
        ],
      },
      T0,
    );
    expect(plan.stages.map((s) => [s.judgements, s.intervalMs / 60_000])).toEqual([
      [3, 5],
      [1, 10],
      [1, 5],
    ]);
    expect(plan.stages.map((s) => s.name)).toEqual(["stage 1", "stage 2", "stage 3"]);
  });

  it("defaults: start now, thresholds 95/75, the sequential judge, onMarginal fail, no traffic hook", () => {
    const plan = planAnalysis({ stages: [{ duration: "PT5M" }] }, T0);
    expect(plan).toMatchObject({
      mode: "native",
      startMs: T0,
      thresholds: { pass: 95, marginal: 75 },
      judge: "coalmine-sequential-v1",
      onMarginal: { action: "fail" },
      trafficHook: false,
      ingestionLagMs: 30_000,
    });
    const awaiting = planAnalysis(
      { stages: [{ duration: "PT5M" }], onMarginal: { action: "await-decision" } },
      T0,
    );
    expect(awaiting.onMarginal).toEqual({ action: "await-decision", timeoutMs: 30 * 60_000 });
  });

  it("plans a past window retrospectively from the request's startTime", () => {
    const plan = planAnalysis(
      { stages: [{ duration: "PT1H", interval: "PT30M" }], startTime: "2026-11-20T00:00:00Z" },
      T0,
    );
    expect(listWindows(plan).map((w) => new Date(w.endMs).toISOString())).toEqual([
      "2026-11-20T00:30:00.000Z",
      "2026-11-20T01:00:00.000Z",
    ]);
  });

  it("maps a Kayenta standalone request to Kayenta's windows: unclamped lookback", () => {
    const plan = planAnalysis(
      {
        mode: "kayenta-standalone",
        stages: [{ warmup: "PT2M", duration: "PT30M", interval: "PT10M", lookback: "PT15M" }],
        ingestionLag: "PT0S",
      },
      T0,
    );
    // docs/kayenta-rules.md §3.3: windowEnd = start + beginAfter + i*interval; windowStart = windowEnd - lookback
    expect(listWindows(plan).map((w) => `${iso(w.startMs)}-${iso(w.endMs)}`)).toEqual([
      "09:57:00-10:12:00",
      "10:07:00-10:22:00",
      "10:17:00-10:32:00",
    ]);
  });
});

describe("stage start and side windows", () => {
  it("starts a stage at its planned time when that is past, else now (a previous stage ended early)", () => {
    const plan = planAnalysis({ stages: [{ duration: "PT10M" }, { duration: "PT10M" }] }, T0);
    const second = plan.stages[1]!;
    expect(stageStartMs(second, T0 + 20 * 60_000)).toBe(T0 + 10 * 60_000);
    expect(stageStartMs(second, T0 + 3 * 60_000)).toBe(T0 + 3 * 60_000);
    expect(intervalWindow(plan, second, T0 + 3 * 60_000, 0).endMs).toBe(T0 + 13 * 60_000);
  });

  it("shifts each side by its offset and turns the step into seconds", () => {
    const w = sideWindows(
      { startMs: T0, endMs: T0 + 5 * 60_000 },
      { baseline: { scope: "b", offset: "P1D" }, canary: { scope: "c" }, step: "PT30S" },
    );
    expect(w).toEqual({
      baseline: { start: "2026-11-22T10:00:00.000Z", end: "2026-11-22T10:05:00.000Z" },
      canary: { start: "2026-11-23T10:00:00.000Z", end: "2026-11-23T10:05:00.000Z" },
      stepSeconds: 30,
    });
  });
});

describe("nextAfterJudgement", () => {
  const t = { pass: 95, marginal: 75 };
  const j = (
    score: number,
    classification: JudgementOutcome["classification"],
    extra: Partial<JudgementOutcome> = {},
  ) => ({
    score,
    classification,
    failedMetrics: classification === "Pass" ? [] : ["p95 latency"],
    ...extra,
  });

  it("native: Fail ends at once; Marginal goes on until the stage's last interval", () => {
    expect(nextAfterJudgement("native", t, j(40, "Fail"), false, "s1").kind).toBe("fail");
    expect(nextAfterJudgement("native", t, j(80, "Marginal"), false, "s1").kind).toBe("continue");
    expect(nextAfterJudgement("native", t, j(80, "Marginal"), true, "s1").kind).toBe("stage-marginal");
    expect(nextAfterJudgement("native", t, j(100, "Pass"), true, "s1").kind).toBe("stage-passed");
    expect(nextAfterJudgement("native", t, j(100, "Pass"), false, "s1").kind).toBe("continue");
  });

  it("native: a sequential judge's decision ends the stage early", () => {
    expect(nextAfterJudgement("native", t, j(100, "Pass", { decision: "fail" }), false, "s1").kind).toBe(
      "fail",
    );
    expect(nextAfterJudgement("native", t, j(80, "Marginal", { decision: "pass" }), false, "s1").kind).toBe(
      "stage-passed",
    );
    expect(nextAfterJudgement("native", t, j(100, "Pass", { decision: "continue" }), false, "s1").kind).toBe(
      "continue",
    );
  });

  it("native: an early pass in the last stage waits for its planned end unless the request opts in", () => {
    const pass = j(100, "Pass", { decision: "pass" });
    const held = { isLastStage: true, passLastStageEarly: false };
    expect(nextAfterJudgement("native", t, pass, false, "s2", held).kind).toBe("continue");
    expect(nextAfterJudgement("native", t, pass, true, "s2", held).kind).toBe("stage-passed");
    expect(
      nextAfterJudgement("native", t, pass, false, "s2", { isLastStage: true, passLastStageEarly: true })
        .kind,
    ).toBe("stage-passed");
    expect(
      nextAfterJudgement("native", t, pass, false, "s1", { isLastStage: false, passLastStageEarly: false })
        .kind,
    ).toBe("stage-passed");
    expect(
      nextAfterJudgement("native", t, j(100, "Pass", { decision: "fail" }), false, "s2", held).kind,
    ).toBe("fail");
    expect(planAnalysis({ stages: [{ duration: "PT10M" }] }, 0).passLastStageEarly).toBe(false);
    expect(
      planAnalysis({ stages: [{ duration: "PT10M" }], passLastStageEarly: true }, 0).passLastStageEarly,
    ).toBe(true);
  });

  it("names the failed metrics in the reason", () => {
    expect(nextAfterJudgement("native", t, j(40, "Fail"), false, "stage '10%' interval 1/2")).toEqual({
      kind: "fail",
      reason:
        "stage '10%' interval 1/2 scored 40, below the marginal threshold 75; failed metrics: p95 latency",
    });
  });

  it("Kayenta standalone: score <= marginal fails early; the last score decides (no marginal outcome)", () => {
    expect(nextAfterJudgement("kayenta-standalone", t, j(75, "Marginal"), false, "x")).toEqual({
      kind: "fail",
      reason: "Canary score 75.0 is not above the marginal score threshold. Failed metrics: p95 latency.",
    });
    expect(nextAfterJudgement("kayenta-standalone", t, j(80, "Marginal"), false, "x").kind).toBe("continue");
    expect(nextAfterJudgement("kayenta-standalone", t, j(80, "Marginal"), true, "x")).toEqual({
      kind: "fail",
      reason: "Final canary score 80.0 is below the pass score threshold.",
    });
    expect(nextAfterJudgement("kayenta-standalone", t, j(95, "Pass"), true, "x")).toEqual({
      kind: "stage-passed",
      reason: "Final canary score 95.0 met or exceeded the pass score threshold.",
    });
  });
});
