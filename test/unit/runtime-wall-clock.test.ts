// Local Durable runtime on the wall clock: past timers fire at once (retrospective runs), short timers and events work.
import { afterEach, describe, expect, it } from "vitest";
import { WallClock } from "../../src/runtime/clock";
import type { LocalDurableRuntime } from "../../src/runtime/durable-runtime";
import { HistoryEventType as T } from "../../src/runtime/history";
import { useRuntimeHarness } from "../helpers/runtime-harness";

const harness = useRuntimeHarness();

let rt: LocalDurableRuntime | undefined;
afterEach(() => rt?.dispose());

describe("wall clock", () => {
  it("fires timers whose instant has passed without waiting (a recorded 3-hour window)", async () => {
    rt = harness.runtime({ activities: {}, clock: new WallClock() }).rt;
    const instants = Array.from({ length: 180 }, (_, i) =>
      new Date(Date.UTC(2026, 0, 1, 0, i + 1)).toISOString(),
    );
    await rt.start("timersAt", instants, "w1");
    const status = await rt.waitForCompletion("w1");
    expect(status.output).toBe(180);
    const fired = rt.historyEvents("w1").filter((e) => e.EventType === T.TimerFired);
    expect(fired.map((e) => e.FireAt)).toEqual(instants);
  });

  it("runs short future timers and activities, and wakes on a raised event", async () => {
    rt = harness.runtime({ clock: new WallClock() }).rt;
    await rt.start("timerLoop", { iterations: 2, intervalSeconds: 0.01 }, "w2");
    expect((await rt.waitForCompletion("w2")).runtimeStatus).toBe("Completed");

    await rt.start("awaitDecision", { timeoutSeconds: 3600 }, "w3");
    await rt.runUntil(
      "w3",
      (s) => (s.customStatus as { state?: string } | undefined)?.state === "awaiting-decision",
    );
    await rt.raiseEvent("w3", "decision", "reject");
    expect((await rt.waitForCompletion("w3")).output).toMatchObject({ decision: "reject" });
  });
});
