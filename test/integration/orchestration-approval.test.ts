// Time-skipping tests of manual stage gates: a two-stage analysis whose first stage needs a person's approval
// waits after that stage passed, then starts the next stage (traffic hook first) on approve, fails "aborted by a
// person" on reject, and at the deadline aborts or proceeds as `onTimeout` says.
import { afterEach, describe, expect, it } from "vitest";
import type { AnalysisProgress } from "../../src/analysis/activity-contracts";
import type { TrafficHookCall } from "../../src/analysis/ports/traffic-hook";
import { at, harness, request, type Harness } from "./orchestration-harness";

let h: Harness | undefined;
afterEach(async () => {
  await h?.app.close();
  h = undefined;
});

interface Weights {
  calls: { weight: number; at: string }[];
}

async function gated(
  scores: number[],
  approval: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  const weights: Weights = { calls: [] };
  const holder: { h?: Harness } = {};
  h = await harness(
    { scores },
    {},
    {
      setWeight: async (call: TrafficHookCall) => {
        weights.calls.push({ weight: call.stage.trafficWeight, at: holder.h!.app.clock.now().toISOString() });
      },
    },
  );
  holder.h = h;
  const body = request({
    trafficHook: { url: "https://hooks.example.com/weights" },
    stages: [
      {
        name: "10%",
        trafficWeight: 10,
        duration: "PT10M",
        interval: "PT5M",
        approval: { required: true, ...approval },
      },
      { name: "33%", trafficWeight: 33, duration: "PT10M", interval: "PT5M" },
    ],
    ...extra,
  });
  const { id } = await h.app.service.start(body);
  return { id, weights };
}

async function untilAwaiting(id: string) {
  await h!.app.runtime.runUntil(
    id,
    (s) => (s.customStatus as AnalysisProgress | undefined)?.state === "awaiting-decision",
  );
  return (await h!.app.service.getStatus(id))!;
}

async function finish(id: string) {
  await h!.app.runtime.waitForCompletion(id);
  return (await h!.app.service.getStatus(id))!;
}

describe("a stage with a manual gate", () => {
  it("waits after its judgements pass, naming the next stage; approve starts it (traffic hook first) and the analysis passes", async () => {
    const { id, weights } = await gated([100, 100, 100, 100], { timeout: "PT1H" });
    const waiting = await untilAwaiting(id);
    expect(waiting).toMatchObject({ state: "awaiting-decision", stage: { index: 0, name: "10%" } });
    expect(waiting.reason).toBe(
      "stage '10%' passed; approve to start stage '33%' at 33 % traffic, or reject to abort, before 2026-11-23T11:10:30.000Z (then the analysis is aborted)",
    );
    expect(waiting.judgements).toHaveLength(2);
    expect(weights.calls.map((c) => c.weight)).toEqual([10]); // the next stage has not begun
    expect(h!.events.filter((e) => e.event === "awaiting-decision")).toHaveLength(1);
    expect(h!.source.fetchedAt).toEqual([at("10:05:30"), at("10:10:30")]);

    expect(
      await h!.app.service.decide(id, { action: "approve", reason: "dashboards look fine", by: "alice" }),
    ).toBe("accepted");
    const done = await finish(id);
    expect(done).toMatchObject({ state: "passed", verdict: "pass", stage: { index: 1, name: "33%" } });
    expect(done.judgements.map((j) => j.stage)).toEqual([0, 0, 1, 1]);
    expect(done.warnings).toContain("stage '33%' approved (alice): dashboards look fine");
    expect(weights.calls.map((c) => c.weight)).toEqual([10, 33]);
    // The 33 % weight was set after the approval and before the second stage's first fetch.
    expect(weights.calls[1]!.at >= at("10:10:30")).toBe(true);
    expect(h!.source.fetchedAt.slice(2).every((t) => t >= weights.calls[1]!.at)).toBe(true);
  });

  it("reject ends the analysis as failed, aborted by a person, with who and why; the next stage never starts", async () => {
    const { id, weights } = await gated([100, 100], {});
    await untilAwaiting(id);
    expect(
      await h!.app.service.decide(id, { action: "reject", reason: "error budget spent", by: "bob" }),
    ).toBe("accepted");
    const done = await finish(id);
    expect(done).toMatchObject({ state: "failed", verdict: "fail", stage: { index: 0 } });
    expect(done.reason).toBe("aborted by a person (bob): error budget spent; stage '33%' was not started");
    expect(done.judgements).toHaveLength(2);
    expect(weights.calls.map((c) => c.weight)).toEqual([10]);
    expect(h!.app.clock.now().toISOString()).toBe(at("10:10:30")); // at once, no timer left behind
  });

  it("onTimeout abort (the default): no decision within the timeout fails the analysis at the deadline", async () => {
    const { id, weights } = await gated([100, 100], { timeout: "PT45M" });
    const done = await finish(id);
    expect(done).toMatchObject({ state: "failed", verdict: "fail" });
    expect(done.reason).toBe(
      "stage '10%' interval 2/2 scored 100, at or above the pass threshold 95; no decision on starting stage '33%' within PT45M: aborted (onTimeout: abort)",
    );
    expect(h!.app.clock.now().toISOString()).toBe(at("10:55:30"));
    expect(weights.calls.map((c) => c.weight)).toEqual([10]);
  });

  it("onTimeout proceed: no decision within the timeout starts the next stage, with a warning", async () => {
    const { id, weights } = await gated([100, 100, 100, 100], { timeout: "PT20M", onTimeout: "proceed" });
    const done = await finish(id);
    expect(done).toMatchObject({ state: "passed", verdict: "pass" });
    expect(done.warnings).toContain(
      "no decision on starting stage '33%' within PT20M; proceeded (onTimeout: proceed)",
    );
    expect(weights.calls).toEqual([
      { weight: 10, at: at("10:00:00") },
      { weight: 33, at: at("10:30:30") },
    ]);
    expect(done.judgements).toHaveLength(4);
  });

  it("a failing stage fails as always: the gate is never reached", async () => {
    const { id, weights } = await gated([40], {});
    const done = await finish(id);
    expect(done).toMatchObject({ state: "failed", verdict: "fail" });
    expect(h!.events.some((e) => e.event === "awaiting-decision")).toBe(false);
    expect(weights.calls.map((c) => c.weight)).toEqual([10]);
  });

  it("a marginal gated stage needs one decision, not two: approving the marginal result starts the next stage", async () => {
    const { id } = await gated(
      [100, 85, 100, 100],
      {},
      { onMarginal: { action: "await-decision", timeout: "PT30M" } },
    );
    const waiting = await untilAwaiting(id);
    expect(waiting.reason).toContain("marginal");
    expect(await h!.app.service.decide(id, { action: "approve", by: "carol" })).toBe("accepted");
    const done = await finish(id);
    expect(done).toMatchObject({ state: "passed", verdict: "pass" });
    expect(h!.events.filter((e) => e.event === "awaiting-decision")).toHaveLength(1);
  });
});
