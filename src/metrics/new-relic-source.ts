// New Relic adapter: NRQL with TIMESERIES through NerdGraph (`POST /graphql`, API-Key header), buckets → metric sets.
import type { MetricsAccount } from "../config/metrics-account.schema";
import {
  CredentialedHttpMetricSource,
  endpointUrl,
  SourceAnswerError,
  toNumber,
  type SourceRequest,
  type SourceResponse,
} from "./http-source-base";
import type { MetricFetchRequest, MetricSet } from "../analysis/ports/metric-source";
import {
  expandCustomFilter,
  expandForMetric,
  expandTemplate,
  templateBindings,
  unescapeTemplate,
} from "./template";

export const NEW_RELIC_DEFAULT_ENDPOINT = "https://api.newrelic.com";
type NrAccount = Extract<MetricsAccount, { type: "newrelic" }>;

const NERDGRAPH_QUERY =
  "query($accountId: Int!, $nrql: Nrql!) { actor { account(id: $accountId) { nrql(query: $nrql, timeout: 60) { results } } } }";

const nrqlString = (s: string): string => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** Its credentials: the user API key, sent as `API-Key`. */
export class NewRelicMetricSource extends CredentialedHttpMetricSource<NrAccount, string> {
  readonly sourceType = "newrelic" as const;

  /**
   * `<select> WHERE <scope condition> [AND (<q>)] SINCE <start ms> UNTIL <end ms> TIMESERIES <step> seconds`.
   * The scope condition is the expanded custom template, else `<_scope_key|appName> = '<scope>'` plus
   * `<_location_key> = '<location>'` when extendedScopeParams names a location key.
   */
  buildQuery(request: MetricFetchRequest): string {
    const q = this.queryOf(request, "newrelic");
    const label = request.metric.name;
    const { scope, window } = request;
    const conditions: string[] = [];
    expandForMetric(label, () => {
      const custom = expandCustomFilter(request.config, q, scope);
      if (custom !== undefined && custom !== "") conditions.push(custom);
      else {
        const ext = scope.extendedScopeParams ?? {};
        conditions.push(`${ext["_scope_key"] ?? "appName"} = ${nrqlString(scope.scope)}`);
        const locationKey = ext["_location_key"];
        if (locationKey !== undefined && scope.location !== undefined && scope.location !== "")
          conditions.push(`${locationKey} = ${nrqlString(scope.location)}`);
      }
      if (q.q !== undefined && q.q !== "")
        conditions.push(`(${expandTemplate(unescapeTemplate(q.q), templateBindings(scope))})`);
    });
    const step = Math.max(1, Math.round(window.stepSeconds));
    return (
      `${q.select} WHERE ${conditions.join(" AND ")} ` +
      `SINCE ${Date.parse(window.start)} UNTIL ${Date.parse(window.end)} TIMESERIES ${step} seconds`
    );
  }

  protected async prepare(query: string): Promise<SourceRequest> {
    const account = this.account as NrAccount;
    return {
      method: "POST",
      url: endpointUrl(account.endpoint ?? NEW_RELIC_DEFAULT_ENDPOINT, "/graphql"),
      headers: { "API-Key": this.credentials, "Content-Type": "application/json" },
      body: { query: NERDGRAPH_QUERY, variables: { accountId: Number(account.accountId), nrql: query } },
    };
  }

  protected parse(response: SourceResponse, request: MetricFetchRequest): MetricSet[] {
    return parseNerdGraphTimeseries(response.body, request.metric.name);
  }
}

const BUCKET_KEYS = new Set(["beginTimeSeconds", "endTimeSeconds", "facet", "timestamp", "inspectedCount"]);

/** A value of a TIMESERIES bucket: a number, or a one-entry object such as `{ "95": 0.31 }` (percentile). */
function bucketValue(v: unknown): number | undefined {
  if (typeof v === "number" || v === null) return toNumber(v);
  if (typeof v === "object" && v !== null) {
    const inner = Object.values(v);
    if (inner.length === 1) return toNumber(inner[0]);
  }
  return undefined;
}

/**
 * NerdGraph `data.actor.account.nrql.results` of a TIMESERIES query → metric sets: one per `facet`
 * (tag `facet`), time = beginTimeSeconds, value = the first function column. GraphQL `errors` are errors
 * (transient when New Relic says the query timed out).
 */
export function parseNerdGraphTimeseries(body: unknown, name: string): MetricSet[] {
  if (typeof body !== "object" || body === null) throw new SourceAnswerError("answer is not a JSON object");
  const b = body as { data?: unknown; errors?: unknown };
  if (Array.isArray(b.errors) && b.errors.length > 0) {
    const messages = b.errors.map((e: unknown) =>
      typeof e === "object" && e !== null && typeof (e as { message?: unknown }).message === "string"
        ? (e as { message: string }).message
        : JSON.stringify(e),
    );
    const text = messages.join("; ");
    throw new SourceAnswerError(text, /timed? ?out|TIMEOUT/i.test(text));
  }
  const results = (b.data as { actor?: { account?: { nrql?: { results?: unknown } } } } | undefined)?.actor
    ?.account?.nrql?.results;
  if (!Array.isArray(results))
    throw new SourceAnswerError("answer has no data.actor.account.nrql.results array");
  const groups = new Map<string, MetricSet>();
  for (const [i, raw] of results.entries()) {
    if (typeof raw !== "object" || raw === null)
      throw new SourceAnswerError(`results[${i}] is not an object`);
    const row = raw as Record<string, unknown>;
    const begin = row["beginTimeSeconds"];
    if (typeof begin !== "number")
      throw new SourceAnswerError(`results[${i}] has no beginTimeSeconds: is the NRQL a TIMESERIES query?`);
    const facet = row["facet"];
    const tags: Record<string, string> =
      facet === undefined
        ? {}
        : {
            facet: Array.isArray(facet)
              ? facet.map((f) => (typeof f === "string" ? f : JSON.stringify(f))).join(",")
              : typeof facet === "string"
                ? facet
                : JSON.stringify(facet),
          };
    const facetNames =
      facet === undefined ? new Set<string>() : new Set(Object.keys(row).filter((k) => row[k] === facet));
    let value: number | undefined;
    for (const [k, v] of Object.entries(row)) {
      if (BUCKET_KEYS.has(k) || facetNames.has(k)) continue;
      value = bucketValue(v);
      if (value !== undefined) break;
    }
    if (value === undefined) throw new SourceAnswerError(`results[${i}] holds no numeric value`);
    const key = JSON.stringify(tags);
    let set = groups.get(key);
    if (!set) groups.set(key, (set = { name, tags, timestamps: [], values: [] }));
    set.timestamps.push(begin * 1000);
    set.values.push(value);
  }
  return [...groups.values()];
}
