// The local Durable runtime: drives the real orchestrator handlers registered by df.app.orchestration with the host's history protocol.
//
// Stable API (the orchestration wiring builds on it):
//   const regs = captureRegistrations(() => require("../../functions"));          // ./function-registry
//   const rt = new LocalDurableRuntime({ orchestrations: orchestrationFunctions(regs),
//                                        activities: { fetchMetrics: async (input) => … },
//                                        clock: new VirtualClock(start) | new WallClock() });
//   await rt.start(name, input, instanceId?)            → instance id ("Pending" until the first episode)
//   await rt.raiseEvent(id, eventName, data)            → EventRaised goes into history at once (buffered if not awaited yet)
//   await rt.terminate(id, reason) / await rt.purge(id)
//   rt.getStatus(id)                                    → InstanceStatus | undefined
//   await rt.waitForCompletion(id)                      → terminal InstanceStatus (virtual clock: advances timer by timer)
//   await rt.runUntil(id, (s) => predicate)             → first status where predicate holds, checked whenever idle
//   await rt.whenIdle(); rt.now(); rt.listInstances(); rt.historyEvents(id); rt.episodes(id); rt.stats(); rt.dispose()
// Capture once per process: a module registers its functions only when it is first loaded.
// A replay that does not reproduce the recorded actions fails the instance with a NonDeterminismError,
// which waitForCompletion/runUntil rethrow (and `onFault` receives).
// Sequence numbers (which action or host answer gets which number) are ./sequence-allocator's, one per execution;
// this module keeps the instances, runs the episodes and starts the work (docs/architecture.md "The local runtime").
import { randomUUID } from "node:crypto";
import { DummyOrchestrationContext } from "durable-functions";
import type { ActivityFunction, OrchestrationFunction } from "./function-registry";
import { VirtualClock, type Clock } from "./clock";
import {
  HistoryEventType,
  LONG_RUNNING_TIMER_INTERVAL,
  MAXIMUM_SHORT_TIMER_DURATION,
  UPPER_SCHEMA_VERSION,
  UPPER_SCHEMA_VERSION_NEW,
  historyEvent,
  toJsonText,
  type HistoryEvent,
  type OrchestrationTrigger,
} from "./history";
import {
  ActionType,
  actionKey,
  describeAction,
  flattenActions,
  type OrchestratorAction,
  type OrchestratorState,
} from "./orchestrator-actions";
import {
  InstanceAlreadyRunningError,
  InstanceNotFoundError,
  NonDeterminismError,
  OrchestratorProtocolError,
  RuntimeStuckError,
  HostLimitError,
  UnknownOrchestrationError,
} from "./runtime-errors";
import { SequenceAllocator, type Allocations, type Work } from "./sequence-allocator";
import type { RuntimeStatus } from "../analysis/orchestration-client";
import type { InstanceSnapshot, InstanceStore } from "./instance-store";

export type { ActivityFunction, OrchestrationFunction } from "./function-registry";

/** Status of one instance, shaped like durable-functions' DurableOrchestrationStatus (plus historyLength). */
export interface InstanceStatus {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  /** Events in the current execution's history (resets on continueAsNew). */
  historyLength: number;
}

/** What one episode (one call of the orchestrator handler) did. */
export interface EpisodeRecord {
  /** 0-based over the instance's life (all executions). */
  index: number;
  /** 0-based; increases with each continueAsNew. */
  execution: number;
  startedAt: string;
  /** History length handed to the handler (the events it replayed). */
  historyLength: number;
  /** New actions scheduled by this episode, described. */
  newActions: string[];
  customStatus: unknown;
  runtimeStatus: RuntimeStatus;
}

/** Counters for benchmarks. */
export interface RuntimeStats {
  episodes: number;
  /** Sum over episodes of the history length handed to the handler. */
  eventsReplayed: number;
  maxHistoryLength: number;
  activitiesRun: number;
}

