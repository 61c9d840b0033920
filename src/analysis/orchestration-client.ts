// The OrchestrationClient port: start, inspect, signal and stop analyses, over Durable Functions or the local runtime.

export type RuntimeStatus =
  "Pending" | "Running" | "Completed" | "ContinuedAsNew" | "Failed" | "Canceled" | "Terminated" | "Suspended";

export interface OrchestrationStatus {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  input?: unknown;
  output?: unknown;
  customStatus?: unknown;
  createdTime: string;
  lastUpdatedTime: string;
}

export interface OrchestrationClient {
  /** Starts `name` with `input` under `instanceId`; idempotent for an id that already exists. */
  start(name: string, instanceId: string, input: unknown): Promise<void>;
  /** The instance's status, or undefined when there is no such instance. */
  getStatus(instanceId: string): Promise<OrchestrationStatus | undefined>;
  raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void>;
  terminate(instanceId: string, reason: string): Promise<void>;
  /** Deletes the instance's history (retention). */
  purge(instanceId: string): Promise<void>;
}
