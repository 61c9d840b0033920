// Local Durable runtime: a timer loop on the virtual clock, history shape, custom status per episode.
import { describe, expect, it } from "vitest";
import { HistoryEventType } from "../../src/runtime/history";
import { useRuntimeHarness } from "../helpers/runtime-harness";

const harness = useRuntimeHarness();

describe("timer loop on a virtual clock", () => {
  it("fires each timer at its instant and completes without waiting", async () => {
    const calls: unknown[] = [];
    const { rt } = harness.runtime({ activities: { echo: async (input) => (calls.push(input), input) } });
    await rt.start("timerLoop", { iterations: 3, intervalSeconds: 3600 }, "loop-1");
    const status = await rt.waitForCompletion("loop-1");
    expect(status.runtimeStatus).toBe("Completed");
    expect(status.output).toEqual({
      seen: [
        { i: 0, at: "2026-01-01T01:00:00.000Z" },
        { i: 1, at: "2026-01-01T02:00:00.000Z" },
        { i: 2, at: "2026-01-01T03:00:00.000Z" },
      ],
      finishedAt: "2026-01-01T03:00:00.000Z",
    });
    expect(calls).toHaveLength(3);
    expect(rt.now().toISOString()).toBe("2026-01-01T03:00:00.000Z");
    expect(status.customStatus).toEqual({ iteration: 3, of: 3 });

    const history = rt.historyEvents("loop-1");
    const compact = history.map((e) => [e.EventType, e.EventId, e.TaskScheduledId ?? e.TimerId ?? null]);
    const T = HistoryEventType;
    expect(compact.slice(0, 9)).toEqual([
      [T.OrchestratorStarted, -1, null],
      [T.ExecutionStarted, -1, null],
      [T.TimerCreated, 0, null],
      [T.OrchestratorCompleted, -1, null],
      [T.OrchestratorStarted, -1, null],
      [T.TimerFired, -1, 0],
      [T.TaskScheduled, 1, null],
      [T.OrchestratorCompleted, -1, null],
      [T.OrchestratorStarted, -1, null],
    ]);
    expect(history.filter((e) => e.EventType === T.TimerCreated).map((e) => e.FireAt)).toEqual([
      "2026-01-01T01:00:00.000Z",
      "2026-01-01T02:00:00.000Z",
      "2026-01-01T03:00:00.000Z",
    ]);

    // Events of earlier episodes are marked played (the host's IsPlayed); the last episode's are not.
    expect(history.map((e) => e.IsPlayed)).toEqual(history.map((_, i) => i < history.length - 3));

    const episodes = rt.episodes("loop-1");
    expect(episodes.map((e) => e.customStatus)).toEqual([
      undefined,
      undefined,
      { iteration: 1, of: 3 },
      { iteration: 1, of: 3 },
      { iteration: 2, of: 3 },
      { iteration: 2, of: 3 },
      { iteration: 3, of: 3 },
    ]);
    const stats = rt.stats();
    expect(stats.episodes).toBe(7);
    expect(stats.eventsReplayed).toBe(episodes.reduce((sum, e) => sum + e.historyLength, 0));
    expect(stats.maxHistoryLength).toBe(history.length - 1);
  });

  it("runUntil stops at the first status where the predicate holds", async () => {
    const { rt } = harness.runtime();
    await rt.start("timerLoop", { iterations: 5, intervalSeconds: 60 }, "loop-2");
    const status = await rt.runUntil(
      "loop-2",
      (s) => (s.customStatus as { iteration?: number } | undefined)?.iteration === 2,
    );
    expect(status.runtimeStatus).toBe("Running");
    expect(rt.now().toISOString()).toBe("2026-01-01T00:02:00.000Z");
    expect((await rt.waitForCompletion("loop-2")).runtimeStatus).toBe("Completed");
  });
});

describe("long timers", () => {
  it("splits a 10-day timer into 3-day segments, as the host does past maximumShortTimerDuration", async () => {
    const { rt } = harness.runtime();
    await rt.start("longTimer", { days: 10 }, "long-1");
    const status = await rt.waitForCompletion("long-1");
    expect(status.output).toEqual({ after: "after", at: "2026-01-11T00:00:00.000Z" });
    const timers = rt.historyEvents("long-1").filter((e) => e.EventType === HistoryEventType.TimerCreated);
    expect(timers.map((e) => [e.EventId, e.FireAt])).toEqual([
      [0, "2026-01-04T00:00:00.000Z"],
      [1, "2026-01-07T00:00:00.000Z"],
      [2, "2026-01-11T00:00:00.000Z"],
    ]);
    const scheduled = rt.historyEvents("long-1").find((e) => e.EventType === HistoryEventType.TaskScheduled);
    expect(scheduled?.EventId).toBe(3);
  });
});

describe("several instances", () => {
  it("runs instances side by side and lets concurrent runUntil calls share the virtual clock", async () => {
    const { rt } = harness.runtime();
    await rt.start("timerLoop", { iterations: 4, intervalSeconds: 60 }, "a");
    await rt.start("timerLoop", { iterations: 4, intervalSeconds: 60 }, "b");
    const second = (s: { customStatus: unknown }) =>
      (s.customStatus as { iteration?: number } | undefined)?.iteration === 2;
    const [a, b] = await Promise.all([rt.runUntil("a", second), rt.runUntil("b", second)]);
    expect([a.runtimeStatus, b.runtimeStatus]).toEqual(["Running", "Running"]);
    expect(rt.now().toISOString()).toBe("2026-01-01T00:02:00.000Z");
    const [doneA, doneB] = await Promise.all([rt.waitForCompletion("a"), rt.waitForCompletion("b")]);
    expect([doneA.output, doneB.output]).toEqual([
      expect.objectContaining({ finishedAt: "2026-01-01T00:04:00.000Z" }),
      expect.objectContaining({ finishedAt: "2026-01-01T00:04:00.000Z" }),
    ]);
  });
});
