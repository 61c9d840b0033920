// Pins the out-of-proc protocol of durable-functions 3.5.0: given a hand-written history, the real handler returns these actions.
import { DummyOrchestrationContext } from "durable-functions";
import { describe, expect, it } from "vitest";
import { useRuntimeHarness } from "../helpers/runtime-harness";

const harness = useRuntimeHarness();

const t0 = "2026-01-01T00:00:00.000Z";
const t1 = "2026-01-01T00:00:20.000Z";
const t2 = "2026-01-01T00:00:21.000Z";
const ev = (EventType: number, Timestamp: string, extra: Record<string, unknown> = {}) => ({
  EventType,
  EventId: -1,
  IsPlayed: false,
  Timestamp,
  ...extra,
});

function trigger(history: unknown[], input: unknown) {
  return {
    history,
    input,
    instanceId: "pinned",
    isReplaying: false,
    parentInstanceId: null,
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 2,
    longRunningTimerIntervalDuration: "3.00:00:00",
    maximumShortTimerDuration: "6.00:00:00",
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
}

async function call(name: string, history: unknown[], input: unknown): Promise<unknown> {
  const handler = harness.orchestrations.get(name)!;
  const context = new DummyOrchestrationContext(name, "invocation-1", () => undefined);
  return JSON.parse(JSON.stringify(await handler(trigger(history, input), context)));
}

describe("durable-functions 3.5.0 out-of-proc protocol", () => {
  it("runs against the pinned durable-functions version (the protocol is internal: re-check these pins on upgrade)", async () => {
    const pkg = (await import("durable-functions/package.json")) as { version: string };
    expect(pkg.version).toBe("3.5.0");
  });

  it("Task.any of an event and a timer: the winner event completes it, the canceled timer stays in the cumulative actions", async () => {
    const input = { timeoutSeconds: 60 };
    const history = [
      ev(12, t0),
      ev(0, t0, { Name: "awaitDecision", Input: JSON.stringify(input) }),
      ev(10, t0, { EventId: 0, FireAt: "2026-01-01T00:01:00.000Z" }),
      ev(13, t0),
      ev(12, t1),
      ev(15, t1, { Name: "decision", Input: '"approve"' }),
    ];
    expect(await call("awaitDecision", history, input)).toEqual({
      isDone: true,
      actions: [
        [
          {
            actionType: 11,
            compoundActions: [
              { actionType: 6, externalEventName: "decision", reason: "ExternalEvent" },
              { actionType: 5, fireAt: "2026-01-01T00:01:00.000Z", isCanceled: true },
            ],
          },
        ],
      ],
      output: { decision: "approve", at: t1 },
      customStatus: { state: "decided" },
      schemaVersion: 2,
    });
  });

  it("a retried activity: the result of attempt id 2 (after failure 0 and retry timer 1) completes the task", async () => {
    const input = { firstRetryMs: 1000, attempts: 3, key: "k" };
    const retryAction = {
      actionType: 1,
      functionName: "flaky",
      input: '"k"',
      retryOptions: { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 3 },
    };
    const started = [
      ev(12, t0),
      ev(0, t0, { Name: "retryOne", Input: JSON.stringify(input) }),
      ev(4, t0, { EventId: 0, Name: "flaky", Input: '"k"' }),
      ev(13, t0),
      ev(12, t0),
      ev(6, t0, { TaskScheduledId: 0, Reason: "boom", Details: "stack" }),
      ev(10, t0, { EventId: 1, FireAt: t2 }),
      ev(13, t0),
      ev(12, t2),
      ev(11, t2, { TimerId: 1, FireAt: t2 }),
      ev(4, t2, { EventId: 2, Name: "flaky", Input: '"k"' }),
      ev(13, t2),
    ];
    // Waiting on attempt 2: still only the one retry action, nothing new.
    expect(await call("retryOne", started, input)).toEqual({
      isDone: false,
      actions: [[retryAction]],
      schemaVersion: 2,
    });
    const done = [...started, ev(12, t2), ev(5, t2, { TaskScheduledId: 2, Result: '"value-k"' })];
    expect(await call("retryOne", done, input)).toEqual({
      isDone: false,
      actions: [[retryAction, { actionType: 0, functionName: "echo", input: '"after"' }]],
      schemaVersion: 2,
    });
  });

  it("an orchestrator that throws: the handler throws OrchestrationFailureError carrying the state after $OutOfProcData$:", async () => {
    const history = [
      ev(12, t0),
      ev(0, t0, { Name: "throws", Input: "null" }),
      ev(4, t0, { EventId: 0, Name: "echo", Input: '"before"' }),
      ev(13, t0),
      ev(12, t1),
      ev(5, t1, { TaskScheduledId: 0, Result: '"before"' }),
    ];
    const error = (await call("throws", history, null).catch((e: unknown) => e)) as Error;
    const [prefix, data] = error.message.split("\n\n$OutOfProcData$:");
    expect(prefix).toBe("false");
    expect(JSON.parse(data!)).toEqual({
      isDone: false,
      actions: [[{ actionType: 0, functionName: "echo", input: '"before"' }]],
      error: "kaboom: the judge is unavailable",
      schemaVersion: 2,
    });
  });

  it("continueAsNew: isDone with the ContinueAsNew action last", async () => {
    const input = { remaining: 2, visited: [] };
    const history = [
      ev(12, t0),
      ev(0, t0, { Name: "countdown", Input: JSON.stringify(input) }),
      ev(10, t0, { EventId: 0, FireAt: "2026-01-01T00:01:00.000Z" }),
      ev(13, t0),
      ev(12, "2026-01-01T00:01:00.000Z"),
      ev(11, "2026-01-01T00:01:00.000Z", { TimerId: 0, FireAt: "2026-01-01T00:01:00.000Z" }),
    ];
    expect(await call("countdown", history, input)).toEqual({
      isDone: true,
      actions: [
        [
          { actionType: 5, fireAt: "2026-01-01T00:01:00.000Z", isCanceled: false },
          { actionType: 4, input: { remaining: 1, visited: ["2026-01-01T00:01:00.000Z"] } },
        ],
      ],
      customStatus: { remaining: 2 },
      schemaVersion: 2,
    });
  });
});
