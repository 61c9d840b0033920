// Prometheus HTTP API adapter: Kayenta's query, `GET /api/v1/query_range`, basic or bearer auth, matrix → metric sets.
import type { MetricsAccount } from "../config/metrics-account.schema";
import {
  authorizationHeader,
  CredentialedHttpMetricSource,
  endpointUrl,
  SourceAnswerError,
  toNumber,
  type HttpCredentials,
  type SourceRequest,
  type SourceResponse,
} from "./http-source-base";
import type { MetricFetchRequest, MetricSet } from "../analysis/ports/metric-source";
import { buildPrometheusQuery } from "./prometheus-query";

/** Credentials already read from their settings: basic, bearer or none. */
export type PrometheusCredentials = Exclude<HttpCredentials, { type: "token" }>;

type PromAccount = Extract<MetricsAccount, { type: "prometheus" | "azure-monitor-prometheus" }>;

/** Its credentials: basic or bearer auth, or none (the default). */
export class PrometheusMetricSource extends CredentialedHttpMetricSource<PromAccount, PrometheusCredentials> {
  readonly sourceType = (this.account as PromAccount).type;

  buildQuery(request: MetricFetchRequest): string {
    const q = this.queryOf(request, "prometheus", "azure-monitor-prometheus");
    const scopeLabel = (this.account as PromAccount).scopeLabel;
    return buildPrometheusQuery(request.config, q, request.scope, request.metric.name, scopeLabel);
  }

  /** Authorization header for one request (the managed-identity subclass fetches a token). */
  protected async authorization(): Promise<string | undefined> {
    return authorizationHeader(this.credentials);
  }

  protected async prepare(query: string, request: MetricFetchRequest): Promise<SourceRequest> {
    const auth = await this.authorization();
    return {
      method: "GET",
      url: endpointUrl((this.account as PromAccount).endpoint, "/api/v1/query_range"),
      params: {
        query,
        start: request.window.start,
        end: request.window.end,
        step: Math.max(1, Math.round(request.window.stepSeconds)),
      },
      ...(auth !== undefined ? { headers: { Authorization: auth } } : {}),
    };
  }

  protected parse(response: SourceResponse, request: MetricFetchRequest): MetricSet[] {
    return parsePrometheusMatrix(response.body, request.metric.name);
  }
}

/**
 * A `query_range` answer as metric sets (Kayenta's PrometheusResponseConverter): one set per series,
 * tags = labels minus `__name__`, "NaN"/"+Inf"/"-Inf" read as numbers; an empty result is no sets.
 */
export function parsePrometheusMatrix(body: unknown, name: string): MetricSet[] {
  if (typeof body !== "object" || body === null) throw new SourceAnswerError("answer is not a JSON object");
  const b = body as { status?: unknown; error?: unknown; errorType?: unknown; data?: unknown };
  if (b.status !== "success")
    throw new SourceAnswerError(
      typeof b.error === "string"
        ? `${typeof b.errorType === "string" ? b.errorType : "error"}: ${b.error}`
        : `status '${String(b.status)}'`,
    );
  const data = b.data as { resultType?: unknown; result?: unknown } | undefined;
  if (!data || !Array.isArray(data.result)) throw new SourceAnswerError("answer has no data.result array");
  if (data.resultType !== "matrix")
    throw new SourceAnswerError(
      `expected a matrix result from query_range, got '${String(data.resultType)}'`,
    );
  return data.result.map((series: unknown, i) => {
    const s = series as { metric?: unknown; values?: unknown };
    if (typeof s.metric !== "object" || s.metric === null || !Array.isArray(s.values))
      throw new SourceAnswerError(`data.result[${i}] lacks metric or values`);
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.metric as Record<string, unknown>))
      if (k !== "__name__") tags[k] = String(v);
    const timestamps: number[] = [];
    const values: number[] = [];
    for (const point of s.values as unknown[]) {
      if (!Array.isArray(point) || point.length < 2)
        throw new SourceAnswerError(`data.result[${i}].values holds a point that is not [time, value]`);
      timestamps.push(Math.round(Number(point[0]) * 1000));
      values.push(toNumber(point[1]));
    }
    return { name, tags, timestamps, values };
  });
}
