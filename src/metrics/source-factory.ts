// Builds the MetricSource for an account: reads its secrets from the named settings, picks the credential.
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import type { MetricsAccount } from "../config/metrics-account.schema";
import { MetricsAccountError } from "./accounts";
import { AzureMonitorPrometheusMetricSource } from "./azure-monitor-prometheus-source";
import { DatadogMetricSource } from "./datadog-source";
import { FileMetricSource } from "./file-source";
import type { HttpSourceDeps } from "./http-source-base";
import { LogAnalyticsMetricSource } from "./log-analytics-source";
import type { MetricSource } from "../analysis/ports/metric-source";
import { NewRelicMetricSource } from "./new-relic-source";
import { PrometheusMetricSource } from "./prometheus-source";

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

export function createMetricSource(
  account: MetricsAccount,
  env: Readonly<Record<string, string | undefined>>,
  options: SourceFactoryOptions = {},
): MetricSource {
  const { credential: _c, cwd, ...deps } = options;
  switch (account.type) {
    case "prometheus": {
      const auth = account.auth;
      if (auth?.type === "basic")
        return new PrometheusMetricSource(
          account,
          {
            type: "basic",
            username: setting(env, account, "usernameSetting", auth.usernameSetting),
            password: setting(env, account, "passwordSetting", auth.passwordSetting),
          },
          deps,
        );
      if (auth?.type === "bearer")
        return new PrometheusMetricSource(
          account,
          { type: "bearer", token: setting(env, account, "tokenSetting", auth.tokenSetting) },
          deps,
        );
      return new PrometheusMetricSource(account, { type: "none" }, deps);
    }
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
  }
}
