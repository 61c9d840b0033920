// Log Analytics (and workspace-based Application Insights) query API adapter: templated KQL, `timespan`, tables → metric sets.
import type { TokenCredential } from "@azure/identity";
import { LazyDefaultAzureCredential } from "../identity/lazy-credential";
import type { MetricsAccount } from "../config/metrics-account.schema";
import type { MetricQuery } from "../config/query.schema";
import { entraToken } from "./azure-monitor-prometheus-source";
import {
  endpointUrl,
  genericErrorMessage,
  HttpMetricSource,
  SourceAnswerError,
  toNumber,
  type HttpSourceDeps,
  type SourceRequest,
  type SourceResponse,
} from "./http-source-base";
import type { MetricFetchRequest, MetricSet } from "../analysis/ports/metric-source";
import { expandForMetric, expandTemplate, templateBindings, unescapeTemplate } from "./template";

export const LOG_ANALYTICS_SCOPE = "https://api.loganalytics.io/.default";
export const LOG_ANALYTICS_DEFAULT_ENDPOINT = "https://api.loganalytics.io";

type LaAccount = Extract<MetricsAccount, { type: "log-analytics" }>;
type LaQuery = Extract<MetricQuery, { type: "log-analytics" }>;

const NUMERIC = new Set(["real", "long", "int", "decimal", "double", "float"]);

export class LogAnalyticsMetricSource extends HttpMetricSource {
  readonly sourceType = "log-analytics" as const;

  constructor(
    account: LaAccount,
    /** Default: DefaultAzureCredential (managed identity in Azure, developer credentials locally). */
    private readonly credential: TokenCredential = new LazyDefaultAzureCredential(),
    deps: HttpSourceDeps = {},
  ) {
    super(account, deps);
  }

  buildQuery(request: MetricFetchRequest): string {
    const q = this.queryOf(request, "log-analytics");
    return expandForMetric(request.metric.name, () =>
      expandTemplate(unescapeTemplate(q.query), templateBindings(request.scope)),
    );
  }

  protected async prepare(query: string, request: MetricFetchRequest): Promise<SourceRequest> {
    const account = this.account as LaAccount;
    const token = await entraToken(this.credential, LOG_ANALYTICS_SCOPE, this.sourceType, account.name);
    // A server or proxy that echoes the request in its error must not put the token in a log line.
    this.registerSecret(token);
    return {
      method: "POST",
      url: endpointUrl(
        account.endpoint ?? LOG_ANALYTICS_DEFAULT_ENDPOINT,
        `/v1/workspaces/${encodeURIComponent(account.workspaceId)}/query`,
      ),
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: { query, timespan: `${request.window.start}/${request.window.end}` },
    };
  }

  protected parse(response: SourceResponse, request: MetricFetchRequest): MetricSet[] {
    return parseLogAnalyticsTables(response.body, request.metric.query as LaQuery, request.metric.name);
  }
}

interface Column {
  name: string;
  type: string;
}

/**
 * The first table of a query answer as metric sets, by the column convention (docs/metric-sources.md):
 * time = `timeColumn` or the first datetime column; value = `valueColumn` or the last numeric column;
 * tags = `tagColumns` or every string column. One set per distinct tag combination, sorted by time.
 * An `error` beside the tables (a partial result) is an error.
 */
export function parseLogAnalyticsTables(
  body: unknown,
  query: Pick<LaQuery, "timeColumn" | "valueColumn" | "tagColumns">,
  name: string,
): MetricSet[] {
  if (typeof body !== "object" || body === null) throw new SourceAnswerError("answer is not a JSON object");
  const b = body as { tables?: unknown; error?: unknown };
  if (b.error !== undefined && b.error !== null)
    throw new SourceAnswerError(
      `partial result: ${genericErrorMessage({ error: b.error }) ?? JSON.stringify(b.error)}`,
    );
  if (!Array.isArray(b.tables) || b.tables.length === 0) throw new SourceAnswerError("answer has no tables");
  const table = b.tables[0] as { columns?: unknown; rows?: unknown };
  if (!Array.isArray(table.columns) || !Array.isArray(table.rows))
    throw new SourceAnswerError("tables[0] lacks columns or rows");
  const columns = (table.columns as Column[]).map((c) => ({
    name: String(c.name),
    type: String(c.type).toLowerCase(),
  }));
  const index = (wanted: string, role: string): number => {
    const i = columns.findIndex((c) => c.name === wanted);
    if (i < 0)
      throw new SourceAnswerError(
        `${role} column '${wanted}' is not in the result (columns: ${columns.map((c) => c.name).join(", ")})`,
      );
    return i;
  };
  const timeIdx =
    query.timeColumn !== undefined
      ? index(query.timeColumn, "time")
      : columns.findIndex((c) => c.type === "datetime");
  if (timeIdx < 0)
    throw new SourceAnswerError(
      `no datetime column in the result: project one (e.g. bin(TimeGenerated, 1m)) or set timeColumn`,
    );
  let valueIdx = -1;
  if (query.valueColumn !== undefined) valueIdx = index(query.valueColumn, "value");
  else
    for (let i = columns.length - 1; i >= 0; i--)
      if (i !== timeIdx && NUMERIC.has(columns[i]?.type ?? "")) {
        valueIdx = i;
        break;
      }
  if (valueIdx < 0)
    throw new SourceAnswerError("no numeric column in the result: project one or set valueColumn");
  const tagIdx =
    query.tagColumns !== undefined
      ? query.tagColumns.map((t) => index(t, "tag"))
      : columns.flatMap((c, i) => (c.type === "string" && i !== timeIdx && i !== valueIdx ? [i] : []));

  const groups = new Map<string, { tags: Record<string, string>; points: [number, number][] }>();
  for (const [r, row] of (table.rows as unknown[]).entries()) {
    if (!Array.isArray(row)) throw new SourceAnswerError(`tables[0].rows[${r}] is not an array`);
    const tags: Record<string, string> = {};
    for (const i of tagIdx) tags[columns[i]?.name ?? String(i)] = row[i] === null ? "" : String(row[i]);
    const key = JSON.stringify(tags);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { tags, points: [] }));
    const t = Date.parse(String(row[timeIdx]));
    if (Number.isNaN(t))
      throw new SourceAnswerError(`tables[0].rows[${r}]: '${String(row[timeIdx])}' is not a time`);
    g.points.push([t, toNumber(row[valueIdx])]);
  }
  return [...groups.values()].map((g) => {
    g.points.sort((a, b) => a[0] - b[0]);
    return { name, tags: g.tags, timestamps: g.points.map((p) => p[0]), values: g.points.map((p) => p[1]) };
  });
}
