// The host's sequence numbers for one execution: which task, sub-orchestration or timer gets which number, with its history event and the work it starts.
//
// durable-functions matches every TaskScheduled, SubOrchestrationInstanceCreated and TimerCreated to the task it
// awaits by the event's EventId, counting from 0 in the order it scheduled them. The host also allocates numbers
// of its own, in answer to some events: a failed attempt of a retried call gets a retry timer, a fired retry
// timer the next attempt, a fired segment of a long timer the next segment. The SDK counts those first (they never
// resume the orchestrator), then the episode's new actions. This module is that numbering and nothing else: no
// clock, no I/O; the runtime writes the events it returns into the history and starts the work.
import {
  HistoryEventType,
  historyEvent,
  toJsonText,
  type HistoryEvent,
  type HistoryEventTypeValue,
} from "./history";
import {
  ActionType,
  describeAction,
  type OrchestratorAction,
  type WireRetryOptions,
} from "./orchestrator-actions";
import { retryDelayMs } from "./retry-policy";
import { OrchestratorProtocolError, UnsupportedActionError } from "./runtime-errors";

/** Timers longer than the host's maximumShortTimerDuration (6 days) are LongTimerTasks… */
const MAX_SHORT_TIMER_MS = 6 * 24 * 3600_000;
/** …made of segments of longRunningTimerInterval (3 days). */
const LONG_TIMER_INTERVAL_MS = 3 * 24 * 3600_000;

/** What the runtime starts once the episode's history is written, for one sequence number. */
export type Work =
  /** Run the activity; its TaskCompleted/TaskFailed carries `seq`. `input` is the action's (wire) input. */
  | { kind: "activity"; seq: number; name: string; input: unknown }
  /** Start the child instance `instanceId`; its end is reported to `seq`. */
  | { kind: "sub"; seq: number; name: string; input: unknown; instanceId: string }
  /** Arm a timer; its TimerFired carries `seq` as TimerId. */
  | { kind: "timer"; seq: number; fireAt: Date }
  /** The retry timeout of a retried call expired: deliver this failure for `seq` instead of another attempt. */
  | { kind: "fail"; seq: number; eventType: HistoryEventTypeValue; reason: string; details: string };

/** History events (in order) and work (in order) of the allocations made so far; appended to. */
export interface Allocations {
  events: HistoryEvent[];
  work: Work[];
}

type TaskKind = "activity" | "sub";

/** A scheduled activity or sub-orchestration: the same for its first attempt and every retry. */
interface Task {
  kind: TaskKind;
  name: string;
  /** As it appears on the wire (the action's `input`). */
  input: unknown;
  /** A child's explicit id, kept by every attempt; otherwise each attempt's child is `<instance>:<seq>`. */
  instanceId?: string;
}

interface RetryChain {
  task: Task;
  options: WireRetryOptions;
  /** 1-based number of the current attempt. */
  attempt: number;
  firstAttemptAt: Date;
  expired: boolean;
  lastFailure?: { reason: string; details: string };
}

type Entry =
  | { kind: "task"; task: Task; chain?: RetryChain }
  | { kind: "timer"; actionIndex: number; finalAt: number }
  | { kind: "retryTimer"; chain: RetryChain };

const TASK_EVENTS: Record<TaskKind, { scheduled: HistoryEventTypeValue; failed: HistoryEventTypeValue }> = {
  activity: { scheduled: HistoryEventType.TaskScheduled, failed: HistoryEventType.TaskFailed },
  sub: {
    scheduled: HistoryEventType.SubOrchestrationInstanceCreated,
    failed: HistoryEventType.SubOrchestrationInstanceFailed,
  },
};

/** The sequence numbers of one execution of one instance (a continueAsNew starts a new allocator). */
export class SequenceAllocator {
  private next = 0;
  private readonly entries = new Map<number, Entry>();
  private readonly timerByAction = new Map<number, number>();

  constructor(private readonly instanceId: string) {}

