// Builds the MetricSource for an account: reads its secrets from the named settings, picks the credential.
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import type { MetricsAccount } from "../config/metrics-account.schema";
import { MetricsAccountError } from "./accounts";
import { AzureMonitorPrometheusMetricSource } from "./azure-monitor-prometheus-source";
import { DatadogMetricSource } from "./datadog-source";
import { FileMetricSource } from "./file-source";
import { parseServiceAccountKey, ServiceAccountKeyError } from "./google-service-account";
import { GraphiteMetricSource } from "./graphite-source";
import type { HttpSourceDeps } from "./http-source-base";
import { InfluxdbMetricSource } from "./influxdb-source";
import { LogAnalyticsMetricSource } from "./log-analytics-source";
import type { MetricSource } from "../analysis/ports/metric-source";
import { NewRelicMetricSource } from "./new-relic-source";
import { PrometheusMetricSource, type PrometheusCredentials } from "./prometheus-source";
import { SignalFxMetricSource } from "./signalfx-source";
import { StackdriverMetricSource } from "./stackdriver-source";
import { WavefrontMetricSource } from "./wavefront-source";

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
  return new DefaultAzureCredential(clientId !== undefined ? { managedIdentityClientId: clientId } : {});
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

export function createMetricSource(
  account: MetricsAccount,
  env: Readonly<Record<string, string | undefined>>,
  options: SourceFactoryOptions = {},
): MetricSource {
  const { credential: _c, cwd, ...deps } = options;
  switch (account.type) {
    case "prometheus":
      return new PrometheusMetricSource(account, basicOrBearer(account, account.auth, env), deps);
    case "azure-monitor-prometheus":
      return new AzureMonitorPrometheusMetricSource(account, azureCredential(account, env, options), deps);
    case "log-analytics":
      return new LogAnalyticsMetricSource(account, azureCredential(account, env, options), deps);
    case "datadog":
      return new DatadogMetricSource(
        account,
        {
          apiKey: setting(env, account, "apiKeySetting", account.auth.apiKeySetting),
          appKey: setting(env, account, "appKeySetting", account.auth.appKeySetting),
        },
        deps,
      );
    case "newrelic":
      return new NewRelicMetricSource(
        account,
        setting(env, account, "apiKeySetting", account.auth.apiKeySetting),
        deps,
      );
    case "file":
      return new FileMetricSource(account, cwd);
    case "stackdriver": {
      const name = account.auth.keySetting;
      try {
        return new StackdriverMetricSource(
          account,
          parseServiceAccountKey(setting(env, account, "keySetting", name)),
          deps,
        );
      } catch (err) {
        if (err instanceof ServiceAccountKeyError)
          throw new MetricsAccountError(
            `metrics account '${account.name}': setting '${name}' (auth.keySetting) ${err.message}`,
          );
        throw err;
      }
    }
    case "graphite":
      return new GraphiteMetricSource(account, basicOrBearer(account, account.auth, env), deps);
    case "influxdb": {
      const auth = account.auth;
      if (auth?.type === "token")
        return new InfluxdbMetricSource(
          account,
          { type: "token", token: setting(env, account, "tokenSetting", auth.tokenSetting) },
          deps,
        );
      return new InfluxdbMetricSource(account, basicOrBearer(account, auth, env), deps);
    }
    case "signalfx":
      return new SignalFxMetricSource(
        account,
        setting(env, account, "apiKeySetting", account.auth.apiKeySetting),
        deps,
      );
    case "wavefront":
      return new WavefrontMetricSource(
        account,
        setting(env, account, "apiKeySetting", account.auth.apiKeySetting),
        deps,
      );
  }
}
