// Durable instance history in a task hub of the Durable Functions Azure Storage provider, purged straight from its tables
// (for `coalmine purge`, which runs outside the Functions host; the timer function uses the Durable client instead).
import { odata } from "@azure/data-tables";
import { isNotFound, translateStoreError } from "./errors";
import { createStorageClients, type StorageClients } from "./storage-clients";
import type { StorageSettings } from "./storage-settings";

/** host.json `extensions.durableTask.hubName`. */
export const DEFAULT_TASK_HUB = "coalmine";

/**
 * The Azure Storage provider's layout (Microsoft Learn, "Azure Storage provider (Azure Functions)"):
 * `{hub}History` has one partition per instance id (row key = event sequence number), `{hub}Instances` one row per
 * instance (PK instance id, RK ""), and large payloads live in the `{hub}-largemessages` container under `{instanceId}/`.
 */
export function taskHubNames(hub: string): { history: string; instances: string; largeMessages: string } {
  return {
    history: `${hub}History`,
    instances: `${hub}Instances`,
    largeMessages: `${hub}-largemessages`.toLowerCase(),
  };
}

export interface TaskHubPurgeCounts {
  historyRows: number;
  instanceRows: number;
  largeMessages: number;
}

/** Runs `work`; a missing table, row, container or blob (404) counts as nothing to purge. */
async function unlessMissing(doing: string, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (isNotFound(error)) return 0;
    throw translateStoreError(error, doing);
  }
}

export class TaskHubHistory {
  private readonly clients: StorageClients;
  private readonly names: ReturnType<typeof taskHubNames>;

  constructor(
    settings: StorageSettings,
    readonly hub: string = DEFAULT_TASK_HUB,
  ) {
    this.clients = createStorageClients(settings);
    this.names = taskHubNames(hub);
  }

  /** Deletes the instance's history rows, its instance row and its large-message blobs; absent is fine. */
  async purge(instanceId: string): Promise<TaskHubPurgeCounts> {
    const doing = `purging history of instance ${instanceId} in task hub ${this.hub}`;
    const history = this.clients.existingTable(this.names.history);
    const instances = this.clients.existingTable(this.names.instances);
    const container = this.clients.existingContainer(this.names.largeMessages);

    const historyRows = await unlessMissing(doing, async () => {
      const keys: string[] = [];
      const rows = history.listEntities({
        queryOptions: { filter: odata`PartitionKey eq ${instanceId}`, select: ["RowKey"] },
      });
      for await (const row of rows) if (typeof row.rowKey === "string") keys.push(row.rowKey);
      let n = 0;
      for (const rowKey of keys)
        n += await unlessMissing(doing, async () => (await history.deleteEntity(instanceId, rowKey), 1));
      return n;
    });
    const instanceRows = await unlessMissing(
      doing,
      async () => (await instances.deleteEntity(instanceId, ""), 1),
    );
    const largeMessages = await unlessMissing(doing, async () => {
      let n = 0;
      for await (const blob of container.listBlobsFlat({ prefix: `${instanceId}/` })) {
        const result = await container.getBlockBlobClient(blob.name).deleteIfExists();
        if (result.succeeded) n += 1;
      }
      return n;
    });
    return { historyRows, instanceRows, largeMessages };
  }
}