export interface LocalDurableRuntimeOptions {
  /** Orchestrator handlers by name, usually `orchestrationFunctions(captureRegistrations(...))`. */
  orchestrations:
    ReadonlyMap<string, OrchestrationFunction> | Readonly<Record<string, OrchestrationFunction>>;
  /** Activity functions by name: JSON in, JSON out (inputs and outputs make a JSON round trip). */
  activities: ReadonlyMap<string, ActivityFunction> | Readonly<Record<string, ActivityFunction>>;
  clock: Clock;
  /** Activities running at once across all instances (default 8). */
  activityConcurrency?: number;
  /** Receives `context.log` calls of orchestrators (default: dropped). */
  log?: (level: string, ...args: unknown[]) => void;
  /** Called when an instance fails because of a runtime-detected fault (non-determinism, unsupported action). */
  onFault?: (instanceId: string, error: Error) => void;
  /**
   * Keeps every unfinished instance (saved at its start, at every episode and event, removed when it ends) so
   * `resume()` can run them again after a restart (docs/adr/0008-restart-safe-serve.md). Absent: memory only.
   */
  store?: InstanceStore;
  /** A save or removal the store refused (the instance goes on; it may not survive a restart). */
  onStoreError?: (instanceId: string, error: unknown) => void;
}

/**
 * Limits of the Durable Functions host this runtime enforces, so tests catch what Azure would refuse:
 * the custom status (16 KB as UTF-16), and instance ids (Azure Storage's task hub uses them as table keys).
 */
export const HOST_LIMITS = {
  customStatusUtf16Bytes: 16 * 1024,
  instanceIdLength: 100,
} as const;

