// Local Durable runtime: external events, buffering, Task.any with a timeout timer (canceled when the event wins).
import { describe, expect, it } from "vitest";
import { HistoryEventType as T } from "../../src/runtime/history";
import { RuntimeStuckError } from "../../src/runtime/runtime-errors";
import { useRuntimeHarness } from "../helpers/runtime-harness";

const harness = useRuntimeHarness();
/** A runtime with the `echo` activity on a virtual clock at START. */
const runtime = () => harness.runtime();

const awaiting = (s: { customStatus: unknown }) =>
  (s.customStatus as { state?: string } | undefined)?.state === "awaiting-decision";

describe("external event with a timeout", () => {
  it("event wins: the result is the event's payload and the timeout timer is canceled", async () => {
    const { rt, clock } = runtime();
    await rt.start("awaitDecision", { timeoutSeconds: 1800 }, "e1");
    await rt.runUntil("e1", awaiting);
    expect(clock.pendingTimers()).toBe(1);
    clock.advanceTo(new Date("2026-01-01T00:10:00.000Z"));
    await rt.raiseEvent("e1", "decision", { action: "approve", reason: "looks fine" });
    const status = await rt.waitForCompletion("e1");
    expect(status.output).toEqual({
      decision: { action: "approve", reason: "looks fine" },
      at: "2026-01-01T00:10:00.000Z",
    });
    expect(status.customStatus).toEqual({ state: "decided" });
    expect(clock.pendingTimers()).toBe(0);
    const history = rt.historyEvents("e1");
    expect(history.filter((e) => e.EventType === T.TimerFired)).toEqual([]);
    expect(history.find((e) => e.EventType === T.EventRaised)).toMatchObject({
      Name: "decision",
      Input: JSON.stringify({ action: "approve", reason: "looks fine" }),
    });
    // The replayed Task.any carries the canceled timer; that is not a replay mismatch.
    expect(rt.episodes("e1").at(-1)?.runtimeStatus).toBe("Completed");
  });

  it("timeout wins when no event comes: completes at exactly start + timeout", async () => {
    const { rt } = runtime();
    await rt.start("awaitDecision", { timeoutSeconds: 1800 }, "e2");
    const status = await rt.waitForCompletion("e2");
    expect(status.output).toEqual({ decision: "timeout", at: "2026-01-01T00:30:00.000Z" });
    expect(rt.historyEvents("e2").filter((e) => e.EventType === T.TimerFired)).toHaveLength(1);
  });

  it("buffers an event raised before the orchestrator waits for it", async () => {
    const { rt } = runtime();
    await rt.start("twoEvents", undefined, "e3");
    await rt.raiseEvent("e3", "second", 2);
    await rt.whenIdle();
    await rt.raiseEvent("e3", "first", 1);
    const status = await rt.waitForCompletion("e3");
    expect(status.output).toEqual([1, 2]);
  });

  it("runUntil reports an instance that can no longer progress", async () => {
    const { rt } = runtime();
    await rt.start("waitsForever", undefined, "e4");
    await expect(rt.waitForCompletion("e4")).rejects.toThrowErrorMatchingInlineSnapshot(
      `[RuntimeStuckError: Instance "e4" (Running) cannot progress: no timer is pending and nothing else is running]`,
    );
    await expect(rt.waitForCompletion("e4")).rejects.toBeInstanceOf(RuntimeStuckError);
  });
});
