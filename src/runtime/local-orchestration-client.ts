// The OrchestrationClient port over the local Durable runtime (coalmine run / serve, tests).
import type { OrchestrationClient, OrchestrationStatus } from "../analysis/orchestration-client";
import type { LocalDurableRuntime } from "./durable-runtime";

/** Starts, inspects, signals and stops instances of a {@link LocalDurableRuntime}. */
export class LocalOrchestrationClient implements OrchestrationClient {
  constructor(private readonly runtime: LocalDurableRuntime) {}

  async start(name: string, instanceId: string, input: unknown): Promise<void> {
    if (this.runtime.getStatus(instanceId) !== undefined) return;
    await this.runtime.start(name, input, instanceId);
  }

  async getStatus(instanceId: string): Promise<OrchestrationStatus | undefined> {
    const status = this.runtime.getStatus(instanceId);
    if (status === undefined) return undefined;
    const out: OrchestrationStatus = {
      instanceId: status.instanceId,
      name: status.name,
      runtimeStatus: status.runtimeStatus,
      createdTime: status.createdTime,
      lastUpdatedTime: status.lastUpdatedTime,
    };
    if (status.input !== undefined) out.input = status.input;
    if (status.output !== undefined) out.output = status.output;
    if (status.customStatus !== undefined) out.customStatus = status.customStatus;
    return out;
  }

  async raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void> {
    await this.runtime.raiseEvent(instanceId, eventName, data);
  }

  async terminate(instanceId: string, reason: string): Promise<void> {
    await this.runtime.terminate(instanceId, reason);
  }

  async purge(instanceId: string): Promise<void> {
    await this.runtime.purge(instanceId);
  }
}
