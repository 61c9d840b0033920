// The OrchestrationClient port over durable-functions' DurableClient (the Functions host in Azure).
import type { DurableClient } from "durable-functions";
import type { OrchestrationClient, OrchestrationStatus, RuntimeStatus } from "./orchestration-client";

/** The part of DurableClient this adapter uses (a stub in tests). */
export type DurableClientLike = Pick<
  DurableClient,
  "startNew" | "getStatus" | "raiseEvent" | "terminate" | "purgeInstanceHistory"
>;

const RUNTIME_STATUSES: readonly RuntimeStatus[] = [
  "Pending",
  "Running",
  "Completed",
  "ContinuedAsNew",
  "Failed",
  "Canceled",
  "Terminated",
  "Suspended",
];

/** durable-functions v3 getStatus throws on 404 with this text (DurableClient.getStatus). */
const NOT_FOUND = /replied with HTTP 404/;

/** A DurableClient call failed (other than "no such instance"). */
export class DurableClientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DurableClientError";
  }
}

/** OrchestrationClient over the Durable Functions extension's HTTP API, through DurableClient. */
export class DurableOrchestrationClient implements OrchestrationClient {
  constructor(private readonly client: DurableClientLike) {}

  async start(name: string, instanceId: string, input: unknown): Promise<void> {
    // startNew overwrites an existing instance by default; the port promises idempotence instead.
    if ((await this.getStatus(instanceId)) !== undefined) return;
    try {
      await this.client.startNew(name, { instanceId, input });
    } catch (err) {
      throw new DurableClientError(`Could not start ${name} as ${instanceId}: ${messageOf(err)}`, {
        cause: err,
      });
    }
  }

  async getStatus(instanceId: string): Promise<OrchestrationStatus | undefined> {
    let status: Awaited<ReturnType<DurableClient["getStatus"]>>;
    try {
      status = await this.client.getStatus(instanceId, { showInput: true });
    } catch (err) {
      if (NOT_FOUND.test(messageOf(err))) return undefined;
      throw new DurableClientError(`Could not read the status of ${instanceId}: ${messageOf(err)}`, {
        cause: err,
      });
    }
    const runtimeStatus = String(status.runtimeStatus) as RuntimeStatus;
    if (!RUNTIME_STATUSES.includes(runtimeStatus)) {
      throw new DurableClientError(`Instance ${instanceId} has an unknown runtime status "${runtimeStatus}"`);
    }
    const out: OrchestrationStatus = {
      instanceId: status.instanceId,
      name: status.name,
      runtimeStatus,
      createdTime: isoOf(status.createdTime),
      lastUpdatedTime: isoOf(status.lastUpdatedTime),
    };
    if (status.input !== undefined && status.input !== null) out.input = status.input;
    if (status.output !== undefined && status.output !== null) out.output = status.output;
    if (status.customStatus !== undefined && status.customStatus !== null)
      out.customStatus = status.customStatus;
    return out;
  }

  async raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void> {
    try {
      await this.client.raiseEvent(instanceId, eventName, data);
    } catch (err) {
      throw new DurableClientError(`Could not raise ${eventName} on ${instanceId}: ${messageOf(err)}`, {
        cause: err,
      });
    }
  }

  async terminate(instanceId: string, reason: string): Promise<void> {
    try {
      // The SDK puts the reason into the query string unencoded.
      await this.client.terminate(instanceId, encodeURIComponent(reason));
    } catch (err) {
      throw new DurableClientError(`Could not terminate ${instanceId}: ${messageOf(err)}`, { cause: err });
    }
  }

  async purge(instanceId: string): Promise<void> {
    try {
      await this.client.purgeInstanceHistory(instanceId);
    } catch (err) {
      throw new DurableClientError(`Could not purge ${instanceId}: ${messageOf(err)}`, { cause: err });
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isoOf(value: Date | string): string {
  return typeof value === "string" ? value : value.toISOString();
}