  /** How many numbers have been given out (the next one). */
  get allocated(): number {
    return this.next;
  }

  /** The number of the latest segment of the timer scheduled by action `actionIndex` (to cancel it). */
  timerOf(actionIndex: number): number | undefined {
    return this.timerByAction.get(actionIndex);
  }

  /**
   * Takes an episode's new events: answers those the host answers with a number of its own (appended to `out`)
   * and returns the batch in the order the SDK numbers it: those events first, then the others, each in order.
   */
  takeEvents(events: readonly HistoryEvent[], now: Date, out: Allocations): HistoryEvent[] {
    const answering: HistoryEvent[] = [];
    const entries: Entry[] = [];
    const rest: HistoryEvent[] = [];
    for (const event of events) {
      const entry = this.answeredEntry(event, now);
      if (entry === undefined) rest.push(event);
      else {
        answering.push(event);
        entries.push(entry);
      }
    }
    for (let i = 0; i < answering.length; i++) this.answer(answering[i]!, entries[i]!, now, out);
    return answering.length === 0 ? rest : [...answering, ...rest];
  }

  /** Takes one new action (the `actionIndex`th of the execution): its number, its history event, its work. */
  takeAction(action: OrchestratorAction, actionIndex: number, now: Date, out: Allocations): void {
    switch (action.actionType) {
      case ActionType.WaitForExternalEvent:
      case ActionType.ContinueAsNew:
        return;
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry:
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry: {
        const kind: TaskKind =
          action.actionType === ActionType.CallActivity ||
          action.actionType === ActionType.CallActivityWithRetry
            ? "activity"
            : "sub";
        const task: Task = { kind, name: this.requireName(action), input: action.input };
        if (kind === "sub" && action.instanceId !== undefined) task.instanceId = action.instanceId;
        const retried =
          action.actionType === ActionType.CallActivityWithRetry ||
          action.actionType === ActionType.CallSubOrchestratorWithRetry;
        this.schedule(task, retried ? this.retryChain(task, action, now) : undefined, now, out);
        return;
      }
      case ActionType.CreateTimer: {
        const finalAt = Date.parse(action.fireAt ?? "");
        if (Number.isNaN(finalAt))
          throw new OrchestratorProtocolError(
            `CreateTimer action without a valid fireAt: ${describeAction(action)}`,
          );
        this.timer({ kind: "timer", actionIndex, finalAt }, nextTimerSegment(finalAt, now), now, out, {
          arm: action.isCanceled !== true,
        });
        return;
      }
      default:
        throw new UnsupportedActionError(this.instanceId, describeAction(action));
    }
  }

