// The three storage ports wired together: on Azure Table + Blob from settings, or in memory.
import type { Clock } from "../analysis/ports/clock";
import type { AnalysisStore, ArtifactStore, ConfigStore } from "../analysis/ports/store";
import { BlobArtifactStore } from "../store/blob-artifact-store";
import { MemoryAnalysisStore } from "../store/memory-analysis-store";
import { MemoryArtifactStore } from "../store/memory-artifact-store";
import { MemoryConfigStore } from "../store/memory-config-store";
import { createStorageClients } from "../store/storage-clients";
import type { StorageSettings } from "../store/storage-settings";
import { TableAnalysisStore } from "../store/table-analysis-store";
import { TableConfigStore } from "../store/table-config-store";

export interface Stores {
  analyses: AnalysisStore;
  artifacts: ArtifactStore;
  configs: ConfigStore;
}

/** Table + Blob stores; `clock` stamps stored configs (default the wall clock). */
export function createAzureStores(settings: StorageSettings, clock?: Clock): Stores {
  const clients = createStorageClients(settings);
  const artifacts = new BlobArtifactStore(clients);
  return {
    analyses: new TableAnalysisStore(clients, settings.names),
    artifacts,
    configs: new TableConfigStore(clients, settings.names.canaryConfigs, artifacts, clock),
  };
}

export function createMemoryStores(clock?: Clock): Stores {
  return {
    analyses: new MemoryAnalysisStore(),
    artifacts: new MemoryArtifactStore(),
    configs: new MemoryConfigStore(clock),
  };
}