/** The host's refusal of an instance id, or undefined. */
export function instanceIdProblem(id: string): string | undefined {
  if (id.length === 0 || id.length > HOST_LIMITS.instanceIdLength)
    return `an instance id has 1-${HOST_LIMITS.instanceIdLength} characters (${id.length} given)`;
  // eslint-disable-next-line no-control-regex
  if (/[/\\#?\u0000-\u001f\u007f-\u009f]/.test(id))
    return "an instance id cannot hold '/', '\\', '#', '?' or control characters";
  return undefined;
}

interface ParentLink {
  instanceId: string;
  /** The parent itself: a later instance under the same id must not receive this child's result. */
  instance: Instance;
  execution: number;
  seq: number;
}

interface Instance {
  id: string;
  name: string;
  input: unknown;
  status: RuntimeStatus;
  output: unknown;
  customStatus: unknown;
  createdTime: Date;
  lastUpdatedTime: Date;
  execution: number;
  history: HistoryEvent[];
  inbox: HistoryEvent[];
  recorded: OrchestratorAction[];
  recordedKeys: string[];
  /** The current execution's sequence numbers (./sequence-allocator). */
  seqs: SequenceAllocator;
  armed: Map<number, () => void>;
  queued: boolean;
  parent?: ParentLink;
  fault?: Error;
  episodes: EpisodeRecord[];
  /** When the current execution started (its first episode's time). */
  executionStartedAt: Date;
  /** External events raised during the current execution (kept for a restart). */
  raised: { name: string; data: unknown; at: string }[];
  /** A resumed execution's first episode runs at its original start time. */
  resumeAt?: Date;
  /** Saves of this instance, one after the other. */
  saving: Promise<void>;
}

const TERMINAL: readonly RuntimeStatus[] = ["Completed", "Failed", "Canceled", "Terminated"];
const OUT_OF_PROC_LABEL = "$OutOfProcData$:";

/** True for Completed, Failed, Canceled and Terminated. */
export function isTerminalStatus(status: RuntimeStatus): boolean {
  return TERMINAL.includes(status);
}

/** Drives orchestrations in-process with the Durable host's semantics (see the module comment). */
export class LocalDurableRuntime {
  private readonly orchestrations: ReadonlyMap<string, OrchestrationFunction>;
  private readonly activities: ReadonlyMap<string, ActivityFunction>;
  private readonly clock: Clock;
  private readonly instances = new Map<string, Instance>();
  private readonly counters: RuntimeStats = {
    episodes: 0,
    eventsReplayed: 0,
    maxHistoryLength: 0,
    activitiesRun: 0,
  };
  private readonly concurrency: number;
  private running = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private busy = 0;
  private idleWaiters: Array<() => void> = [];
  private changeWaiters: Array<() => void> = [];
  private disposed = false;
  /** Virtual-clock jumps made by runUntil (concurrent callers advance one at a time). */
  private advances = 0;

  constructor(private readonly options: LocalDurableRuntimeOptions) {
    this.orchestrations = toMap(options.orchestrations);
    this.activities = toMap(options.activities);
    this.clock = options.clock;
    this.concurrency = Math.max(1, options.activityConcurrency ?? 8);
  }

  /** Current time of the runtime's clock. */
  now(): Date {
    return this.clock.now();
  }

  /**
   * Starts `name` with `input`. An id whose instance has finished is reused (fresh history, as the
   * host does); an id whose instance is still running throws InstanceAlreadyRunningError.
   */
  async start(name: string, input: unknown, instanceId?: string): Promise<string> {
    const id = this.startInstance(name, input, instanceId ?? this.newInstanceId(), undefined);
    // The start is durable before it is acknowledged.
    const inst = this.instances.get(id);
    if (inst) await this.persist(inst);
    return id;
  }

  /**
   * Runs every unfinished instance the store holds again (after a restart): each current execution starts
   * over at its original start time with the events raised during it, so timers are armed again (those past
   * fire at once), activities run again (they are idempotent), and a wait for a decision waits again.
   * Returns the ids resumed.
   */
  async resume(): Promise<string[]> {
    const store = this.options.store;
    if (!store) return [];
    const resumed: string[] = [];
    for (const s of await store.list()) {
      if (this.instances.has(s.instanceId) || isTerminalStatus(s.status)) continue;
      if (!this.orchestrations.has(s.name)) continue;
      const at = new Date(s.executionStartedAt);
      const inst = this.newInstance(s.instanceId, s.name, s.input, new Date(s.createdTime), undefined);
      inst.execution = s.execution;
      inst.status = s.status === "Pending" ? "Pending" : "Running";
      inst.customStatus = s.customStatus;
      inst.lastUpdatedTime = new Date(s.lastUpdatedTime);
      inst.executionStartedAt = at;
      inst.resumeAt = at;
      inst.raised = [...s.events];
      this.instances.set(inst.id, inst);
      inst.inbox.push(
        historyEvent(HistoryEventType.ExecutionStarted, at, { Name: s.name, Input: toJsonText(s.input) }),
        ...s.events.map((e) =>
          historyEvent(HistoryEventType.EventRaised, new Date(e.at), {
            Name: e.name,
            Input: toJsonText(e.data),
          }),
        ),
      );
      this.scheduleEpisodes(inst);
      resumed.push(inst.id);
    }
    return resumed;
  }

  /** Delivers an external event; it is recorded in history at once and matched by name when awaited. */
  async raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void> {
    const inst = this.require(instanceId);
    if (isTerminalStatus(inst.status)) return;
    const now = this.clock.now();
    const value = jsonClone(data);
    inst.raised.push({ name: eventName, data: value ?? null, at: now.toISOString() });
    this.deliver(
      inst,
      inst.execution,
      historyEvent(HistoryEventType.EventRaised, now, {
        Name: eventName,
        Input: toJsonText(value),
      }),
    );
    // The event is durable before it is acknowledged.
    await this.persist(inst);
  }

  /** Ends a running instance as Terminated with `reason` as its output. */
  async terminate(instanceId: string, reason: string): Promise<void> {
    const inst = this.require(instanceId);
    if (isTerminalStatus(inst.status)) return;
    inst.history.push(
      historyEvent(HistoryEventType.ExecutionTerminated, this.clock.now(), { Input: toJsonText(reason) }),
    );
    this.finish(inst, "Terminated", reason);
  }

  /** Forgets an instance (stopping it first if it still runs). Returns whether it existed. */
  async purge(instanceId: string): Promise<boolean> {
    const inst = this.instances.get(instanceId);
    if (inst === undefined) return false;
    this.cancelTimers(inst);
    inst.inbox = [];
    this.instances.delete(instanceId);
    await this.options.store
      ?.remove(instanceId)
      .catch((err: unknown) => this.options.onStoreError?.(instanceId, err));
    this.notifyChange();
    return true;
  }

  getStatus(instanceId: string): InstanceStatus | undefined {
    const inst = this.instances.get(instanceId);
    return inst === undefined ? undefined : this.statusOf(inst);
  }

  /** All instances' statuses (newest first). */
  listInstances(): InstanceStatus[] {
    return [...this.instances.values()]
      .sort((a, b) => b.createdTime.getTime() - a.createdTime.getTime())
      .map((inst) => this.statusOf(inst));
  }

  /** A copy of the current execution's history. */
  historyEvents(instanceId: string): HistoryEvent[] {
    return jsonClone(this.require(instanceId).history);
  }

  /** What each episode of the instance did, in order (custom status per episode included). */
  episodes(instanceId: string): EpisodeRecord[] {
    return jsonClone(this.require(instanceId).episodes);
  }

  stats(): RuntimeStats {
    return { ...this.counters };
  }

  /** Resolves when nothing runs: no episode queued or running and no activity in flight. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.busy === 0) resolve();
        else this.idleWaiters.push(check);
      };
      setImmediate(check);
    });
  }

  /** Runs until the instance reaches a terminal status (see {@link runUntil}). */
  waitForCompletion(instanceId: string): Promise<InstanceStatus> {
    return this.runUntil(instanceId, (s) => isTerminalStatus(s.runtimeStatus));
  }

  /**
   * Waits until `predicate` holds for the instance's status, checked each time the runtime is idle.
   * On a virtual clock, time then jumps to the next pending timer; with nothing left to wait for,
   * it throws RuntimeStuckError. A runtime fault of the instance (NonDeterminismError…) is rethrown.
   */
  async runUntil(
    instanceId: string,
    predicate: (status: InstanceStatus) => boolean,
  ): Promise<InstanceStatus> {
    for (;;) {
      const epoch = this.advances;
      await this.whenIdle();
      const inst = this.require(instanceId);
      if (inst.fault !== undefined) throw inst.fault;
      const status = this.statusOf(inst);
      if (predicate(status)) return status;
      if (isTerminalStatus(inst.status)) {
        throw new RuntimeStuckError(instanceId, inst.status, "it finished before the awaited condition held");
      }
      if (this.clock instanceof VirtualClock) {
        // Another runUntil moved time while we waited: look again before moving it further.
        if (this.advances !== epoch) continue;
        this.advances++;
        if (!this.clock.advance()) {
          throw new RuntimeStuckError(
            instanceId,
            inst.status,
            "no timer is pending and nothing else is running",
          );
        }
      } else {
        await new Promise<void>((resolve) => this.changeWaiters.push(resolve));
      }
    }
  }

  /** Cancels every pending timer; the runtime must not be used afterwards. */
  dispose(): void {
    this.disposed = true;
    for (const inst of this.instances.values()) this.cancelTimers(inst);
  }

  // ---- instances -------------------------------------------------------------------------------

  private startInstance(
    name: string,
    input: unknown,
    instanceId: string,
    parent: ParentLink | undefined,
  ): string {
    if (!this.orchestrations.has(name)) throw new UnknownOrchestrationError(name);
    const idProblem = instanceIdProblem(instanceId);
    if (idProblem !== undefined) throw new HostLimitError(instanceId.slice(0, 120), idProblem);
    const existing = this.instances.get(instanceId);
    if (existing !== undefined && !isTerminalStatus(existing.status))
      throw new InstanceAlreadyRunningError(instanceId);
    const now = this.clock.now();
    const value = jsonClone(input);
    const inst = this.newInstance(instanceId, name, value, now, parent);
    this.instances.set(instanceId, inst);
    this.deliver(
      inst,
      0,
      historyEvent(HistoryEventType.ExecutionStarted, now, { Name: name, Input: toJsonText(value) }),
    );
    return instanceId;
  }

  private newInstance(
    id: string,
    name: string,
    input: unknown,
    now: Date,
    parent: ParentLink | undefined,
  ): Instance {
    return {
      id,
      name,
      input,
      status: "Pending",
      output: undefined,
      customStatus: undefined,
      createdTime: now,
      lastUpdatedTime: now,
      execution: 0,
      history: [],
      inbox: [],
      recorded: [],
      recordedKeys: [],
      seqs: new SequenceAllocator(id),
      armed: new Map(),
      queued: false,
      episodes: [],
      executionStartedAt: now,
      raised: [],
      saving: Promise.resolve(),
      ...(parent === undefined ? {} : { parent }),
    };
  }

  /** Saves the instance's snapshot (or removes it once it has ended), after the saves before it. */
  private persist(inst: Instance): Promise<void> {
    const store = this.options.store;
    if (!store || inst.parent !== undefined) return Promise.resolve();
    const ended = isTerminalStatus(inst.status);
    const snapshot: InstanceSnapshot = {
      version: 1,
      instanceId: inst.id,
      name: inst.name,
      input: jsonClone(inst.input),
      execution: inst.execution,
      executionStartedAt: inst.executionStartedAt.toISOString(),
      createdTime: inst.createdTime.toISOString(),
      lastUpdatedTime: inst.lastUpdatedTime.toISOString(),
      status: inst.status,
      customStatus: jsonClone(inst.customStatus) ?? null,
      events: jsonClone(inst.raised),
    };
    const work = inst.saving.then(() => (ended ? store.remove(inst.id) : store.save(snapshot)));
    inst.saving = work.catch((err: unknown) => this.options.onStoreError?.(inst.id, err));
    return inst.saving;
  }

  /** Resolves when every save started so far has finished (tests, shutdown). */
  async flushed(): Promise<void> {
    await Promise.all([...this.instances.values()].map((i) => i.saving));
  }

  private require(instanceId: string): Instance {
    const inst = this.instances.get(instanceId);
    if (inst === undefined) throw new InstanceNotFoundError(instanceId);
    return inst;
  }

  private statusOf(inst: Instance): InstanceStatus {
    return {
      instanceId: inst.id,
      name: inst.name,
      runtimeStatus: inst.status,
      input: jsonClone(inst.input),
      output: jsonClone(inst.output),
      customStatus: jsonClone(inst.customStatus),
      createdTime: inst.createdTime.toISOString(),
      lastUpdatedTime: inst.lastUpdatedTime.toISOString(),
      historyLength: inst.history.length,
    };
  }

  private newInstanceId(): string {
    return randomUUID().replace(/-/g, "");
  }

  /** Queues a new history event for the instance's next episode (dropped if the execution it belongs to is over). */
  private deliver(inst: Instance, execution: number, event: HistoryEvent): void {
    if (this.instances.get(inst.id) !== inst || inst.execution !== execution || isTerminalStatus(inst.status))
      return;
    inst.inbox.push(event);
    this.scheduleEpisodes(inst);
  }

  private scheduleEpisodes(inst: Instance): void {
    if (inst.queued) return;
    inst.queued = true;
    this.busy++;
    setImmediate(() => {
      void this.drain(inst);
    });
  }

  private async drain(inst: Instance): Promise<void> {
    try {
      while (
        inst.inbox.length > 0 &&
        !isTerminalStatus(inst.status) &&
        this.instances.get(inst.id) === inst
      ) {
        try {
          await this.episode(inst);
        } catch (err) {
          this.fault(inst, err instanceof Error ? err : new Error(String(err)));
        }
      }
    } finally {
      inst.queued = false;
      this.release();
      this.notifyChange();
    }
  }

  // ---- one episode -----------------------------------------------------------------------------

  private async episode(inst: Instance): Promise<void> {
    const handler = this.orchestrations.get(inst.name);
    if (handler === undefined) throw new UnknownOrchestrationError(inst.name);
    // A resumed execution's first episode replays at the execution's original start time.
    const now = inst.resumeAt ?? this.clock.now();
    delete inst.resumeAt;
    const execution = inst.execution;
    if (inst.history.length === 0) inst.executionStartedAt = now;
    // The host's answers to this batch (retry timers, next attempts, next timer segments), then the new actions'.
    const allocations: Allocations = { events: [], work: [] };
    const batch = inst.seqs.takeEvents(inst.inbox.splice(0), now, allocations);
    // What earlier episodes saw is "played" (the host's IsPlayed); this episode's new events are not.
    for (const event of inst.history) event.IsPlayed = true;
    inst.history.push(historyEvent(HistoryEventType.OrchestratorStarted, now), ...batch);

    const trigger: OrchestrationTrigger = {
      history: inst.history,
      input: inst.input,
      instanceId: inst.id,
      isReplaying: false,
      parentInstanceId: inst.parent?.instanceId ?? null,
      upperSchemaVersion: UPPER_SCHEMA_VERSION,
      upperSchemaVersionNew: UPPER_SCHEMA_VERSION_NEW,
      longRunningTimerIntervalDuration: LONG_RUNNING_TIMER_INTERVAL,
      maximumShortTimerDuration: MAXIMUM_SHORT_TIMER_DURATION,
      defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
    };
    const replayed = inst.history.length;
    this.counters.episodes++;
    this.counters.eventsReplayed += replayed;
    this.counters.maxHistoryLength = Math.max(this.counters.maxHistoryLength, inst.history.length);
    const episodeIndex = inst.episodes.length;
    const context = new DummyOrchestrationContext(
      inst.name,
      `${inst.id}:${execution}:${episodeIndex}`,
      this.options.log ?? (() => undefined),
    );

    let state: OrchestratorState;
    let failed = false;
    try {
      // The SDK turns each Timestamp into a Date in place, and getInput() hands out the object itself:
      // give it copies (events are flat, so a shallow copy each is enough).
      const copy = {
        ...trigger,
        history: trigger.history.map((e) => ({ ...e })),
        input: jsonClone(trigger.input),
      };
      state = parseState(await handler(copy, context));
    } catch (err) {
      const parsed = parseFailure(err);
      if (parsed === undefined) throw err;
      state = parsed;
      failed = true;
    }
    if (this.instances.get(inst.id) !== inst || inst.execution !== execution || isTerminalStatus(inst.status))
      return;

    const flat = flattenActions(state.actions);
    this.checkReplay(inst, flat);
    this.applyCancellations(inst, flat);
    // The state is the SDK's own objects (Dates and all): keep JSON copies of what we record.
    const fresh = flat.slice(inst.recorded.length).map((a) => jsonClone(a));
    const newActions: string[] = [];
    for (const action of fresh) {
      const index = inst.recorded.length;
      inst.recorded.push(action);
      inst.recordedKeys.push(actionKey(action));
      newActions.push(describeAction(action));
      inst.seqs.takeAction(action, index, now, allocations);
    }
    inst.history.push(...allocations.events, historyEvent(HistoryEventType.OrchestratorCompleted, now));
    if (state.customStatus !== undefined) {
      const text = JSON.stringify(state.customStatus) ?? "";
      // The Durable extension refuses a custom status over 16 KB, counted as UTF-16 (2 bytes a code unit).
      if (text.length * 2 > HOST_LIMITS.customStatusUtf16Bytes)
        throw new HostLimitError(
          inst.id,
          `the custom status is ${text.length * 2} bytes as UTF-16; the Durable host refuses more than ${HOST_LIMITS.customStatusUtf16Bytes}`,
        );
      inst.customStatus = jsonClone(state.customStatus);
    }
    inst.lastUpdatedTime = now;

    if (failed) {
      const message = state.error ?? "unknown error";
      inst.episodes.push(
        this.episodeRecord(inst, episodeIndex, execution, now, replayed, newActions, "Failed"),
      );
      this.finish(inst, "Failed", `Orchestrator function '${inst.name}' failed: ${message}`);
      return;
    }
    if (state.isDone) {
      const last = flat[flat.length - 1];
      if (last !== undefined && last.actionType === ActionType.ContinueAsNew) {
        inst.episodes.push(
          this.episodeRecord(inst, episodeIndex, execution, now, replayed, newActions, "ContinuedAsNew"),
        );
        this.continueAsNew(inst, decodeProcessedInput(last.input), now);
        return;
      }
      inst.episodes.push(
        this.episodeRecord(inst, episodeIndex, execution, now, replayed, newActions, "Completed"),
      );
      this.finish(inst, "Completed", jsonClone(state.output));
      return;
    }
    inst.status = "Running";
    inst.episodes.push(
      this.episodeRecord(inst, episodeIndex, execution, now, replayed, newActions, "Running"),
    );
    void this.persist(inst);
    for (const work of allocations.work) this.launch(inst, execution, work);
  }

  private episodeRecord(
    inst: Instance,
    index: number,
    execution: number,
    at: Date,
    replayed: number,
    newActions: string[],
    status: RuntimeStatus,
  ): EpisodeRecord {
    return {
      index,
      execution,
      startedAt: at.toISOString(),
      historyLength: replayed,
      newActions,
      customStatus: jsonClone(inst.customStatus),
      runtimeStatus: status,
    };
  }

  /** The replay check: the recorded prefix of the flattened actions must come back unchanged. */
  private checkReplay(inst: Instance, flat: OrchestratorAction[]): void {
    const n = inst.recorded.length;
    for (let i = 0; i < n; i++) {
      const replayed = flat[i];
      if (replayed === undefined || actionKey(replayed) !== inst.recordedKeys[i]) {
        throw new NonDeterminismError(inst.id, i, describeAction(inst.recorded[i]), describeAction(replayed));
      }
    }
  }

  /** Timers whose action now shows `isCanceled` are dropped (they will not fire). */
  private applyCancellations(inst: Instance, flat: OrchestratorAction[]): void {
    for (let i = 0; i < inst.recorded.length; i++) {
      const replayed = flat[i];
      const recorded = inst.recorded[i];
      if (
        replayed?.actionType !== ActionType.CreateTimer ||
        replayed.isCanceled !== true ||
        recorded === undefined
      )
        continue;
      if (recorded.isCanceled === true) continue;
      recorded.isCanceled = true;
      const seq = inst.seqs.timerOf(i);
      if (seq === undefined) continue;
      inst.armed.get(seq)?.();
      inst.armed.delete(seq);
    }
  }

  private continueAsNew(inst: Instance, input: unknown, now: Date): void {
    this.cancelTimers(inst);
    inst.execution++;
    inst.input = jsonClone(input);
    inst.history = [];
    inst.recorded = [];
    inst.recordedKeys = [];
    inst.seqs = new SequenceAllocator(inst.id);
    inst.status = "Running";
    inst.lastUpdatedTime = now;
    inst.executionStartedAt = now;
    // Events that arrived while the last episode ran carry over; delivered but unconsumed ones are dropped.
    const carried = inst.inbox.splice(0);
    const carriedNames = new Set(
      carried.filter((e) => e.EventType === HistoryEventType.EventRaised).map((e) => e.Timestamp),
    );
    inst.raised = inst.raised.filter((e) => carriedNames.has(e.at));
    void this.persist(inst);
    inst.inbox.push(
      historyEvent(HistoryEventType.ExecutionStarted, now, {
        Name: inst.name,
        Input: toJsonText(inst.input),
      }),
      ...carried,
    );
  }

  private finish(inst: Instance, status: RuntimeStatus, output: unknown): void {
    inst.status = status;
    inst.output = output;
    inst.lastUpdatedTime = this.clock.now();
    inst.inbox = [];
    this.cancelTimers(inst);
    void this.persist(inst);
    this.notifyParent(inst);
    this.notifyChange();
  }

  private fault(inst: Instance, error: Error): void {
    if (isTerminalStatus(inst.status)) return;
    inst.fault = error;
    this.finish(inst, "Failed", `${error.name}: ${error.message}`);
    this.options.onFault?.(inst.id, error);
  }

  private cancelTimers(inst: Instance): void {
    for (const cancel of inst.armed.values()) cancel();
    inst.armed.clear();
  }

  // ---- work outside the orchestrator ------------------------------------------------------------

  /** Starts what an allocation asks for, once the episode's history is written. */
  private launch(inst: Instance, execution: number, work: Work): void {
    switch (work.kind) {
      case "activity":
        this.runActivity(inst, execution, work.seq, work.name, work.input);
        return;
      case "sub":
        this.startChild(inst, execution, work.seq, work.name, work.input, work.instanceId);
        return;
      case "timer":
        this.armTimer(inst, execution, work.seq, work.fireAt);
        return;
      case "fail":
        this.deliver(
          inst,
          execution,
          historyEvent(work.eventType, this.clock.now(), {
            TaskScheduledId: work.seq,
            Reason: work.reason,
            Details: work.details,
          }),
        );
        return;
    }
  }

  private armTimer(inst: Instance, execution: number, seq: number, fireAt: Date): void {
    if (this.disposed) return;
    const fire = (): void => {
      inst.armed.delete(seq);
      this.deliver(
        inst,
        execution,
        historyEvent(HistoryEventType.TimerFired, this.clock.now(), {
          TimerId: seq,
          FireAt: fireAt.toISOString(),
        }),
      );
    };
    if (fireAt.getTime() <= this.clock.now().getTime()) {
      fire();
      return;
    }
    inst.armed.set(seq, this.clock.schedule(fireAt, fire));
  }

  private runActivity(
    inst: Instance,
    execution: number,
    seq: number,
    name: string,
    wireInput: unknown,
  ): void {
    this.busy++;
    void (async () => {
      let event: HistoryEvent;
      await this.acquireSlot();
      try {
        const fn = this.activities.get(name);
        if (fn === undefined) throw new Error(`The activity function '${name}' is not registered`);
        this.counters.activitiesRun++;
        const result: unknown = await fn(jsonClone(decodeProcessedInput(wireInput)));
        event = historyEvent(HistoryEventType.TaskCompleted, this.clock.now(), {
          TaskScheduledId: seq,
          Result: toJsonText(jsonClone(result)),
        });
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        event = historyEvent(HistoryEventType.TaskFailed, this.clock.now(), {
          TaskScheduledId: seq,
          Reason: `Activity function '${name}' failed: ${error.message}`,
          Details: error.stack ?? String(err),
        });
      } finally {
        this.releaseSlot();
      }
      this.deliver(inst, execution, event);
      this.release();
    })();
  }

  private startChild(
    parent: Instance,
    execution: number,
    seq: number,
    name: string,
    wireInput: unknown,
    childId: string,
  ): void {
    const link: ParentLink = { instanceId: parent.id, instance: parent, execution, seq };
    try {
      this.startInstance(name, wireInput, childId, link);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.deliver(
        parent,
        execution,
        historyEvent(HistoryEventType.SubOrchestrationInstanceFailed, this.clock.now(), {
          TaskScheduledId: seq,
          Reason: error.message,
          Details: error.stack ?? error.message,
        }),
      );
    }
  }

  private notifyParent(child: Instance): void {
    const link = child.parent;
    if (link === undefined) return;
    const parent = link.instance;
    const now = this.clock.now();
    const event =
      child.status === "Completed"
        ? historyEvent(HistoryEventType.SubOrchestrationInstanceCompleted, now, {
            TaskScheduledId: link.seq,
            Result: toJsonText(child.output),
          })
        : historyEvent(HistoryEventType.SubOrchestrationInstanceFailed, now, {
            TaskScheduledId: link.seq,
            Reason:
              typeof child.output === "string"
                ? child.output
                : `Sub-orchestration '${child.id}' ${child.status}`,
            Details: `instance ${child.id} ended ${child.status}`,
          });
    this.deliver(parent, link.execution, event);
  }

  // ---- bookkeeping -----------------------------------------------------------------------------

  private async acquireSlot(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.slotWaiters.shift();
    if (next !== undefined) next();
    else this.running--;
  }

  private release(): void {
    this.busy--;
    if (this.busy === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) setImmediate(w);
    }
  }

  private notifyChange(): void {
    const waiters = this.changeWaiters;
    this.changeWaiters = [];
    for (const w of waiters) w();
  }
}

function toMap<T>(source: ReadonlyMap<string, T> | Readonly<Record<string, T>>): ReadonlyMap<string, T> {
  return source instanceof Map ? source : new Map(Object.entries(source as Record<string, T>));
}

/** A JSON round trip, as every payload makes in the host (undefined stays undefined). */
function jsonClone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** The SDK JSON-encodes string inputs of activities and continueAsNew (Utils.processInput); undo that. */
function decodeProcessedInput(input: unknown): unknown {
  if (typeof input !== "string") return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}

function isState(value: unknown): value is OrchestratorState {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { isDone?: unknown }).isDone === "boolean" &&
    Array.isArray((value as { actions?: unknown }).actions)
  );
}

/** Checks the shape of the handler's result; it is not copied (actionKey and jsonClone serialize as JSON would). */
function parseState(result: unknown): OrchestratorState {
  if (!isState(result)) {
    throw new OrchestratorProtocolError(
      `The orchestrator handler returned ${String(JSON.stringify(result)).slice(0, 200)}, not an OrchestratorState`,
    );
  }
  return result;
}

/** The state carried by durable-functions' OrchestrationFailureError ("…\n\n$OutOfProcData$:{json}"). */
function parseFailure(err: unknown): OrchestratorState | undefined {
  if (!(err instanceof Error)) return undefined;
  const at = err.message.indexOf(OUT_OF_PROC_LABEL);
  if (at < 0) return undefined;
  try {
    const state: unknown = JSON.parse(err.message.slice(at + OUT_OF_PROC_LABEL.length));
    return isState(state) ? state : undefined;
  } catch {
    return undefined;
  }
}
