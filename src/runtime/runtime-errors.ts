// Errors of the local Durable runtime: non-determinism, unsupported actions, unknown or stuck instances.

/** Replay of an orchestrator produced actions different from those recorded: the orchestrator is not deterministic. */
export class NonDeterminismError extends Error {
  constructor(
    readonly instanceId: string,
    readonly actionIndex: number,
    readonly recorded: string,
    readonly replayed: string,
  ) {
    super(
      `Non-deterministic orchestrator in instance "${instanceId}": action #${actionIndex} was recorded as ` +
        `${recorded} but replay produced ${replayed}. Orchestrator code must take time only from ` +
        `context.df.currentUtcDateTime and make no I/O, Date.now() or Math.random() calls.`,
    );
    this.name = "NonDeterminismError";
  }
}

/** The orchestrator scheduled something the local runtime does not implement (entities, callHttp). */
export class UnsupportedActionError extends Error {
  constructor(
    readonly instanceId: string,
    readonly action: string,
  ) {
    super(`Instance "${instanceId}" scheduled ${action}, which the local runtime does not support`);
    this.name = "UnsupportedActionError";
  }
}

/** No orchestrator of that name was captured. */
export class UnknownOrchestrationError extends Error {
  constructor(readonly orchestrationName: string) {
    super(`No orchestration named "${orchestrationName}" is registered`);
    this.name = "UnknownOrchestrationError";
  }
}

/** The instance id is not known to the runtime. */
export class InstanceNotFoundError extends Error {
  constructor(readonly instanceId: string) {
    super(`No orchestration instance "${instanceId}"`);
    this.name = "InstanceNotFoundError";
  }
}

/** start() for an id whose instance is still running. */
export class InstanceAlreadyRunningError extends Error {
  constructor(readonly instanceId: string) {
    super(`Orchestration instance "${instanceId}" already exists and is not finished`);
    this.name = "InstanceAlreadyRunningError";
  }
}

/** runUntil()/waitForCompletion() on a virtual clock: nothing left to run, no timer pending, and the condition does not hold. */
export class RuntimeStuckError extends Error {
  constructor(
    readonly instanceId: string,
    readonly runtimeStatus: string,
    detail: string,
  ) {
    super(`Instance "${instanceId}" (${runtimeStatus}) cannot progress: ${detail}`);
    this.name = "RuntimeStuckError";
  }
}

/** The orchestrator handler broke the protocol (returned something that is not an OrchestratorState). */
export class OrchestratorProtocolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OrchestratorProtocolError";
  }
}

/** Something the Durable host refuses (a custom status over 16 KB, a bad instance id): a test failure here, an outage in Azure. */
export class HostLimitError extends Error {
  constructor(
    readonly instanceId: string,
    detail: string,
  ) {
    super(`Instance "${instanceId}": ${detail}`);
    this.name = "HostLimitError";
  }
}