  /** The entry an event makes the host allocate for, or undefined when the event goes to the SDK unanswered. */
  private answeredEntry(event: HistoryEvent, now: Date): Entry | undefined {
    switch (event.EventType) {
      case HistoryEventType.TaskFailed:
      case HistoryEventType.SubOrchestrationInstanceFailed: {
        // A failed attempt of a retried call: the retry timer.
        const entry = this.entries.get(event.TaskScheduledId ?? -1);
        return entry?.kind === "task" && entry.chain !== undefined ? entry : undefined;
      }
      case HistoryEventType.TimerFired: {
        const entry = this.entries.get(event.TimerId ?? -1);
        // A fired retry timer: the next attempt, while attempts are left (after the last the task fails in the SDK).
        if (entry?.kind === "retryTimer")
          return entry.chain.attempt < Math.max(1, entry.chain.options.maxNumberOfAttempts)
            ? entry
            : undefined;
        // A fired segment of a long timer before its end: the next segment.
        if (entry?.kind === "timer") return entry.finalAt > now.getTime() ? entry : undefined;
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private answer(event: HistoryEvent, entry: Entry, now: Date, out: Allocations): void {
    switch (entry.kind) {
      case "task": {
        const chain = entry.chain!;
        chain.lastFailure = { reason: event.Reason ?? "", details: event.Details ?? "" };
        const delay = retryDelayMs(chain.options, chain.attempt, chain.firstAttemptAt, now);
        // Past the retry timeout the host still creates a timer (due at once); the next attempt then fails.
        if (delay === undefined) chain.expired = true;
        this.timer({ kind: "retryTimer", chain }, now.getTime() + (delay ?? 0), now, out);
        return;
      }
      case "retryTimer":
        entry.chain.attempt++;
        this.schedule(entry.chain.task, entry.chain, now, out);
        return;
      case "timer":
        this.timer(entry, nextTimerSegment(entry.finalAt, now), now, out);
        return;
    }
  }

  /** One attempt of a task: a number, its TaskScheduled or SubOrchestrationInstanceCreated, its work. */
  private schedule(task: Task, chain: RetryChain | undefined, now: Date, out: Allocations): void {
    const seq = this.next++;
    this.entries.set(seq, chain === undefined ? { kind: "task", task } : { kind: "task", task, chain });
    const events = TASK_EVENTS[task.kind];
    const instanceId = task.instanceId ?? `${this.instanceId}:${seq}`;
    out.events.push(
      historyEvent(events.scheduled, now, {
        EventId: seq,
        Name: task.name,
        ...(task.kind === "activity"
          ? { Input: wireInputText(task.input) }
          : { InstanceId: instanceId, Input: toJsonText(task.input) }),
      }),
    );
    if (chain?.expired === true) {
      const failure = chain.lastFailure ?? { reason: "retry timeout expired", details: "" };
      out.work.push({
        kind: "fail",
        seq,
        eventType: events.failed,
        reason: `${failure.reason} (retry timeout expired)`,
        details: failure.details,
      });
    } else if (task.kind === "activity") {
      out.work.push({ kind: "activity", seq, name: task.name, input: task.input });
    } else {
      out.work.push({ kind: "sub", seq, name: task.name, input: task.input, instanceId });
    }
  }

  /** A timer (a CreateTimer's segment, or a retry timer): a number, its TimerCreated, and (armed) its work. */
  private timer(
    entry: Entry & { kind: "timer" | "retryTimer" },
    fireAtMs: number,
    now: Date,
    out: Allocations,
    { arm }: { arm: boolean } = { arm: true },
  ): void {
    const seq = this.next++;
    this.entries.set(seq, entry);
    if (entry.kind === "timer") this.timerByAction.set(entry.actionIndex, seq);
    const fireAt = new Date(fireAtMs);
    out.events.push(
      historyEvent(HistoryEventType.TimerCreated, now, { EventId: seq, FireAt: fireAt.toISOString() }),
    );
    if (arm) out.work.push({ kind: "timer", seq, fireAt });
  }

  private requireName(action: OrchestratorAction): string {
    if (typeof action.functionName !== "string" || action.functionName === "") {
      throw new OrchestratorProtocolError(
        `Instance "${this.instanceId}" scheduled ${describeAction(action)} without a function name`,
      );
    }
    return action.functionName;
  }

  private retryChain(task: Task, action: OrchestratorAction, now: Date): RetryChain {
    if (action.retryOptions === undefined) {
      throw new OrchestratorProtocolError(`${describeAction(action)} has no retryOptions`);
    }
    return { task, options: action.retryOptions, attempt: 1, firstAttemptAt: now, expired: false };
  }
}

/** When the next segment of a timer due at `finalAt` fires: at its end, or one interval on for a long timer. */
function nextTimerSegment(finalAt: number, now: Date): number {
  const at = now.getTime();
  return finalAt - at > MAX_SHORT_TIMER_MS ? at + LONG_TIMER_INTERVAL_MS : finalAt;
}

/** The history `Input` text of an activity's input: the SDK has already JSON-encoded a string (Utils.processInput). */
function wireInputText(input: unknown): string {
  return typeof input === "string" ? input : toJsonText(input);
}
