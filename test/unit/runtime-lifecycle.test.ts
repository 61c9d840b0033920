// Local Durable runtime: fan-out, continueAsNew, sub-orchestrations, failures, terminate, purge, the local client.
import { describe, expect, it } from "vitest";
import { HistoryEventType as T } from "../../src/runtime/history";
import { LocalOrchestrationClient } from "../../src/runtime/local-orchestration-client";
import {
  InstanceAlreadyRunningError,
  InstanceNotFoundError,
  UnknownOrchestrationError,
} from "../../src/runtime/runtime-errors";
import { useRuntimeHarness } from "../helpers/runtime-harness";

const harness = useRuntimeHarness();

function runtime(concurrency = 8) {
  let inFlight = 0;
  let maxInFlight = 0;
  const { rt, clock } = harness.runtime({
    activityConcurrency: concurrency,
    activities: {
      echo: async (x) => x,
      square: async (x) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return (x as number) ** 2;
      },
      sum: async (xs) => (xs as number[]).reduce((a, b) => a + b, 0),
    },
  });
  return { rt, clock, maxInFlight: () => maxInFlight };
}

describe("Task.all fan-out", () => {
  it("runs the activities concurrently (bounded) and delivers results in order", async () => {
    const { rt, maxInFlight } = runtime(4);
    await rt.start("fanOut", { count: 20 }, "f1");
    const status = await rt.waitForCompletion("f1");
    expect(status.output).toBe(Array.from({ length: 20 }, (_, i) => i * i).reduce((a, b) => a + b, 0));
    expect(maxInFlight()).toBeGreaterThan(1);
    expect(maxInFlight()).toBeLessThanOrEqual(4);
    const scheduled = rt.historyEvents("f1").filter((e) => e.EventType === T.TaskScheduled);
    expect(scheduled.map((e) => e.EventId)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(scheduled[0]).toMatchObject({ Name: "square", Input: "0" });
  });
});

describe("continueAsNew", () => {
  it("starts a fresh history under the same instance id", async () => {
    const { rt } = runtime();
    await rt.start("countdown", { remaining: 3, visited: [] }, "c1");
    const status = await rt.waitForCompletion("c1");
    expect(status.output).toEqual([
      "2026-01-01T00:01:00.000Z",
      "2026-01-01T00:02:00.000Z",
      "2026-01-01T00:03:00.000Z",
    ]);
    expect(status.input).toEqual({
      remaining: 1,
      visited: ["2026-01-01T00:01:00.000Z", "2026-01-01T00:02:00.000Z"],
    });
    const history = rt.historyEvents("c1");
    expect(history.filter((e) => e.EventType === T.ExecutionStarted)).toHaveLength(1);
    expect(history.find((e) => e.EventType === T.TimerCreated)?.EventId).toBe(0);
    const episodes = rt.episodes("c1");
    expect(episodes.map((e) => e.execution)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(Math.max(...episodes.map((e) => e.historyLength))).toBe(history.length - 1);
    expect(episodes.map((e) => e.runtimeStatus)).toEqual([
      "Running",
      "ContinuedAsNew",
      "Running",
      "ContinuedAsNew",
      "Running",
      "Completed",
    ]);
  });
});

describe("sub-orchestrations", () => {
  it("records SubOrchestrationInstanceCreated/Completed/Failed and returns the children's results", async () => {
    const { rt } = runtime();
    await rt.start("parent", undefined, "p1");
    const status = await rt.waitForCompletion("p1");
    expect(status.output).toEqual({
      first: { n: 3, squared: 9, parent: "p1" },
      second: { n: 4, squared: 16, parent: "p1" },
      failure: expect.stringContaining("child 5 broke"),
    });
    const history = rt.historyEvents("p1");
    const created = history.filter((e) => e.EventType === T.SubOrchestrationInstanceCreated);
    expect(created.map((e) => [e.EventId, e.Name, e.InstanceId])).toEqual([
      [0, "child", "child-3"],
      [1, "child", "p1:1"],
      [2, "child", "p1:2"],
    ]);
    expect(
      history
        .filter((e) => e.EventType === T.SubOrchestrationInstanceCompleted)
        .map((e) => e.TaskScheduledId),
    ).toEqual([0, 1]);
    expect(history.find((e) => e.EventType === T.SubOrchestrationInstanceFailed)?.TaskScheduledId).toBe(2);
    expect(rt.getStatus("child-3")?.runtimeStatus).toBe("Completed");
    expect(rt.getStatus("p1:2")?.runtimeStatus).toBe("Failed");
  });
});

describe("failures and control", () => {
  it("an orchestrator that throws ends Failed with its message (parsed from OrchestrationFailureError)", async () => {
    const { rt } = runtime();
    await rt.start("throws", undefined, "x1");
    const status = await rt.waitForCompletion("x1");
    expect(status.runtimeStatus).toBe("Failed");
    expect(status.output).toBe("Orchestrator function 'throws' failed: kaboom: the judge is unavailable");
  });

  it("terminate ends a running instance and records ExecutionTerminated", async () => {
    const { rt } = runtime();
    await rt.start("waitsForever", undefined, "x2");
    await rt.runUntil("x2", (s) => s.runtimeStatus === "Running");
    await rt.terminate("x2", "pipeline aborted");
    await rt.raiseEvent("x2", "never", "too late");
    const status = await rt.waitForCompletion("x2");
    expect(status).toMatchObject({
      runtimeStatus: "Terminated",
      output: "pipeline aborted",
      customStatus: { state: "waiting" },
    });
    expect(rt.historyEvents("x2").at(-1)).toMatchObject({
      EventType: T.ExecutionTerminated,
      Input: '"pipeline aborted"',
    });
  });

  it("rejects unknown orchestrations, unknown instances and a second start of a running id", async () => {
    const { rt } = runtime();
    await expect(rt.start("nope", {})).rejects.toBeInstanceOf(UnknownOrchestrationError);
    await expect(rt.raiseEvent("missing", "e", 1)).rejects.toBeInstanceOf(InstanceNotFoundError);
    await rt.start("waitsForever", undefined, "x3");
    await expect(rt.start("waitsForever", undefined, "x3")).rejects.toBeInstanceOf(
      InstanceAlreadyRunningError,
    );
  });

  it("the local OrchestrationClient starts idempotently, reports status, signals, stops and purges", async () => {
    const { rt } = runtime();
    const client = new LocalOrchestrationClient(rt);
    await client.start("awaitDecision", "k1", { timeoutSeconds: 60 });
    await client.start("awaitDecision", "k1", { timeoutSeconds: 999 });
    await rt.runUntil("k1", (s) => s.runtimeStatus === "Running");
    expect(await client.getStatus("k1")).toMatchObject({
      instanceId: "k1",
      name: "awaitDecision",
      runtimeStatus: "Running",
      input: { timeoutSeconds: 60 },
      customStatus: { state: "awaiting-decision" },
      createdTime: "2026-01-01T00:00:00.000Z",
    });
    await client.raiseEvent("k1", "decision", "approve");
    await rt.waitForCompletion("k1");
    expect((await client.getStatus("k1"))?.output).toMatchObject({ decision: "approve" });
    await client.start("waitsForever", "k2", null);
    await client.terminate("k2", "stop");
    expect((await client.getStatus("k2"))?.runtimeStatus).toBe("Terminated");
    await client.purge("k2");
    expect(await client.getStatus("k2")).toBeUndefined();
  });
});

describe("callSubOrchestratorWithRetry", () => {
  it("retries a failed child after the backoff, each attempt a new child instance", async () => {
    let failuresLeft = 1;
    const { rt } = harness.runtime({
      activities: {
        flaky: async (key) => {
          if (failuresLeft-- > 0) throw new Error("metric source down");
          return `value-${String(key)}`;
        },
      },
    });
    await rt.start("retryingParent", undefined, "rp");
    const status = await rt.waitForCompletion("rp");
    expect(status.output).toBe("value-k");
    expect(rt.now().toISOString()).toBe("2026-01-01T00:00:05.000Z");
    const history = rt.historyEvents("rp");
    expect(
      history
        .filter((e) =>
          [
            T.SubOrchestrationInstanceCreated,
            T.SubOrchestrationInstanceFailed,
            T.TimerCreated,
            T.TimerFired,
            T.SubOrchestrationInstanceCompleted,
          ].includes(e.EventType as 7),
        )
        .map((e) => [e.EventType, e.EventId, e.TaskScheduledId ?? e.TimerId ?? null, e.InstanceId ?? null]),
    ).toEqual([
      [T.SubOrchestrationInstanceCreated, 0, null, "rp:0"],
      [T.SubOrchestrationInstanceFailed, -1, 0, null],
      [T.TimerCreated, 1, null, null],
      [T.TimerFired, -1, 1, null],
      [T.SubOrchestrationInstanceCreated, 2, null, "rp:2"],
      [T.SubOrchestrationInstanceCompleted, -1, 2, null],
    ]);
    expect(rt.getStatus("rp:0")?.runtimeStatus).toBe("Failed");
  });
});

describe("instance table", () => {
  it("lists instances newest first, hands out copies, and purges a running instance with its timers", async () => {
    const { rt, clock } = runtime();
    const input = { timeoutSeconds: 600 };
    await rt.start("awaitDecision", input, "older");
    clock.advanceTo(new Date("2026-01-01T00:01:00.000Z"));
    await rt.start("awaitDecision", input, "newer");
    input.timeoutSeconds = 1;
    await rt.whenIdle();
    expect(rt.listInstances().map((s) => [s.instanceId, s.runtimeStatus, s.input])).toEqual([
      ["newer", "Running", { timeoutSeconds: 600 }],
      ["older", "Running", { timeoutSeconds: 600 }],
    ]);
    const status = rt.getStatus("older")!;
    (status.customStatus as { state: string }).state = "tampered";
    expect(rt.getStatus("older")?.customStatus).toEqual({ state: "awaiting-decision" });
    expect(clock.pendingTimers()).toBe(2);
    expect(await rt.purge("older")).toBe(true);
    expect(await rt.purge("older")).toBe(false);
    expect(clock.pendingTimers()).toBe(1);
    expect(rt.listInstances().map((s) => s.instanceId)).toEqual(["newer"]);
  });
});
