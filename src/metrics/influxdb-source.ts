// InfluxDB 1.x adapter: Kayenta's InfluxQL (fields of a measurement, or a whole statement with ${scope}/${timeFilter}/${step}), `GET /query?db=&epoch=ms`, series columns → metric sets.
import { hasPlaceholder, influxdbBlockedText, influxdbQueryProblems } from "../config/influxdb-query-rules";
import type { MetricsAccount } from "../config/metrics-account.schema";
import type { MetricQuery } from "../config/query.schema";
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
import type {
  MetricFetchRequest,
  MetricScope,
  MetricSet,
  MetricWindow,
} from "../analysis/ports/metric-source";
import { QueryBuildError } from "./metric-source-error";

type InfluxAccount = Extract<MetricsAccount, { type: "influxdb" }>;
type InfluxQuery = Extract<MetricQuery, { type: "influxdb" }>;

/** Credentials already read from their settings (`token`: InfluxDB 2.x's `Authorization: Token`). */
export type InfluxdbCredentials = HttpCredentials;

/** Java's Instant.toString, which Kayenta writes into the time filter: no `.000` when the millis are 0. */
const instant = (iso: string): string => new Date(iso).toISOString().replace(".000Z", "Z");
/** An InfluxQL single-quoted string literal. */
const quote = (s: string): string => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** Kayenta's scope filter: the scope is `tag:value` and becomes `tag = 'value'`. */
function scopeFilter(scope: string, label: string): string {
  const parts = scope.split(":");
  if (parts.length !== 2 || parts[0] === "")
    throw new QueryBuildError(
      `metric '${label}': Scope expected in the format of 'name:value'. e.g. autoscaling_group:myapp-prod-v002, received: ${scope}`,
    );
  return `${parts[0]} = ${quote(parts[1] ?? "")}`;
}

/**
 * Kayenta's InfluxDbQueryBuilder. Without customInlineTemplate:
 * `SELECT <fields, or *::field> FROM <metricName> WHERE time >= '<start>' AND time < '<end>' AND <tag> = '<value>'`
 * (the scope is `tag:value`; an empty scope adds no filter). With it, the statement as written with
 * `${timeFilter}`, `${scope}` and `${step}` (e.g. `60s`) replaced. Metadata statements, `;` and `--` are refused.
 */
export function buildInfluxQL(
  query: InfluxQuery,
  scope: MetricScope,
  window: MetricWindow,
  label: string,
): string {
  const problems = influxdbQueryProblems(query);
  if (problems[0])
    throw new QueryBuildError(`metric '${label}': ${problems[0].field} ${problems[0].message}`);
  const timeFilter = `time >= '${instant(window.start)}' AND time < '${instant(window.end)}'`;
  let statement: string;
  const inline = query.customInlineTemplate;
  if (inline !== undefined && inline !== "") {
    const replace = (text: string, name: string, value: string) =>
      text.split(`\${${name}}`).join(value).split(`$\\{${name}}`).join(value);
    statement = replace(inline, "timeFilter", timeFilter);
    statement = replace(statement, "scope", scopeFilter(scope.scope, label));
    if (hasPlaceholder(statement, "step"))
      statement = replace(statement, "step", `${Math.max(1, Math.round(window.stepSeconds))}s`);
  } else {
    const fields = query.fields && query.fields.length > 0 ? query.fields : ["*::field"];
    statement = `SELECT ${fields.join(", ")} FROM ${query.metricName ?? ""} WHERE ${timeFilter}`;
    if (scope.scope !== "") statement += ` AND ${scopeFilter(scope.scope, label)}`;
  }
  const blocked = influxdbBlockedText(statement);
  if (blocked !== undefined)
    throw new QueryBuildError(
      `metric '${label}': '${blocked}' is not allowed in an InfluxQL query: ${statement}`,
    );
  return statement;
}

/** Its credentials: basic, bearer or token auth, or none (the default). */
export class InfluxdbMetricSource extends CredentialedHttpMetricSource<InfluxAccount, InfluxdbCredentials> {
  readonly sourceType = "influxdb" as const;

  buildQuery(request: MetricFetchRequest): string {
    const q = this.queryOf(request, "influxdb");
    return buildInfluxQL(q, request.scope, request.window, request.metric.name);
  }

  protected async prepare(query: string): Promise<SourceRequest> {
    const account = this.account as InfluxAccount;
    const auth = authorizationHeader(this.credentials);
    return {
      method: "GET",
      url: endpointUrl(account.endpoint, "/query"),
      params: { db: account.database, q: query, epoch: "ms" },
      ...(auth !== undefined ? { headers: { Authorization: auth } } : {}),
    };
  }

  protected parse(response: SourceResponse, request: MetricFetchRequest): MetricSet[] {
    return parseInfluxResults(response.body, request.metric.name);
  }
}

/**
 * `{ results: [{ series: [{ name, tags?, columns: ["time", …], values }] , error? }] }` → one set per
 * series and value column, tagged `field` (the column) plus the series' GROUP BY tags; null values
 * are left out as Kayenta does. A statement `error` (e.g. "database not found") or a `partial`
 * answer (cut at max-row-limit) is an error; no series is no data.
 */
export function parseInfluxResults(body: unknown, name: string): MetricSet[] {
  if (typeof body !== "object" || body === null) throw new SourceAnswerError("answer is not a JSON object");
  const b = body as { results?: unknown; error?: unknown };
  if (typeof b.error === "string") throw new SourceAnswerError(b.error);
  if (!Array.isArray(b.results) || b.results.length === 0)
    throw new SourceAnswerError("answer has no results (Unexpected response from influxDb)");
  const result = b.results[0] as { series?: unknown; error?: unknown; partial?: unknown };
  if (typeof result.error === "string") throw new SourceAnswerError(result.error);
  const truncated =
    result.partial === true ||
    (Array.isArray(result.series) &&
      result.series.some((s) => (s as { partial?: unknown }).partial === true));
  if (truncated)
    throw new SourceAnswerError(
      "partial result: InfluxDB cut the answer short (max-row-limit); aggregate with GROUP BY time(${step}) or narrow the window",
    );
  if (result.series === undefined) return [];
  if (!Array.isArray(result.series)) throw new SourceAnswerError("results[0].series is not an array");
  const sets: MetricSet[] = [];
  result.series.forEach((raw: unknown, i) => {
    const s = raw as { tags?: unknown; columns?: unknown; values?: unknown };
    if (!Array.isArray(s.columns) || !Array.isArray(s.values))
      throw new SourceAnswerError(`results[0].series[${i}] lacks columns or values`);
    const columns = (s.columns as unknown[]).map(String);
    const timeIdx = columns.indexOf("time");
    if (timeIdx < 0) throw new SourceAnswerError(`results[0].series[${i}] has no time column`);
    const groupTags: Record<string, string> = {};
    for (const [k, v] of Object.entries((s.tags ?? {}) as Record<string, unknown>))
      groupTags[k] = typeof v === "string" ? v : JSON.stringify(v ?? "");
    columns.forEach((column, c) => {
      if (c === timeIdx) return;
      const timestamps: number[] = [];
      const values: number[] = [];
      for (const row of s.values as unknown[]) {
        if (!Array.isArray(row))
          throw new SourceAnswerError(`results[0].series[${i}].values holds a row that is not an array`);
        if (row[c] === null || row[c] === undefined) continue;
        const t: unknown = row[timeIdx];
        timestamps.push(typeof t === "number" ? t : Date.parse(String(t)));
        values.push(toNumber(row[c]));
      }
      sets.push({ name, tags: { ...groupTags, field: column }, timestamps, values });
    });
  });
  return sets;
}
