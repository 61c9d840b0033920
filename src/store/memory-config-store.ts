// In-memory ConfigStore for unit tests and the local runtime: versions and ETags behave as in TableConfigStore.
import type { CanaryConfig } from "../config/canary-config.schema";
import type { ConfigStore, StoredConfig, WriteOptions } from "../analysis/ports/store";
import { ConflictError, PreconditionFailedError } from "./errors";
import { assertStoreKey } from "./keys";

export class MemoryConfigStore implements ConfigStore {
  private readonly configs = new Map<string, StoredConfig>();
  private writes = 0;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  private key(application: string, name: string): string {
    assertStoreKey("application", application);
    assertStoreKey("config name", name);
    return `${application}/${name}`;
  }

  async get(application: string, name: string): Promise<StoredConfig | undefined> {
    const found = this.configs.get(this.key(application, name));
    return found ? structuredClone(found) : undefined;
  }

  async put(
    application: string,
    name: string,
    config: CanaryConfig,
    ifMatch?: string,
    options?: WriteOptions,
  ): Promise<StoredConfig> {
    const key = this.key(application, name);
    const what = `canary config ${application}/${name}`;
    const current = this.configs.get(key);
    if (options?.createOnly && current) throw new PreconditionFailedError(`${what} already exists`);
    if (ifMatch !== undefined && ifMatch !== "*") {
      if (!current) throw new ConflictError(`${what} does not exist, so ETag ${ifMatch} cannot match`);
      if (current.etag !== ifMatch)
        throw new ConflictError(`${what} was changed (version ${current.version}); ETag ${ifMatch} is stale`);
    }
    this.writes += 1;
    const stored: StoredConfig = {
      application,
      name,
      version: (current?.version ?? 0) + 1,
      etag: `W/"mem-${this.writes}"`,
      updatedAt: this.clock().toISOString(),
      config: structuredClone(config),
    };
    this.configs.set(key, stored);
    return structuredClone(stored);
  }

  async delete(application: string, name: string, ifMatch?: string): Promise<boolean> {
    const key = this.key(application, name);
    const what = `canary config ${application}/${name}`;
    const current = this.configs.get(key);
    const conditional = ifMatch !== undefined && ifMatch !== "*";
    if (!current) {
      if (conditional) throw new ConflictError(`${what} does not exist, so ETag ${ifMatch} cannot match`);
      return false;
    }
    if (conditional && current.etag !== ifMatch)
      throw new ConflictError(`${what} was changed (version ${current.version}); ETag ${ifMatch} is stale`);
    this.configs.delete(key);
    return true;
  }

  async list(application?: string): Promise<Omit<StoredConfig, "config">[]> {
    if (application !== undefined) assertStoreKey("application", application);
    return [...this.configs.values()]
      .filter((c) => application === undefined || c.application === application)
      .map(({ config: _config, ...rest }) => rest)
      .sort((a, b) => a.application.localeCompare(b.application) || a.name.localeCompare(b.name));
  }
}
