// Time-skipping tests: marginal decisions (approve, reject, timeout), onMarginal rules, cancel, metric sources that fail.
import { afterEach, describe, expect, it } from "vitest";
import type { AnalysisProgress } from "../../src/analysis/activity-contracts";
import { at, harness, request, type Harness } from "./orchestration-harness";

let h: Harness | undefined;
afterEach(async () => {
  await h?.app.close();
  h = undefined;
});

const awaitDecision = { onMarginal: { action: "await-decision", timeout: "PT30M" } };

async function startUntilAwaiting(h: Harness, body: Record<string, unknown>) {
  const { id } = await h.app.service.start(body);
  await h.app.runtime.runUntil(
    id,
    (s) => (s.customStatus as AnalysisProgress | undefined)?.state === "awaiting-decision",
  );
  return id;
}

async function finish(h: Harness, id: string) {
  await h.app.runtime.waitForCompletion(id);
  return (await h.app.service.getStatus(id))!;
}

describe("a marginal stage", () => {
  it("waits for a decision; approve continues with the next stage", async () => {
    h = await harness({ scores: [100, 85, 100, 100] });
    const id = await startUntilAwaiting(h, request(awaitDecision));
    const waiting = await h.app.service.getStatus(id);
    expect(waiting).toMatchObject({ state: "awaiting-decision", stage: { index: 0 } });
    expect(h.events.map((e) => e.event)).toContain("awaiting-decision");
    expect(await h.app.service.decide(id, { action: "approve", reason: "looks fine" })).toBe("accepted");
    const status = await finish(h, id);
    expect(status).toMatchObject({ state: "passed", verdict: "pass" });
    expect(status.warnings?.join()).toContain("approved: looks fine");
    expect(h.source.fetchedAt).toEqual([at("10:05:30"), at("10:10:30"), at("10:15:30"), at("10:20:30")]);
  });

  it("reject fails the analysis at once", async () => {
    h = await harness({ scores: [100, 85] });
    const id = await startUntilAwaiting(h, request(awaitDecision));
    expect(await h.app.service.decide(id, { action: "reject", reason: "not today" })).toBe("accepted");
    const status = await finish(h, id);
    expect(status).toMatchObject({ state: "failed", verdict: "fail" });
    expect(status.reason).toContain("rejected: not today");
    expect(status.judgements).toHaveLength(2);
    expect(h.app.clock.now().toISOString()).toBe(at("10:10:30"));
  });

  it("fails when no decision comes before the timeout", async () => {
    h = await harness({ scores: [100, 85] });
    const { id } = await h.app.service.start(request(awaitDecision));
    const status = await finish(h, id);
    expect(status).toMatchObject({ state: "failed", verdict: "fail" });
    expect(status.reason).toContain("no decision within PT30M");
    expect(h.app.clock.now().toISOString()).toBe(at("10:40:30"));
  });

  it("answers not-awaiting to a decision when none is awaited", async () => {
    h = await harness({ scores: [100] });
    const { id } = await h.app.service.start(request());
    expect(await h.app.service.decide(id, { action: "approve" })).toBe("not-awaiting");
    expect(await h.app.service.decide("01NOSUCHANALYSIS000000000", { action: "approve" })).toBe("not-found");
    await finish(h, id);
  });

  it("ends as marginal by default (onMarginal: fail)", async () => {
    h = await harness({ scores: [100, 85] });
    const { id } = await h.app.service.start(request());
    expect(await finish(h, id)).toMatchObject({ state: "marginal", verdict: "marginal", score: 85 });
  });

  it("goes on with a warning under onMarginal: pass", async () => {
    h = await harness({ scores: [100, 85, 100, 100] });
    const { id } = await h.app.service.start(request({ onMarginal: { action: "pass" } }));
    const status = await finish(h, id);
    expect(status).toMatchObject({ state: "passed", verdict: "pass" });
    expect(status.warnings?.join()).toContain("accepted by onMarginal: pass");
  });
});

describe("cancel", () => {
  it("cancels mid-stage: the timer is dropped and `canceled` is recorded", async () => {
    h = await harness({ scores: [100] });
    const { id } = await h.app.service.start(request());
    await h.app.runtime.runUntil(id, (s) => (s.customStatus as AnalysisProgress | undefined)?.interval === 1);
    expect(await h.app.service.cancel(id, "pipeline aborted")).toBe("canceled");
    const status = await finish(h, id);
    expect(status).toMatchObject({ state: "canceled", reason: "pipeline aborted" });
    expect(status.verdict).toBeUndefined();
    expect(status.judgements).toHaveLength(1);
    expect(h.app.clock.now().toISOString()).toBe(at("10:05:30"));
    expect((await h.app.ports.analysisStore.getAnalysis(id))?.state).toBe("canceled");
    expect(h.events.at(-1)?.event).toBe("completed");
    expect(await h.app.service.cancel(id, "again")).toBe("already-ended");
  });
});

describe("cancel backstop", () => {
  it("ends as canceled at the next judgement when the cancel event was lost (row flag only)", async () => {
    h = await harness({ scores: [100] });
    const { id } = await h.app.service.start(request());
    await h.app.runtime.runUntil(id, (s) => (s.customStatus as AnalysisProgress | undefined)?.interval === 1);
    // as if the event had arrived while an execution was continuing as new (the host drops it)
    const row = (await h.app.ports.analysisStore.getAnalysis(id))!;
    await h.app.ports.analysisStore.updateAnalysis(row.application, id, {
      extra: { ...row.extra, cancelRequested: true },
    });
    const status = await finish(h, id);
    expect(status.state).toBe("canceled");
    expect(status.judgements).toHaveLength(2);
    expect(h.app.clock.now().toISOString()).toBe(at("10:10:30"));
  });
});

describe("metric sources that fail", () => {
  it("ends in error, never pass, when a source stays down (retries exhausted)", async () => {
    h = await harness({ scores: [100] }, { alwaysDown: true });
    const { id } = await h.app.service.start(request());
    const status = await finish(h, id);
    expect(status.state).toBe("error");
    expect(status.verdict).toBeUndefined();
    expect(status.reason).toMatch(/stayed unavailable after 5 attempts.*503 Service Unavailable/);
    // 5 attempts: retries after 5, 10, 20 and 40 s, then the host's last retry timer (80 s) before the task fails
    expect(h.app.clock.now().toISOString()).toBe(at("10:08:05"));
  });

  it("ends in error at once on a permanent error (bad query)", async () => {
    h = await harness({ scores: [100] }, { permanent: true });
    const { id } = await h.app.service.start(request());
    const status = await finish(h, id);
    expect(status.state).toBe("error");
    expect(status.reason).toContain("400 bad query");
    expect(h.app.clock.now().toISOString()).toBe(at("10:05:30"));
  });

  it("goes on when a source fails twice and then recovers", async () => {
    h = await harness({ scores: [100] }, { transientFailures: 2 });
    const { id } = await h.app.service.start(request());
    const status = await finish(h, id);
    expect(status).toMatchObject({ state: "passed", verdict: "pass" });
    expect(status.judgements).toHaveLength(4);
    // attempts at 10:05:30 and 10:05:35 fail; the third, after a 10 s backoff, succeeds
    expect(h.source.fetchedAt).toEqual([at("10:05:45"), at("10:10:30"), at("10:15:30"), at("10:20:30")]);
  });
});
