// Local Durable runtime: callActivityWithRetry with the host's retry semantics (two sequence numbers per retry).
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/runtime/clock";
import { HistoryEventType as T, type HistoryEvent } from "../../src/runtime/history";
import { START, useRuntimeHarness } from "../helpers/runtime-harness";

const harness = useRuntimeHarness();

/** An activity that fails `failures[key]` times for a key before answering `value-<key>`. */
function flaky(failures: Record<string, number>) {
  const calls: Array<{ key: string; at: string }> = [];
  return {
    calls,
    make: (clock: VirtualClock) => async (input: unknown) => {
      const key = input as string;
      calls.push({ key, at: clock.now().toISOString() });
      const left = failures[key] ?? 0;
      if (left > 0) {
        failures[key] = left - 1;
        throw new Error(`boom ${key}`);
      }
      return `value-${key}`;
    },
  };
}

function runtime(failures: Record<string, number>) {
  const clock = new VirtualClock(START);
  const f = flaky(failures);
  const { rt } = harness.runtime({ activities: { flaky: f.make(clock), echo: async (x) => x }, clock });
  return { rt, calls: f.calls };
}

/** The scheduling and completion events, compactly: "TaskScheduled#0", "TaskFailed->0", "TimerFired->1 @00:00:01". */
function compact(history: HistoryEvent[]): string[] {
  const names: Record<number, string> = {
    [T.TaskScheduled]: "TaskScheduled",
    [T.TaskCompleted]: "TaskCompleted",
    [T.TaskFailed]: "TaskFailed",
    [T.TimerCreated]: "TimerCreated",
    [T.TimerFired]: "TimerFired",
  };
  return history
    .filter((e) => names[e.EventType] !== undefined)
    .map((e) => {
      const name = names[e.EventType]!;
      if (e.EventType === T.TaskScheduled) return `${name}#${e.EventId}`;
      if (e.EventType === T.TimerCreated) return `${name}#${e.EventId} @${e.FireAt!.slice(11, 19)}`;
      if (e.EventType === T.TimerFired) return `${name}->${e.TimerId}`;
      return `${name}->${e.TaskScheduledId}`;
    });
}

describe("callActivityWithRetry", () => {
  it("retries after the backoff: failed attempt n → timer n+1 → attempt n+2, no new action", async () => {
    const { rt, calls } = runtime({ k: 2 });
    await rt.start("retryOne", { firstRetryMs: 1000, attempts: 3, backoff: 2, key: "k" }, "r1");
    const status = await rt.waitForCompletion("r1");
    expect(status.output).toEqual({ value: "value-k", after: "after" });
    expect(calls).toEqual([
      { key: "k", at: "2026-01-01T00:00:00.000Z" },
      { key: "k", at: "2026-01-01T00:00:01.000Z" },
      { key: "k", at: "2026-01-01T00:00:03.000Z" },
    ]);
    expect(compact(rt.historyEvents("r1"))).toEqual([
      "TaskScheduled#0",
      "TaskFailed->0",
      "TimerCreated#1 @00:00:01",
      "TimerFired->1",
      "TaskScheduled#2",
      "TaskFailed->2",
      "TimerCreated#3 @00:00:03",
      "TimerFired->3",
      "TaskScheduled#4",
      "TaskCompleted->4",
      "TaskScheduled#5",
      "TaskCompleted->5",
    ]);
    // The retry emitted no action of its own: the orchestrator scheduled only two activities.
    expect(
      rt
        .episodes("r1")
        .flatMap((e) => e.newActions)
        .map((a) => a.split(" ")[0]),
    ).toEqual(["CallActivityWithRetry", "CallActivity"]);
  });

  it("fails the task after maxNumberOfAttempts, after one last retry timer, as the host does", async () => {
    const { rt, calls } = runtime({ k: 99 });
    await rt.start("retryOne", { firstRetryMs: 1000, attempts: 3, backoff: 2, key: "k" }, "r2");
    const status = await rt.waitForCompletion("r2");
    expect(calls).toHaveLength(3);
    expect(status.runtimeStatus).toBe("Completed");
    expect((status.output as { failed: string }).failed).toContain(
      "Activity function 'flaky' failed: boom k",
    );
    expect(compact(rt.historyEvents("r2"))).toEqual([
      "TaskScheduled#0",
      "TaskFailed->0",
      "TimerCreated#1 @00:00:01",
      "TimerFired->1",
      "TaskScheduled#2",
      "TaskFailed->2",
      "TimerCreated#3 @00:00:03",
      "TimerFired->3",
      "TaskScheduled#4",
      "TaskFailed->4",
      "TimerCreated#5 @00:00:07",
      "TimerFired->5",
    ]);
  });

  it("caps the delay at maxRetryInterval", async () => {
    const { rt, calls } = runtime({ k: 2 });
    await rt.start(
      "retryOne",
      { firstRetryMs: 1000, attempts: 4, backoff: 10, maxRetryMs: 5000, key: "k" },
      "r3",
    );
    await rt.waitForCompletion("r3");
    expect(calls.map((c) => c.at.slice(11, 19))).toEqual(["00:00:00", "00:00:01", "00:00:06"]);
  });

  it("stops retrying once retryTimeout has passed since the first attempt", async () => {
    const { rt, calls } = runtime({ k: 99 });
    await rt.start("retryOne", { firstRetryMs: 1000, attempts: 6, retryTimeoutMs: 1500, key: "k" }, "r4");
    const status = await rt.waitForCompletion("r4");
    expect(calls.map((c) => c.at.slice(11, 19))).toEqual(["00:00:00", "00:00:01", "00:00:02"]);
    expect((status.output as { failed: string }).failed).toContain("retry timeout expired");
  });

  it("keeps sequence numbers aligned when retries interleave in a Task.all fan-out", async () => {
    const { rt, calls } = runtime({ a: 1, c: 2 });
    await rt.start("retryFanOut", { firstRetryMs: 1000, attempts: 3, keys: ["a", "b", "c"], key: "" }, "r5");
    const status = await rt.waitForCompletion("r5");
    expect(status.output).toEqual({ values: ["value-a", "value-b", "value-c"], after: "after" });
    expect(calls.map((c) => `${c.key}@${c.at.slice(17, 19)}`)).toEqual([
      "a@00",
      "b@00",
      "c@00",
      "a@01",
      "c@01",
      "c@02",
    ]);
    const history = compact(rt.historyEvents("r5"));
    expect(history.slice(0, 3)).toEqual(["TaskScheduled#0", "TaskScheduled#1", "TaskScheduled#2"]);
    // a failed (0) and c failed (2): their retry timers take 3 and 4, their next attempts 5 and 6.
    expect(history).toContain("TimerCreated#3 @00:00:01");
    expect(history).toContain("TimerCreated#4 @00:00:01");
    expect(history).toContain("TaskScheduled#5");
    expect(history).toContain("TaskScheduled#6");
    expect(history.at(-2)).toBe("TaskScheduled#9");
  });
});
