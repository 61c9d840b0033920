// Time-skipping tests of the canaryAnalysis orchestration on the local runtime (virtual clock, Azurite).
import { afterEach, describe, expect, it } from "vitest";
import type { MetricSetPair } from "../../src/judge/types";
import { at, harness, request, type Harness } from "./orchestration-harness";

let h: Harness | undefined;
afterEach(async () => {
  await h?.app.close();
  h = undefined;
});

async function run(h: Harness, body: Record<string, unknown>) {
  const started = await h.app.service.start(body);
  const final = await h.app.runtime.waitForCompletion(started.id);
  const status = await h.app.service.getStatus(started.id);
  return { id: started.id, final, status: status! };
}

describe("canaryAnalysis on the local runtime", () => {
  it("passes a 2-stage analysis, judging at window end + ingestion lag", async () => {
    h = await harness({ scores: [100, 98, 97, 99] });
    const { id, final, status } = await run(h, request());
    expect(final.runtimeStatus).toBe("Completed");
    expect(status).toMatchObject({
      state: "passed",
      verdict: "pass",
      score: 99,
      stage: { index: 1, name: "33%" },
    });
    expect(h.source.fetchedAt).toEqual([at("10:05:30"), at("10:10:30"), at("10:15:30"), at("10:20:30")]);
    expect(status.judgements.map((j) => [j.stage, j.interval, j.start, j.end, j.score])).toEqual([
      [0, 0, at("10:00:00"), at("10:05:00"), 100],
      [0, 1, at("10:00:00"), at("10:10:00"), 98],
      [1, 0, at("10:10:00"), at("10:15:00"), 97],
      [1, 1, at("10:10:00"), at("10:20:00"), 99],
    ]);
    expect(h.events.map((e) => e.event)).toEqual([
      "started",
      "judgement",
      "judgement",
      "judgement",
      "judgement",
      "completed",
    ]);
    const rows = await h.app.ports.analysisStore.listIntervals(id);
    expect(rows).toHaveLength(4);
    expect(rows[0]!.pairsRef).toBe(`analyses/${id}/s0/i0/pairs.json`);
    const result = await h.app.ports.artifactStore.getJson<{ verdict: string }>(`analyses/${id}/result.json`);
    expect(result?.verdict).toBe("pass");
    expect(await h.app.ports.artifactStore.getJson(rows[3]!.judgementRef)).toMatchObject({
      judgeName: "scripted",
    });
    // continueAsNew after each interval keeps every execution's history short
    expect(h.app.runtime.stats().maxHistoryLength).toBeLessThan(60);
  });

  it("fails early in stage 1 on a regression and never runs stage 2", async () => {
    h = await harness({ scores: [40] });
    const { status } = await run(h, request());
    expect(status).toMatchObject({ state: "failed", verdict: "fail", score: 40, stage: { index: 0 } });
    expect(status.reason).toContain("latency");
    expect(status.judgements).toHaveLength(1);
    expect(h.source.fetchedAt).toEqual([at("10:05:30")]);
    expect(h.app.clock.now().toISOString()).toBe(at("10:05:30"));
  });

  it("lets a sequential judge's decision end a stage early", async () => {
    h = await harness({ scores: [100], decisions: ["pass", undefined, undefined] });
    const { status } = await run(h, request());
    expect(status.state).toBe("passed");
    // stage 1 stopped after its first judgement; stage 2 starts at once (not at its planned 10:10)
    expect(h.source.fetchedAt).toEqual([at("10:05:30"), at("10:11:00"), at("10:16:00")]);
  });

  it("grows the window from the stage start after warm-up, or slides it with lookback", async () => {
    h = await harness({ scores: [100] });
    const body = request({
      stages: [{ name: "only", warmup: "PT2M", duration: "PT15M", interval: "PT5M", lookback: "PT5M" }],
      ingestionLag: "PT1M",
    });
    const { status } = await run(h, body);
    expect(status.judgements.map((j) => [j.start, j.end])).toEqual([
      [at("10:02:00"), at("10:07:00")],
      [at("10:07:00"), at("10:12:00")],
      [at("10:12:00"), at("10:17:00")],
    ]);
    expect(h.source.fetchedAt).toEqual([at("10:08:00"), at("10:13:00"), at("10:18:00")]);
  });

  it("tells the traffic hook each stage's weight before judging it", async () => {
    const calls: string[] = [];
    const hook = {
      setWeight: async (c: { stage: { name: string; trafficWeight: number }; url: string }) => {
        calls.push(`${c.stage.name}=${c.stage.trafficWeight} ${c.url}`);
      },
    };
    h = await harness({ scores: [100] }, {}, hook);
    const { status } = await run(h, request({ trafficHook: { url: "https://deploy.example/weights" } }));
    expect(status.state).toBe("passed");
    expect(calls).toEqual(["10%=10 https://deploy.example/weights", "33%=33 https://deploy.example/weights"]);
  });

  it("ends in error when the traffic hook keeps failing", async () => {
    const hook = {
      setWeight: async () => {
        throw new Error("hook answered 500");
      },
    };
    h = await harness({ scores: [100] }, {}, hook);
    const { status } = await run(h, request({ trafficHook: { url: "https://deploy.example/weights" } }));
    expect(status).toMatchObject({ state: "error" });
    expect(status.reason).toContain("the traffic hook failed for stage '10%'");
    expect(status.judgements).toEqual([]);
  });

  it("applies Kayenta's standalone rules in kayenta-standalone mode", async () => {
    h = await harness({ scores: [90, 80, 88] });
    const body = request({
      mode: "kayenta-standalone",
      stages: [{ name: "canary", duration: "PT30M", interval: "PT10M" }],
    });
    const { status } = await run(h, body);
    // 90 and 80 are above marginal (75): go on; the last score (88) is below pass (95): fail
    expect(status).toMatchObject({ state: "failed", verdict: "fail", score: 88 });
    expect(status.reason).toBe("Final canary score 88.0 is below the pass score threshold.");
    expect(status.judgements).toHaveLength(3);
  });

  it('keeps NaN samples as NaN through Blob storage (Kayenta\'s "NaN" strings, never null)', async () => {
    const seen: MetricSetPair[][] = [];
    h = await harness({ scores: [100], seen }, { withNaN: true });
    const { id, status } = await run(h, request({ stages: [{ name: "one", duration: "PT5M" }] }));
    expect(status.state).toBe("passed");
    const latency = seen[0]!.find((p) => p.name === "latency")!;
    expect(latency.values.control).toEqual([100, Number.NaN, 102, 103, 104]);
    const stored = await h.app.ports.artifactStore.getText(`analyses/${id}/s0/i0/pairs.json`);
    expect(stored).toContain('[100,"NaN",102,103,104]');
  });

  it("hands each judgement the judge state of the previous one (through Blob, across executions)", async () => {
    const states: unknown[] = [];
    h = await harness({ scores: [100], states });
    await run(h, request());
    expect(states).toEqual([
      undefined,
      { seen: 1, previous: null },
      { seen: 2, previous: { seen: 1, previous: null } },
      { seen: 3, previous: { seen: 2, previous: { seen: 1, previous: null } } },
    ]);
  });
});
