// The out-of-proc orchestration history protocol as plain JSON (durable-functions 3.5.0 `src/history/*`).

/** Numeric `EventType` values (durable-functions `src/history/HistoryEventType.ts`). */
export const HistoryEventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
} as const;
export type HistoryEventTypeValue = (typeof HistoryEventType)[keyof typeof HistoryEventType];

/** One history event as the host serializes it (PascalCase, `Timestamp` an ISO string). */
export interface HistoryEvent {
  EventType: HistoryEventTypeValue;
  /** The sequence number of a scheduled item (TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated), else -1. */
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  /** JSON text (ExecutionStarted, TaskScheduled, EventRaised, SubOrchestrationInstanceCreated). */
  Input?: string;
  /** JSON text; never undefined on a completion (the SDK runs JSON.parse on it). */
  Result?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  Reason?: string;
  Details?: string;
  InstanceId?: string;
}

/** The trigger input the host hands the orchestrator function (OrchestrationTriggerAttributeBindingProvider). */
export interface OrchestrationTrigger {
  history: HistoryEvent[];
  input: unknown;
  instanceId: string;
  isReplaying: boolean;
  parentInstanceId: string | null;
  upperSchemaVersion: number;
  upperSchemaVersionNew: number;
  longRunningTimerIntervalDuration: string;
  maximumShortTimerDuration: string;
  defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

/** Host schema "V3" (ReplaySchema.V2 in the SDK): cumulative actions in one inner array. */
export const UPPER_SCHEMA_VERSION_NEW = 2;
export const UPPER_SCHEMA_VERSION = 1;
/** Host defaults for long timers (3 days per sub-timer, timers up to 6 days are "short"). */
export const LONG_RUNNING_TIMER_INTERVAL = "3.00:00:00";
export const MAXIMUM_SHORT_TIMER_DURATION = "6.00:00:00";

/** Builds one history event stamped at `at`. */
export function historyEvent(
  type: HistoryEventTypeValue,
  at: Date,
  fields: Omit<Partial<HistoryEvent>, "EventType" | "Timestamp" | "IsPlayed"> = {},
): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: at.toISOString(), ...fields };
}

/** JSON text as the host stores payloads: `undefined` becomes "null" so the SDK's JSON.parse succeeds. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}

/** Name of an event type for messages ("TaskScheduled"). */
export function eventTypeName(type: number): string {
  const entry = Object.entries(HistoryEventType).find(([, v]) => v === type);
  return entry ? entry[0] : `EventType(${type})`;
}
