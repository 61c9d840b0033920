// The core's ports built from Settings: stores, metric sources per account, notifiers, the traffic hook. Used by both composition roots.
import type { ActivityPorts, MetricSourceResolver } from "../analysis/ports/activity-ports";
import type { Clock } from "../analysis/ports/clock";
import type { MetricSource } from "../analysis/ports/metric-source";
import type { Notifier } from "../analysis/ports/notifier";
import type { ConfigStore } from "../analysis/ports/store";
import type { TrafficHook } from "../analysis/ports/traffic-hook";
import { getJudge } from "../judge/registry";
import { resolveMetricsAccount } from "../metrics/accounts";
import { createMetricSource } from "../metrics/source-factory";
import { createCompositeNotifier } from "../notify/composite-notifier";
import { OutboundGuard } from "../notify/outbound-guard";
import { HttpTrafficHook } from "../notify/traffic-hook";
import type { StorageSettings } from "../store/storage-settings";
import { UnusableSettingError } from "../settings-error";
import type { Settings } from "./settings";
import { createAzureStores, createMemoryStores } from "./stores";

export interface AppPorts extends ActivityPorts {
  configStore: ConfigStore;
}

export interface PortOverrides {
  metricSources?: MetricSourceResolver;
  notifier?: Notifier;
  trafficHook?: TrafficHook;
  judges?: ActivityPorts["judges"];
}

export interface AppPortsOptions {
  settings: Settings;
  /** Where file accounts are resolved (default process.cwd()). */
  cwd?: string;
  /** Table/Blob settings, or "memory" for in-process fakes (tests); default the settings' COALMINE_STORAGE. */
  storage?: StorageSettings | "memory";
  /** Timestamps for stored rows: the wall clock (Functions) or the runtime's clock (local). */
  clock: Clock;
  /** Replacements (tests, demo). */
  overrides?: PortOverrides;
}

/** Missing or unusable settings for the app's ports. */
export class AppSettingsError extends UnusableSettingError {
  override readonly name = "AppSettingsError";
}

/** Metric sources by the request's account and the metric's query type, one source per account (lazily). */
export function metricSourcesFrom(settings: Settings, cwd: string): MetricSourceResolver {
  const sources = new Map<string, MetricSource>();
  return (accountName, metric) => {
    const account = resolveMetricsAccount(settings.metricsAccounts(), accountName, metric.query.type);
    let source = sources.get(account.name);
    if (!source) {
      source = createMetricSource(account, settings.named, { cwd });
      sources.set(account.name, source);
    }
    return source;
  };
}

export function createAppPorts(options: AppPortsOptions): AppPorts {
  const { settings, clock, overrides = {} } = options;
  const cwd = options.cwd ?? process.cwd();
  const storage = options.storage ?? settings.storage;
  if (storage === undefined) {
    throw new AppSettingsError("COALMINE_STORAGE is not set (a connection string or a storage account name)");
  }
  const stores = storage === "memory" ? createMemoryStores(clock) : createAzureStores(storage, clock);
  const guard = new OutboundGuard(
    settings.outboundAllowlist !== undefined ? { allowlist: settings.outboundAllowlist } : {},
  );
  const result: AppPorts = {
    analysisStore: stores.analyses,
    artifactStore: stores.artifacts,
    configStore: stores.configs,
    metricSources: overrides.metricSources ?? metricSourcesFrom(settings, cwd),
    judges: overrides.judges ?? ((name) => getJudge(name)),
    notifier:
      overrides.notifier ??
      createCompositeNotifier({ artifacts: stores.artifacts, settings: notifySettings(settings) }),
    trafficHook: overrides.trafficHook ?? new HttpTrafficHook({ guard, env: settings.named }),
    clock,
  };
  if (settings.linkBase) result.publicBaseUrl = settings.linkBase;
  return result;
}

/** What the notifiers read from the settings. */
export function notifySettings(settings: Settings) {
  return {
    outboundAllowlist: settings.outboundAllowlist,
    secretKey: settings.secretKey,
    secretKeyPrevious: settings.secretKeyPrevious,
    githubToken: settings.githubToken,
    githubApi: settings.githubApi,
    publicUrl: settings.publicUrl,
    named: settings.named,
  };
}
