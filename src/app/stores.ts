// The three storage ports wired together: on Azure Table + Blob from settings, or in memory.
import type { AnalysisStore, ArtifactStore, ConfigStore } from "./ports";
import { BlobArtifactStore } from "./blob-artifact-store";
import { MemoryAnalysisStore } from "./memory-analysis-store";
import { MemoryArtifactStore } from "./memory-artifact-store";
import { MemoryConfigStore } from "./memory-config-store";
import { createStorageClients } from "./storage-clients";
import {
  storageSettingsFromEnv,
  type StorageSettings,
  type StorageSettingsOptions,
} from "./storage-settings";
import { TableAnalysisStore } from "./table-analysis-store";
import { TableConfigStore } from "./table-config-store";

export interface Stores {
  analyses: AnalysisStore;
  artifacts: ArtifactStore;
  configs: ConfigStore;
}

export function createAzureStores(settings: StorageSettings): Stores {
  const clients = createStorageClients(settings);
  const artifacts = new BlobArtifactStore(clients);
  return {
    analyses: new TableAnalysisStore(clients, settings.names),
    artifacts,
    configs: new TableConfigStore(clients, settings.names.canaryConfigs, artifacts),
  };
}

export function createMemoryStores(): Stores {
  return {
    analyses: new MemoryAnalysisStore(),
    artifacts: new MemoryArtifactStore(),
    configs: new MemoryConfigStore(),
  };
}

/** Azure stores from `COALMINE_STORAGE` (and `COALMINE_STORAGE_PREFIX`); undefined when it is unset. */
export function storesFromEnv(
  env: Record<string, string | undefined>,
  options: Omit<StorageSettingsOptions, "prefix"> = {},
): Stores | undefined {
  const settings = storageSettingsFromEnv(env, options);
  return settings ? createAzureStores(settings) : undefined;
}
