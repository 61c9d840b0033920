// Datadog metrics query API (v1) adapter: `GET /api/v1/query` with DD-API-KEY / DD-APPLICATION-KEY, pointlist → metric sets.
import type { MetricsAccount } from "../config/metrics-account.schema";
import {
  endpointUrl,
  HttpMetricSource,
  SourceAnswerError,
  toNumber,
  type HttpSourceDeps,
  type SourceRequest,
  type SourceResponse,
} from "./http-source-base";
import type { MetricFetchRequest, MetricSet } from "../analysis/ports/metric-source";
import { QueryBuildError } from "./metric-source-error";
import { expandCustomFilter, expandForMetric } from "./template";

export const DATADOG_DEFAULT_ENDPOINT = "https://api.datadoghq.com";
type DdAccount = Extract<MetricsAccount, { type: "datadog" }>;

export class DatadogMetricSource extends HttpMetricSource {
  readonly sourceType = "datadog" as const;

  constructor(
    account: DdAccount,
    private readonly keys: { apiKey: string; appKey: string },
    deps: HttpSourceDeps = {},
  ) {
    super(account, deps);
    this.registerCredentials(keys.apiKey, keys.appKey);
  }

  /**
   * `metricName{filter}` where filter is the expanded custom template or else the scope itself
   * (Datadog scope syntax, e.g. `service:checkout,version:canary`); a template without metricName
   * is the whole query.
   */
  buildQuery(request: MetricFetchRequest): string {
    const q = this.queryOf(request, "datadog");
    const label = request.metric.name;
    const filter = expandForMetric(label, () => expandCustomFilter(request.config, q, request.scope));
    if (q.metricName === undefined) {
      if (filter === undefined || filter === "")
        throw new QueryBuildError(
          `metric '${label}': set metricName, or a custom template holding the whole query`,
        );
      return filter;
    }
    return `${q.metricName}{${filter !== undefined && filter !== "" ? filter : request.scope.scope}}`;
  }

  protected async prepare(query: string, request: MetricFetchRequest): Promise<SourceRequest> {
    return {
      method: "GET",
      url: endpointUrl((this.account as DdAccount).endpoint ?? DATADOG_DEFAULT_ENDPOINT, "/api/v1/query"),
      params: {
        from: Math.floor(Date.parse(request.window.start) / 1000),
        to: Math.ceil(Date.parse(request.window.end) / 1000),
        query,
      },
      headers: { "DD-API-KEY": this.keys.apiKey, "DD-APPLICATION-KEY": this.keys.appKey },
    };
  }

  protected parse(response: SourceResponse, request: MetricFetchRequest): MetricSet[] {
    return parseDatadogSeries(response.body, request.metric.name);
  }
}

/** `{ status, series: [{ pointlist: [[ms, v]], tag_set }] }` → one set per series; `status: "error"` is an error. */
export function parseDatadogSeries(body: unknown, name: string): MetricSet[] {
  if (typeof body !== "object" || body === null) throw new SourceAnswerError("answer is not a JSON object");
  const b = body as { status?: unknown; error?: unknown; series?: unknown };
  if (b.status === "error" || (typeof b.error === "string" && b.error !== ""))
    throw new SourceAnswerError(typeof b.error === "string" ? b.error : "status 'error'");
  if (!Array.isArray(b.series)) throw new SourceAnswerError("answer has no series array");
  return b.series.map((raw: unknown, i) => {
    const s = raw as { pointlist?: unknown; tag_set?: unknown };
    if (!Array.isArray(s.pointlist)) throw new SourceAnswerError(`series[${i}] has no pointlist`);
    const tags: Record<string, string> = {};
    for (const t of Array.isArray(s.tag_set) ? (s.tag_set as unknown[]) : []) {
      const text = String(t);
      const colon = text.indexOf(":");
      if (colon < 0) tags[text] = "";
      else tags[text.slice(0, colon)] = text.slice(colon + 1);
    }
    const timestamps: number[] = [];
    const values: number[] = [];
    for (const p of s.pointlist as unknown[]) {
      if (!Array.isArray(p) || p.length < 2)
        throw new SourceAnswerError(`series[${i}].pointlist holds a bad point`);
      timestamps.push(Number(p[0]));
      values.push(toNumber(p[1]));
    }
    return { name, tags, timestamps, values };
  });
}
