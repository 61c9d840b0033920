// Builds the MetricSource for an account: reads its secrets from the named settings, picks the credential, and loads
// the adapter's module only when the account is first used (docs/performance.md).
import type { TokenCredential } from "@azure/identity";
import type { MetricsAccount } from "../config/metrics-account.schema";
import { LazyDefaultAzureCredential } from "../identity/lazy-credential";
import { MetricsAccountError } from "./accounts";
import { parseServiceAccountKey, ServiceAccountKeyError } from "./google-service-account";
import type { HttpSourceDeps } from "./http-source-base";
import type { MetricFetchRequest, MetricFetchResult, MetricSource } from "../analysis/ports/metric-source";
import type { PrometheusCredentials } from "./prometheus-source";

export interface SourceFactoryOptions extends HttpSourceDeps {
  /** Entra credential for Azure sources; default DefaultAzureCredential (with the account's client id). */
  credential?: TokenCredential;
  /** Base directory of file accounts (default process.cwd()). */
  cwd?: string;
}

/** Read the setting an account references; a missing or empty one is an error naming it (never its value). */
function setting(
  env: Readonly<Record<string, string | undefined>>,
  account: MetricsAccount,
  field: string,
  name: string,
): string {
  const value = env[name];
  if (value === undefined || value === "")
    throw new MetricsAccountError(
      `metrics account '${account.name}': setting '${name}' (auth.${field}) is not set`,
    );
  return value;
}

function azureCredential(
  account: Extract<MetricsAccount, { type: "azure-monitor-prometheus" | "log-analytics" }>,
  env: Readonly<Record<string, string | undefined>>,
  options: SourceFactoryOptions,
): TokenCredential {
  if (options.credential) return options.credential;
  const clientIdSetting = account.auth?.clientIdSetting;
  const clientId =
    clientIdSetting !== undefined ? setting(env, account, "clientIdSetting", clientIdSetting) : undefined;
  return new LazyDefaultAzureCredential(clientId !== undefined ? { managedIdentityClientId: clientId } : {});
}

/** Basic or bearer credentials read from their settings (Prometheus, Graphite). */
function basicOrBearer(
  account: MetricsAccount,
  auth:
    | { type: "basic"; usernameSetting: string; passwordSetting: string }
    | { type: "bearer"; tokenSetting: string }
    | undefined,
  env: Readonly<Record<string, string | undefined>>,
): PrometheusCredentials {
  if (auth?.type === "basic")
    return {
      type: "basic",
      username: setting(env, account, "usernameSetting", auth.usernameSetting),
      password: setting(env, account, "passwordSetting", auth.passwordSetting),
    };
  if (auth?.type === "bearer")
    return { type: "bearer", token: setting(env, account, "tokenSetting", auth.tokenSetting) };
  return { type: "none" };
}

/**
 * A metric source whose adapter module is loaded (and the adapter created) on first use: the account's settings
 * are read, and their problems reported, when the source is created; the module, its SDKs and, for the Azure
 * sources, @azure/identity only when the first query is built or fetched (docs/performance.md). `buildQuery` is
 * synchronous, so callers that build queries without fetching first await `loadMetricSource`.
 */
class LazyMetricSource implements MetricSource {
  private adapter: MetricSource | undefined;
  private loading: Promise<MetricSource> | undefined;

  constructor(
    private readonly account: MetricsAccount,
    private readonly create: () => Promise<MetricSource>,
  ) {}

  load(): Promise<MetricSource> {
    this.loading ??= this.create().then((adapter) => (this.adapter = adapter));
    return this.loading;
  }

  buildQuery(request: MetricFetchRequest): string {
    if (this.adapter === undefined)
      throw new Error(
        `the ${this.account.type} source of metrics account '${this.account.name}' is not loaded yet (await loadMetricSource first)`,
      );
    return this.adapter.buildQuery(request);
  }

  async fetch(request: MetricFetchRequest): Promise<MetricFetchResult> {
    return (await this.load()).fetch(request);
  }
}

