// Builds the activities' ports from settings (COALMINE_STORAGE, COALMINE_METRICS_ACCOUNTS, notification settings): the Functions host gives no DI.
import { loadMetricsAccounts, resolveMetricsAccount } from "../../metrics/accounts";
import type { MetricSource } from "../../metrics/metric-source";
import { createMetricSource } from "../../metrics/source-factory";
import { getJudge } from "../../judge/registry";
import { createCompositeNotifier } from "../../notify/composite-notifier";
import type { Notifier, TrafficHook } from "../../notify/notifier";
import { OutboundGuard } from "../../notify/outbound-guard";
import { HttpTrafficHook } from "../../notify/traffic-hook";
import { BlobArtifactStore } from "../../store/blob-artifact-store";
import { MemoryAnalysisStore } from "../../store/memory-analysis-store";
import { MemoryArtifactStore } from "../../store/memory-artifact-store";
import { MemoryConfigStore } from "../../store/memory-config-store";
import type { ConfigStore } from "../../store/ports";
import { createStorageClients } from "../../store/storage-clients";
import { storageSettingsFromEnv, type StorageSettings } from "../../store/storage-settings";
import { TableAnalysisStore } from "../../store/table-analysis-store";
import { TableConfigStore } from "../../store/table-config-store";
import type { ActivityPorts, MetricSourceResolver } from "./activity-ports";

export interface AppPorts extends ActivityPorts {
  configStore: ConfigStore;
}

export interface AppPortsOptions {
  env: Record<string, string | undefined>;
  /** Where `@file` settings and file accounts are resolved (default process.cwd()). */
  cwd?: string;
  /** Table/Blob settings, or "memory" for in-process fakes (tests); default from COALMINE_STORAGE. */
  storage?: StorageSettings | "memory";
  /** Timestamps for stored rows: the wiring passes the wall clock (Functions) or the runtime's clock (local). */
  clock: () => Date;
  /** Overrides (tests, demo). */
  metricSources?: MetricSourceResolver;
  notifier?: Notifier;
  trafficHook?: TrafficHook;
  judges?: ActivityPorts["judges"];
}

/** Missing or unusable settings for the app's ports. */
export class AppSettingsError extends Error {
  override readonly name = "AppSettingsError";
}

/** Metric sources by the request's account and the metric's query type, one source per account (lazily). */
export function metricSourcesFromEnv(
  env: Record<string, string | undefined>,
  cwd: string,
): MetricSourceResolver {
  let accounts: ReturnType<typeof loadMetricsAccounts> | undefined;
  const sources = new Map<string, MetricSource>();
  return (accountName, metric) => {
    accounts ??= loadMetricsAccounts(env, cwd);
    const account = resolveMetricsAccount(accounts, accountName, metric.query.type);
    let source = sources.get(account.name);
    if (!source) {
      source = createMetricSource(account, env, { cwd });
      sources.set(account.name, source);
    }
    return source;
  };
}

export function createAppPorts(options: AppPortsOptions): AppPorts {
  const { env } = options;
  const clock = options.clock;
  const cwd = options.cwd ?? process.cwd();
  const storage = options.storage ?? storageSettingsFromEnv(env);
  if (storage === undefined) {
    throw new AppSettingsError("COALMINE_STORAGE is not set (a connection string or a storage account name)");
  }
  let ports: Pick<AppPorts, "analysisStore" | "artifactStore" | "configStore">;
  if (storage === "memory") {
    ports = {
      analysisStore: new MemoryAnalysisStore(),
      artifactStore: new MemoryArtifactStore(),
      configStore: new MemoryConfigStore(clock),
    };
  } else {
    const clients = createStorageClients(storage);
    const artifactStore = new BlobArtifactStore(clients);
    ports = {
      analysisStore: new TableAnalysisStore(clients, storage.names),
      artifactStore,
      configStore: new TableConfigStore(clients, storage.names.canaryConfigs, artifactStore, clock),
    };
  }
  const guard = new OutboundGuard(
    env.COALMINE_OUTBOUND_ALLOWLIST !== undefined ? { allowlist: env.COALMINE_OUTBOUND_ALLOWLIST } : {},
  );
  const result: AppPorts = {
    ...ports,
    metricSources: options.metricSources ?? metricSourcesFromEnv(env, cwd),
    judges: options.judges ?? ((name) => getJudge(name)),
    notifier: options.notifier ?? createCompositeNotifier({ artifacts: ports.artifactStore, env }),
    trafficHook: options.trafficHook ?? new HttpTrafficHook({ guard, env }),
    clock,
  };
  if (env.COALMINE_PUBLIC_URL) result.publicBaseUrl = env.COALMINE_PUBLIC_URL;
  return result;
}
