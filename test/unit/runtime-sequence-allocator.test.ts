// The host's sequence numbers, tested directly: which action or event gets which number, which history event and which work.
import { describe, expect, it } from "vitest";
import { HistoryEventType as T, historyEvent, type HistoryEvent } from "../../src/runtime/history";
import { ActionType as A, type OrchestratorAction } from "../../src/runtime/orchestrator-actions";
import { OrchestratorProtocolError, UnsupportedActionError } from "../../src/runtime/runtime-errors";
import { SequenceAllocator, type Allocations } from "../../src/runtime/sequence-allocator";

const T0 = new Date("2026-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const DAY = 24 * 3600_000;
const none = (): Allocations => ({ events: [], work: [] });

/** Takes `actions` as the execution's actions from `from` on, at `now`. */
function take(seqs: SequenceAllocator, actions: OrchestratorAction[], now = T0, from = 0): Allocations {
  const out = none();
  actions.forEach((a, i) => seqs.takeAction(a, from + i, now, out));
  return out;
}

const activity = (functionName: string, input?: unknown): OrchestratorAction => ({
  actionType: A.CallActivity,
  functionName,
  input,
});
const retry = { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 3, backoffCoefficient: 2 };
const failed = (seq: number, now: Date, type: number = T.TaskFailed): HistoryEvent =>
  historyEvent(type as typeof T.TaskFailed, now, {
    TaskScheduledId: seq,
    Reason: `boom ${seq}`,
    Details: "stack",
  });
const fired = (seq: number, now: Date): HistoryEvent => historyEvent(T.TimerFired, now, { TimerId: seq });

describe("new actions", () => {
  it("number activities, sub-orchestrations and timers from 0 in order; events and external-event waits get none", () => {
    const seqs = new SequenceAllocator("i1");
    const out = take(seqs, [
      activity("square", 3),
      { actionType: A.WaitForExternalEvent, externalEventName: "decision" },
      { actionType: A.CallSubOrchestrator, functionName: "child", input: { n: 1 } },
      { actionType: A.CreateTimer, fireAt: at(60_000).toISOString(), isCanceled: false },
      activity("echo", "text"),
    ]);
    expect(out.events).toEqual([
      historyEvent(T.TaskScheduled, T0, { EventId: 0, Name: "square", Input: "3" }),
      historyEvent(T.SubOrchestrationInstanceCreated, T0, {
        EventId: 1,
        Name: "child",
        InstanceId: "i1:1",
        Input: '{"n":1}',
      }),
      historyEvent(T.TimerCreated, T0, { EventId: 2, FireAt: "2026-01-01T00:01:00.000Z" }),
      // The SDK has JSON-encoded a string input already: it goes into history as it is.
      historyEvent(T.TaskScheduled, T0, { EventId: 3, Name: "echo", Input: "text" }),
    ]);
    expect(out.work).toEqual([
      { kind: "activity", seq: 0, name: "square", input: 3 },
      { kind: "sub", seq: 1, name: "child", input: { n: 1 }, instanceId: "i1:1" },
      { kind: "timer", seq: 2, fireAt: at(60_000) },
      { kind: "activity", seq: 3, name: "echo", input: "text" },
    ]);
    expect(seqs.allocated).toBe(4);
    expect(seqs.timerOf(3)).toBe(2);
    expect(seqs.timerOf(0)).toBeUndefined();
  });

  it("keeps a sub-orchestration's explicit instance id", () => {
    const out = take(new SequenceAllocator("p"), [
      { actionType: A.CallSubOrchestrator, functionName: "child", instanceId: "mine" },
    ]);
    expect(out.events[0]).toMatchObject({ InstanceId: "mine", Input: "null" });
    expect(out.work).toEqual([{ kind: "sub", seq: 0, name: "child", input: undefined, instanceId: "mine" }]);
  });

  it("number a timer that is already canceled but do not arm it", () => {
    const out = take(new SequenceAllocator("i"), [
      { actionType: A.CreateTimer, fireAt: at(1000).toISOString(), isCanceled: true },
    ]);
    expect(out.events).toHaveLength(1);
    expect(out.work).toEqual([]);
  });

  it("refuse what the host cannot schedule, naming it", () => {
    const seqs = new SequenceAllocator("bad");
    expect(() => take(seqs, [{ actionType: A.CallActivity }])).toThrow(
      /Instance "bad" scheduled CallActivity/,
    );
    expect(() => take(seqs, [{ actionType: A.CallActivity, functionName: "" }])).toThrow(
      OrchestratorProtocolError,
    );
    expect(() => take(seqs, [{ actionType: A.CreateTimer, fireAt: "soon" }])).toThrow(
      /CreateTimer action without a valid fireAt/,
    );
    expect(() => take(seqs, [{ actionType: A.CallActivityWithRetry, functionName: "f" }])).toThrow(
      /has no retryOptions/,
    );
    expect(() => take(seqs, [{ actionType: A.CallHttp }])).toThrow(UnsupportedActionError);
    expect(seqs.allocated).toBe(0);
  });
});

describe("long timers", () => {
  it("a timer up to 6 days is one segment; a longer one fires every 3 days, each segment a new number", () => {
    const seqs = new SequenceAllocator("t");
    const sixDays = take(seqs, [{ actionType: A.CreateTimer, fireAt: at(6 * DAY).toISOString() }]);
    expect(sixDays.work).toEqual([{ kind: "timer", seq: 0, fireAt: at(6 * DAY) }]);

    const long = take(seqs, [{ actionType: A.CreateTimer, fireAt: at(7 * DAY).toISOString() }], T0, 1);
    expect(long.work).toEqual([{ kind: "timer", seq: 1, fireAt: at(3 * DAY) }]);
    expect(seqs.timerOf(1)).toBe(1);

    // The first segment fires: the host answers with the next one (now 4 days left: the last segment).
    const out = none();
    const batch = seqs.takeEvents([fired(1, at(3 * DAY))], at(3 * DAY), out);
    expect(batch).toEqual([fired(1, at(3 * DAY))]);
    expect(out.events).toEqual([
      historyEvent(T.TimerCreated, at(3 * DAY), { EventId: 2, FireAt: at(7 * DAY).toISOString() }),
    ]);
    expect(out.work).toEqual([{ kind: "timer", seq: 2, fireAt: at(7 * DAY) }]);
    // Cancelling the action's timer now means cancelling its latest segment.
    expect(seqs.timerOf(1)).toBe(2);

    // The last segment fires at the timer's end: nothing more to allocate, the SDK completes the timer.
    const end = none();
    seqs.takeEvents([fired(2, at(7 * DAY))], at(7 * DAY), end);
    expect(end).toEqual(none());
    expect(seqs.allocated).toBe(3);
  });

  it("a short timer's firing is not answered", () => {
    const seqs = new SequenceAllocator("t");
    take(seqs, [{ actionType: A.CreateTimer, fireAt: at(1000).toISOString() }]);
    const out = none();
    expect(seqs.takeEvents([fired(0, at(1000))], at(1000), out)).toHaveLength(1);
    expect(out).toEqual(none());
  });
});

describe("retried calls", () => {
  it("each failed attempt gets a retry timer (backoff), each fired retry timer the next attempt, until the attempts run out", () => {
    const seqs = new SequenceAllocator("r");
    const first = take(seqs, [
      { actionType: A.CallActivityWithRetry, functionName: "flaky", input: "k", retryOptions: retry },
    ]);
    expect(first.work).toEqual([{ kind: "activity", seq: 0, name: "flaky", input: "k" }]);

    // Attempt 1 fails: a retry timer 1 s on.
    let out = none();
    seqs.takeEvents([failed(0, at(10))], at(10), out);
    expect(out.events).toEqual([
      historyEvent(T.TimerCreated, at(10), { EventId: 1, FireAt: at(1010).toISOString() }),
    ]);
    expect(out.work).toEqual([{ kind: "timer", seq: 1, fireAt: at(1010) }]);

    // It fires: attempt 2, a new number, the same input.
    out = none();
    seqs.takeEvents([fired(1, at(1010))], at(1010), out);
    expect(out.events).toEqual([
      historyEvent(T.TaskScheduled, at(1010), { EventId: 2, Name: "flaky", Input: "k" }),
    ]);
    expect(out.work).toEqual([{ kind: "activity", seq: 2, name: "flaky", input: "k" }]);

    // Attempt 2 fails: 2 s (coefficient 2); attempt 3 follows.
    out = none();
    seqs.takeEvents([failed(2, at(1020))], at(1020), out);
    expect(out.work).toEqual([{ kind: "timer", seq: 3, fireAt: at(3020) }]);
    out = none();
    seqs.takeEvents([fired(3, at(3020))], at(3020), out);
    expect(out.work).toEqual([{ kind: "activity", seq: 4, name: "flaky", input: "k" }]);

    // The last attempt fails: the host still creates a timer (4 s), but its firing gets no attempt: the SDK fails the task.
    out = none();
    seqs.takeEvents([failed(4, at(3030))], at(3030), out);
    expect(out.work).toEqual([{ kind: "timer", seq: 5, fireAt: at(7030) }]);
    out = none();
    seqs.takeEvents([fired(5, at(7030))], at(7030), out);
    expect(out).toEqual(none());
    expect(seqs.allocated).toBe(6);
  });

  it("a failure of a call without retry is not answered", () => {
    const seqs = new SequenceAllocator("r");
    take(seqs, [activity("once")]);
    const out = none();
    seqs.takeEvents([failed(0, at(5))], at(5), out);
    expect(out).toEqual(none());
  });

  it("maxNumberOfAttempts below 1 means one attempt", () => {
    const seqs = new SequenceAllocator("r");
    take(seqs, [
      {
        actionType: A.CallActivityWithRetry,
        functionName: "f",
        retryOptions: { ...retry, maxNumberOfAttempts: 0 },
      },
    ]);
    const out = none();
    seqs.takeEvents([failed(0, at(1))], at(1), out);
    seqs.takeEvents([fired(1, at(1001))], at(1001), out);
    expect(out.work).toEqual([{ kind: "timer", seq: 1, fireAt: at(1001) }]);
  });

  it("past the retry timeout the timer is due at once and the next attempt fails with the last reason instead of running", () => {
    const seqs = new SequenceAllocator("r");
    take(seqs, [
      {
        actionType: A.CallSubOrchestratorWithRetry,
        functionName: "child",
        retryOptions: { ...retry, retryTimeoutInMilliseconds: 500 },
      },
    ]);
    const out = none();
    seqs.takeEvents([failed(0, at(600), T.SubOrchestrationInstanceFailed)], at(600), out);
    expect(out.work).toEqual([{ kind: "timer", seq: 1, fireAt: at(600) }]);
    const next = none();
    seqs.takeEvents([fired(1, at(600))], at(600), next);
    expect(next.events).toEqual([
      historyEvent(T.SubOrchestrationInstanceCreated, at(600), {
        EventId: 2,
        Name: "child",
        InstanceId: "r:2",
        Input: "null",
      }),
    ]);
    expect(next.work).toEqual([
      {
        kind: "fail",
        seq: 2,
        eventType: T.SubOrchestrationInstanceFailed,
        reason: "boom 0 (retry timeout expired)",
        details: "stack",
      },
    ]);
  });

  it("each attempt of a retried sub-orchestration gets its own child id, unless the call names one", () => {
    const seqs = new SequenceAllocator("p");
    const out = take(seqs, [
      { actionType: A.CallSubOrchestratorWithRetry, functionName: "c", retryOptions: retry },
      {
        actionType: A.CallSubOrchestratorWithRetry,
        functionName: "c",
        instanceId: "fixed",
        retryOptions: retry,
      },
    ]);
    seqs.takeEvents([failed(0, at(1), T.SubOrchestrationInstanceFailed)], at(1), out);
    seqs.takeEvents([failed(1, at(1), T.SubOrchestrationInstanceFailed)], at(1), out);
    seqs.takeEvents([fired(2, at(1001)), fired(3, at(1001))], at(1001), out);
    const children = out.work.flatMap((w) => (w.kind === "sub" ? [[w.seq, w.instanceId]] : []));
    expect(children).toEqual([
      [0, "p:0"],
      [1, "fixed"],
      [4, "p:4"],
      [5, "fixed"],
    ]);
  });
});

describe("a batch of events", () => {
  it("puts the events the host answers first (their numbers come before the new actions'), the rest in their order", () => {
    const seqs = new SequenceAllocator("b");
    take(seqs, [
      activity("plain"),
      { actionType: A.CallActivityWithRetry, functionName: "flaky", retryOptions: retry },
      { actionType: A.CreateTimer, fireAt: at(10 * DAY).toISOString() },
    ]);
    const raised = historyEvent(T.EventRaised, at(3 * DAY), { Name: "go", Input: "null" });
    const completed = historyEvent(T.TaskCompleted, at(3 * DAY), { TaskScheduledId: 0, Result: "1" });
    const batch = [raised, completed, failed(1, at(3 * DAY)), fired(2, at(3 * DAY))];
    const out = none();
    expect(seqs.takeEvents(batch, at(3 * DAY), out)).toEqual([batch[2], batch[3], raised, completed]);
    // The retry timer (3), the long timer's next segment (4), then a new action of this episode (5).
    seqs.takeAction(activity("after"), 3, at(3 * DAY), out);
    expect(out.events.map((e) => [e.EventType, e.EventId])).toEqual([
      [T.TimerCreated, 3],
      [T.TimerCreated, 4],
      [T.TaskScheduled, 5],
    ]);
    expect(out.work.map((w) => w.seq)).toEqual([3, 4, 5]);
  });

  it("returns a batch with nothing to answer unchanged", () => {
    const events = [historyEvent(T.ExecutionStarted, T0, { Name: "x", Input: "null" })];
    const out = none();
    expect(new SequenceAllocator("e").takeEvents(events, T0, out)).toEqual(events);
    expect(out).toEqual(none());
  });
});