const lazy = (account: MetricsAccount, create: () => Promise<MetricSource>): MetricSource =>
  new LazyMetricSource(account, create);

/** The source with its adapter loaded, so that `buildQuery` can be called; the adapter itself (tests, `coalmine fetch`). */
export async function loadMetricSource(source: MetricSource): Promise<MetricSource> {
  return source instanceof LazyMetricSource ? source.load() : source;
}

export function createMetricSource(
  account: MetricsAccount,
  env: Readonly<Record<string, string | undefined>>,
  options: SourceFactoryOptions = {},
): MetricSource {
  const { credential: _c, cwd, ...deps } = options;
  switch (account.type) {
    case "prometheus": {
      const credentials = basicOrBearer(account, account.auth, env);
      return lazy(account, () =>
        import("./prometheus-source").then((m) => new m.PrometheusMetricSource(account, credentials, deps)),
      );
    }
    case "azure-monitor-prometheus": {
      const credential = azureCredential(account, env, options);
      return lazy(account, () =>
        import("./azure-monitor-prometheus-source").then(
          (m) => new m.AzureMonitorPrometheusMetricSource(account, credential, deps),
        ),
      );
    }
    case "log-analytics": {
      const credential = azureCredential(account, env, options);
      return lazy(account, () =>
        import("./log-analytics-source").then(
          (m) => new m.LogAnalyticsMetricSource(account, credential, deps),
        ),
      );
    }
    case "datadog": {
      const keys = {
        apiKey: setting(env, account, "apiKeySetting", account.auth.apiKeySetting),
        appKey: setting(env, account, "appKeySetting", account.auth.appKeySetting),
      };
      return lazy(account, () =>
        import("./datadog-source").then((m) => new m.DatadogMetricSource(account, keys, deps)),
      );
    }
    case "newrelic": {
      const apiKey = setting(env, account, "apiKeySetting", account.auth.apiKeySetting);
      return lazy(account, () =>
        import("./new-relic-source").then((m) => new m.NewRelicMetricSource(account, apiKey, deps)),
      );
    }
    case "file":
      return lazy(account, () => import("./file-source").then((m) => new m.FileMetricSource(account, cwd)));
    case "stackdriver": {
      const name = account.auth.keySetting;
      try {
        const key = parseServiceAccountKey(setting(env, account, "keySetting", name));
        return lazy(account, () =>
          import("./stackdriver-source").then((m) => new m.StackdriverMetricSource(account, key, deps)),
        );
      } catch (err) {
        if (err instanceof ServiceAccountKeyError)
          throw new MetricsAccountError(
            `metrics account '${account.name}': setting '${name}' (auth.keySetting) ${err.message}`,
          );
        throw err;
      }
    }
    case "graphite": {
      const credentials = basicOrBearer(account, account.auth, env);
      return lazy(account, () =>
        import("./graphite-source").then((m) => new m.GraphiteMetricSource(account, credentials, deps)),
      );
    }
    case "influxdb": {
      const auth = account.auth;
      const credentials =
        auth?.type === "token"
          ? { type: "token" as const, token: setting(env, account, "tokenSetting", auth.tokenSetting) }
          : basicOrBearer(account, auth, env);
      return lazy(account, () =>
        import("./influxdb-source").then((m) => new m.InfluxdbMetricSource(account, credentials, deps)),
      );
    }
    case "signalfx": {
      const apiKey = setting(env, account, "apiKeySetting", account.auth.apiKeySetting);
      return lazy(account, () =>
        import("./signalfx-source").then((m) => new m.SignalFxMetricSource(account, apiKey, deps)),
      );
    }
    case "wavefront": {
      const apiKey = setting(env, account, "apiKeySetting", account.auth.apiKeySetting);
      return lazy(account, () =>
        import("./wavefront-source").then((m) => new m.WavefrontMetricSource(account, apiKey, deps)),
      );
    }
  }
}
