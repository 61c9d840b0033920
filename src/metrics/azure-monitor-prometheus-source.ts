// Azure Monitor managed Prometheus: the Prometheus HTTP API with an Entra token (azure.md §7).
import type { TokenCredential } from "@azure/identity";
import { LazyDefaultAzureCredential } from "../identity/lazy-credential";
import type { MetricsAccount } from "../config/metrics-account.schema";
import type { HttpSourceDeps } from "./http-source-base";
import { MetricSourceError } from "./metric-source-error";
import { PrometheusMetricSource } from "./prometheus-source";

export const AZURE_MONITOR_PROMETHEUS_SCOPE = "https://prometheus.monitor.azure.com/.default";

export class AzureMonitorPrometheusMetricSource extends PrometheusMetricSource {
  constructor(
    account: Extract<MetricsAccount, { type: "azure-monitor-prometheus" }>,
    /** Default: DefaultAzureCredential (managed identity in Azure, developer credentials locally). */
    private readonly credential: TokenCredential = new LazyDefaultAzureCredential(),
    deps: HttpSourceDeps = {},
  ) {
    super(account, { type: "none" }, deps);
  }

  protected override async authorization(): Promise<string> {
    const token = await entraToken(
      this.credential,
      AZURE_MONITOR_PROMETHEUS_SCOPE,
      this.sourceType,
      this.account.name,
    );
    // A server or proxy that echoes the request in its error must not put the token in a log line.
    this.registerSecret(token);
    return `Bearer ${token}`;
  }
}

/** A token for `scope`, or a permanent MetricSourceError saying why there is none (no secret in it). */
export async function entraToken(
  credential: TokenCredential,
  scope: string,
  sourceType: string,
  account: string,
): Promise<string> {
  let token: { token: string } | null;
  try {
    token = await credential.getToken(scope);
  } catch (err) {
    throw new MetricSourceError({
      sourceType,
      account,
      query: "(not sent)",
      sourceMessage: `could not get an Entra token for ${scope}: ${err instanceof Error ? `${err.name}: ${err.message.split("\n")[0] ?? ""}` : String(err)}`,
      transient: false,
    });
  }
  if (!token)
    throw new MetricSourceError({
      sourceType,
      account,
      query: "(not sent)",
      sourceMessage: `the credential returned no token for ${scope}`,
      transient: false,
    });
  return token.token;
}
