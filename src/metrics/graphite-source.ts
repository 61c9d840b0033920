// Graphite render API adapter: Kayenta's target (`$scope`/`$location` replaced in metricName), `GET /render?format=json`, datapoints → metric sets.
import type { MetricsAccount } from "../config/metrics-account.schema";
import {
  authorizationHeader,
  CredentialedHttpMetricSource,
  endpointUrl,
  SourceAnswerError,
  toNumber,
  type SourceRequest,
  type SourceResponse,
} from "./http-source-base";
import type { MetricFetchRequest, MetricScope, MetricSet } from "../analysis/ports/metric-source";
import type { PrometheusCredentials } from "./prometheus-source";

type GraphiteAccount = Extract<MetricsAccount, { type: "graphite" }>;

/**
 * Kayenta's GraphiteMetricsService.buildQuery: every `$scope` in metricName becomes the scope and every
 * `$location` the location (each only when set), e.g. `app.$scope.requests.5xx` → `app.checkout-canary.requests.5xx`.
 */
export function buildGraphiteTarget(metricName: string, scope: MetricScope): string {
  let target = metricName;
  if (scope.scope !== "") target = target.split("$scope").join(scope.scope);
  if (scope.location !== undefined && scope.location !== "")
    target = target.split("$location").join(scope.location);
  return target;
}

/** Its credentials: basic or bearer auth, or none (the default). */
export class GraphiteMetricSource extends CredentialedHttpMetricSource<
  GraphiteAccount,
  PrometheusCredentials
> {
  readonly sourceType = "graphite" as const;

  buildQuery(request: MetricFetchRequest): string {
    const q = this.queryOf(request, "graphite");
    return buildGraphiteTarget(q.metricName, request.scope);
  }

  protected async prepare(query: string, request: MetricFetchRequest): Promise<SourceRequest> {
    const auth = authorizationHeader(this.credentials);
    return {
      method: "GET",
      url: endpointUrl((this.account as GraphiteAccount).endpoint, "/render"),
      params: {
        target: query,
        from: Math.floor(Date.parse(request.window.start) / 1000),
        until: Math.floor(Date.parse(request.window.end) / 1000),
        format: "json",
      },
      ...(auth !== undefined ? { headers: { Authorization: auth } } : {}),
    };
  }

  protected parse(response: SourceResponse, request: MetricFetchRequest): MetricSet[] {
    return parseGraphiteRender(response.body, request.metric.name, request.scope);
  }
}

/** A series name with the scope and location values put back as `$scope` / `$location`, so both sides' names match. */
function genericTarget(target: string, scope: MetricScope): string {
  let out = target;
  if (scope.scope !== "") out = out.split(scope.scope).join("$scope");
  if (scope.location !== undefined && scope.location !== "")
    out = out.split(scope.location).join("$location");
  return out;
}

/**
 * `[{ target, datapoints: [[value|null, epoch s]] }]` → metric sets, null read as NaN (Kayenta's
 * GraphiteResults). One series is untagged, so baseline and canary pair whatever their names; several
 * (a wildcard target) are tagged `target` with the scope and location written back as `$scope` and
 * `$location`, so each pairs with its counterpart. An empty list is no data.
 */
export function parseGraphiteRender(body: unknown, name: string, scope: MetricScope): MetricSet[] {
  if (!Array.isArray(body)) throw new SourceAnswerError("answer is not a JSON array of series");
  const sets = body.map((raw: unknown, i): MetricSet & { target: string } => {
    const s = raw as { target?: unknown; datapoints?: unknown };
    if (!Array.isArray(s.datapoints)) throw new SourceAnswerError(`[${i}] has no datapoints array`);
    const timestamps: number[] = [];
    const values: number[] = [];
    for (const p of s.datapoints as unknown[]) {
      if (!Array.isArray(p) || p.length < 2)
        throw new SourceAnswerError(`[${i}].datapoints holds a point that is not [value, time]`);
      timestamps.push(Number(p[1]) * 1000);
      values.push(toNumber(p[0]));
    }
    return {
      name,
      tags: {},
      timestamps,
      values,
      target: typeof s.target === "string" ? s.target : String(i),
    };
  });
  return sets.map(({ target, ...set }) =>
    sets.length > 1 ? { ...set, tags: { target: genericTarget(target, scope) } } : set,
  );
}
