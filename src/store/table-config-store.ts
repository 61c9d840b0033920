// ConfigStore on Azure Table + Blob: a `canaryConfigs` row (PK application, RK name: version, blob ref) per config,
// the config JSON in an immutable blob per version, and the row's ETag for optimistic concurrency.
import { randomUUID } from "node:crypto";
import { odata, type TableClient } from "@azure/data-tables";
import type { CanaryConfig } from "../config/canary-config.schema";
import {
  artifactPaths,
  type ArtifactStore,
  type ConfigStore,
  type StoredConfig,
  type WriteOptions,
} from "../analysis/ports/store";
import {
  ConflictError,
  isNotFound,
  PreconditionFailedError,
  StoreError,
  storeCall,
  translateStoreError,
} from "./errors";
import { assertStoreKey } from "./keys";
import type { StorageClients } from "./storage-clients";

interface ConfigRow {
  etag: string;
  version: number;
  updatedAt: string;
  blobRef: string;
}

/** Attempts for an unconditional put that keeps losing the race to concurrent writers. */
const PUT_ATTEMPTS = 5;

function rowOf(entity: Record<string, unknown> & { etag: string }, what: string): ConfigRow {
  const { version, updatedAt, blobRef } = entity;
  if (typeof version !== "number" || typeof updatedAt !== "string" || typeof blobRef !== "string")
    throw new StoreError(`${what}: stored row is incomplete`);
  return { etag: entity.etag, version, updatedAt, blobRef };
}

export class TableConfigStore implements ConfigStore {
  constructor(
    private readonly clients: StorageClients,
    private readonly tableName: string,
    private readonly artifacts: ArtifactStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private table(): Promise<TableClient> {
    return this.clients.table(this.tableName);
  }

  private async readRow(application: string, name: string): Promise<ConfigRow | undefined> {
    const table = await this.table();
    const what = `canary config ${application}/${name}`;
    try {
      return rowOf(await table.getEntity<Record<string, unknown>>(application, name), what);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw translateStoreError(error, `reading ${what}`);
    }
  }

  async get(application: string, name: string): Promise<StoredConfig | undefined> {
    assertStoreKey("application", application);
    assertStoreKey("config name", name);
    const row = await this.readRow(application, name);
    if (!row) return undefined;
    const config = await this.artifacts.getJson<CanaryConfig>(row.blobRef);
    if (config === undefined)
      throw new StoreError(
        `canary config ${application}/${name} v${row.version}: its blob ${row.blobRef} is missing`,
      );
    return { application, name, version: row.version, etag: row.etag, updatedAt: row.updatedAt, config };
  }

  async put(
    application: string,
    name: string,
    config: CanaryConfig,
    ifMatch?: string,
    options?: WriteOptions,
  ): Promise<StoredConfig> {
    assertStoreKey("application", application);
    assertStoreKey("config name", name);
    const what = `canary config ${application}/${name}`;
    const conditional = ifMatch !== undefined && ifMatch !== "*";
    const table = await this.table();
    for (let attempt = 1; ; attempt++) {
      const current = await this.readRow(application, name);
      if (options?.createOnly && current) throw new PreconditionFailedError(`${what} already exists`);
      if (conditional && !current)
        throw new ConflictError(`${what} does not exist, so ETag ${ifMatch} cannot match`);
      if (conditional && current && current.etag !== ifMatch)
        throw new ConflictError(`${what} was changed (version ${current.version}); ETag ${ifMatch} is stale`);

      const version = (current?.version ?? 0) + 1;
      const blobRef = artifactPaths.configVersion(application, name, version, randomUUID().slice(0, 8));
      const updatedAt = this.clock().toISOString();
      // The blob first: the row only ever references a blob that exists. Create-only: a version blob is never
      // overwritten, whoever else writes.
      await this.artifacts.putJson(blobRef, config, { createOnly: true });
      const entity = { partitionKey: application, rowKey: name, version, updatedAt, blobRef };
      let etag: string | undefined;
      try {
        const response = current
          ? await table.updateEntity(entity, "Replace", { etag: current.etag })
          : await table.createEntity(entity);
        etag = response.etag;
      } catch (error) {
        const typed = translateStoreError(error, `writing ${what}`);
        await this.artifacts.deletePrefix(blobRef).catch(() => 0); // our unreferenced blob; purge also finds it
        // createEntity is the service's atomic create: a lost race means someone else created it first.
        if (typed instanceof ConflictError && options?.createOnly)
          throw new PreconditionFailedError(`${what} already exists`, { cause: error });
        if (typed instanceof ConflictError && !conditional && attempt < PUT_ATTEMPTS) continue;
        if (typed instanceof ConflictError)
          throw new ConflictError(`${what} was changed concurrently; ETag ${ifMatch ?? "(none)"} is stale`, {
            cause: error,
          });
        throw typed;
      }
      if (etag === undefined) throw new StoreError(`writing ${what}: the service returned no ETag`);
      // The previous version's blob is no longer referenced. A failed clean-up leaves a stray blob under the
      // config's prefix (removed with the config), never a wrong answer, so it does not fail the put.
      if (current) await this.artifacts.deletePrefix(current.blobRef).catch(() => 0);
      return { application, name, version, etag, updatedAt, config };
    }
  }

  async delete(application: string, name: string, ifMatch?: string): Promise<boolean> {
    assertStoreKey("application", application);
    assertStoreKey("config name", name);
    const what = `canary config ${application}/${name}`;
    const conditional = ifMatch !== undefined && ifMatch !== "*";
    const current = await this.readRow(application, name);
    if (!current) {
      if (conditional) throw new ConflictError(`${what} does not exist, so ETag ${ifMatch} cannot match`);
      return false;
    }
    if (conditional && current.etag !== ifMatch)
      throw new ConflictError(`${what} was changed (version ${current.version}); ETag ${ifMatch} is stale`);
    const table = await this.table();
    try {
      await table.deleteEntity(application, name, { etag: current.etag });
    } catch (error) {
      if (isNotFound(error) && !conditional) return false;
      throw translateStoreError(error, `deleting ${what}`);
    }
    await this.artifacts.deletePrefix(artifactPaths.configPrefix(application, name));
    return true;
  }

  async list(application?: string): Promise<Omit<StoredConfig, "config">[]> {
    if (application !== undefined) assertStoreKey("application", application);
    const table = await this.table();
    const filter = application !== undefined ? odata`PartitionKey eq ${application}` : undefined;
    return storeCall("listing canary configs", async () => {
      const out: Omit<StoredConfig, "config">[] = [];
      const entities = table.listEntities<Record<string, unknown>>(
        filter !== undefined ? { queryOptions: { filter } } : {},
      );
      for await (const entity of entities) {
        const app = entity.partitionKey;
        const configName = entity.rowKey;
        if (typeof app !== "string" || typeof configName !== "string") continue;
        const row = rowOf(entity, `canary config ${app}/${configName}`);
        out.push({
          application: app,
          name: configName,
          version: row.version,
          etag: row.etag,
          updatedAt: row.updatedAt,
        });
      }
      return out.sort((a, b) => a.application.localeCompare(b.application) || a.name.localeCompare(b.name));
    });
  }
}
