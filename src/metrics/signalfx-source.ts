// SignalFx adapter: Kayenta's SignalFlow program (metric, query pairs, scope/location dimensions, aggregation) or a templated one, `POST /v2/signalflow/execute`, the Server-Sent Events stream → one metric set.
import type { CanaryConfig } from "../config/canary-config.schema";
import type { MetricsAccount } from "../config/metrics-account.schema";
import type { MetricQuery } from "../config/query.schema";
import {
  CredentialedHttpMetricSource,
  endpointUrl,
  SourceAnswerError,
  toNumber,
  type SourceRequest,
  type SourceResponse,
} from "./http-source-base";
import type { MetricFetchRequest, MetricScope, MetricSet } from "../analysis/ports/metric-source";
import { QueryBuildError } from "./metric-source-error";
import { expandCustomFilter, expandForMetric } from "./template";

export const SIGNALFX_DEFAULT_ENDPOINT = "https://stream.signalfx.com";
type SfxAccount = Extract<MetricsAccount, { type: "signalfx" }>;
type SfxQuery = Extract<MetricQuery, { type: "signalfx" }>;

/** A SignalFlow single-quoted string. */
const str = (s: string): string => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const filter = (key: string, value: string): string => `filter(${str(key)}, ${str(value)})`;

/** Kayenta's QueryPair: `!key` negates; a value with commas matches any of its (trimmed) parts. */
function queryPairFilter(pair: { key: string; value: string }): string {
  const negated = pair.key.startsWith("!");
  const key = negated ? pair.key.slice(1) : pair.key;
  const f = pair.value.includes(",")
    ? `filter(${str(key)}, ${pair.value
        .split(",")
        .map((v) => str(v.trim()))
        .join(",")})`
    : filter(key, pair.value);
  return negated ? `(not ${f})` : f;
}

/**
 * Kayenta's SignalFxQueryBuilderService: an expanded custom template is the whole program; otherwise
 * SimpleSignalFlowProgramBuilder's
 * `data('<metricName>', filter=<query pairs> and filter('<scopeKey>', '<scope>') [and filter('<locationKey>', '<location>')] and <other extendedScopeParams>).<aggregationMethod>(by=[<params…>, <locationKey>, <scopeKey>]).publish()`.
 * The scope key is extendedScopeParams `_scope_key`, else the account's defaultScopeKey; the location
 * key `_location_key`, else defaultLocationKey; extendedScopeParams keys starting with `_` are not filters.
 */
export function buildSignalFlowProgram(
  config: Pick<CanaryConfig, "templates">,
  query: SfxQuery,
  scope: MetricScope,
  defaults: { defaultScopeKey?: string | undefined; defaultLocationKey?: string | undefined },
  label: string,
): string {
  const custom = expandForMetric(label, () => expandCustomFilter(config, query, scope));
  if (custom !== undefined) return custom;
  if (query.metricName === undefined)
    throw new QueryBuildError(
      `metric '${label}': set metricName, or a custom template holding the whole SignalFlow program`,
    );
  const ext = scope.extendedScopeParams ?? {};
  const scopeKey = ext["_scope_key"] ?? defaults.defaultScopeKey;
  if (scopeKey === undefined || scopeKey === "")
    throw new QueryBuildError(
      `metric '${label}': The SignalFx account must define a default scope key (defaultScopeKey) or it must be supplied in the extendedScopeParams in the '_scope_key' key`,
    );
  const locationKey = ext["_location_key"] ?? defaults.defaultLocationKey;
  const params = Object.entries(ext).filter(([k]) => !k.startsWith("_"));
  const byKeys = [...params.map(([k]) => k)];
  const scopeFilters = [filter(scopeKey, scope.scope)];
  if (locationKey !== undefined && locationKey !== "") {
    if (scope.location === undefined || scope.location === "")
      throw new QueryBuildError(
        `metric '${label}': a location is required: the location key '${locationKey}' is set for this account or scope`,
      );
    byKeys.push(locationKey);
    scopeFilters.push(filter(locationKey, scope.location));
  }
  byKeys.push(scopeKey);
  for (const [k, v] of params) scopeFilters.push(filter(k, v));
  const filters: string[] = [];
  if (query.queryPairs && query.queryPairs.length > 0)
    filters.push(query.queryPairs.map(queryPairFilter).join(" and "));
  filters.push(scopeFilters.join(" and "));
  return (
    `data(${str(query.metricName)}, filter=${filters.join(" and ")})` +
    `.${query.aggregationMethod ?? "mean"}(by=[${byKeys.map(str).join(", ")}]).publish()`
  );
}

/** Its credentials: the access token, sent as `X-SF-Token`. */
export class SignalFxMetricSource extends CredentialedHttpMetricSource<SfxAccount, string> {
  readonly sourceType = "signalfx" as const;

  buildQuery(request: MetricFetchRequest): string {
    const q = this.queryOf(request, "signalfx");
    return buildSignalFlowProgram(
      request.config,
      q,
      request.scope,
      this.account as SfxAccount,
      request.metric.name,
    );
  }

  /** Kayenta's call: the window in epoch ms, resolution = the step, maxDelay 0, immediate. */
  protected async prepare(query: string, request: MetricFetchRequest): Promise<SourceRequest> {
    return {
      method: "POST",
      url: endpointUrl(
        (this.account as SfxAccount).endpoint ?? SIGNALFX_DEFAULT_ENDPOINT,
        "/v2/signalflow/execute",
      ),
      params: {
        start: Date.parse(request.window.start),
        stop: Date.parse(request.window.end),
        resolution: Math.max(1, Math.round(request.window.stepSeconds)) * 1000,
        maxDelay: 0,
        immediate: "true",
      },
      headers: { "X-SF-Token": this.credentials, "Content-Type": "text/plain" },
      body: query,
      responseType: "text",
    };
  }

  protected parse(response: SourceResponse, request: MetricFetchRequest): MetricSet[] {
    const q = request.metric.query as SfxQuery;
    const tags = Object.fromEntries((q.queryPairs ?? []).map((p) => [p.key, p.value]));
    return parseSignalFlowStream(String(response.body), request.metric.name, tags);
  }
}

/** One Server-Sent Event: its `event:` name and its `data:` lines joined. */
export interface StreamEvent {
  event: string;
  data: string;
}

/** Split an event stream (html.spec.whatwg.org server-sent events) into events; comments and `id:` are ignored. */
export function parseEventStream(text: string): StreamEvent[] {
  const events: StreamEvent[] = [];
  let event = "";
  let data: string[] = [];
  const flush = () => {
    if (data.length > 0) events.push({ event: event || "message", data: data.join("\n") });
    event = "";
    data = [];
  };
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === "") {
      flush();
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  flush();
  return events;
}

/**
 * A SignalFlow execute stream → one metric set (Kayenta's SignalFxMetricsService): each `data` message is
 * a point at its logicalTimestampMs, NaN when it carries no value. An `error` message, a CHANNEL_ABORT or
 * a stream cut before END_OF_CHANNEL is an error, as is a program that publishes more than one time
 * series (aggregate them in the program). `tags` are the query pairs, as Kayenta sets them.
 */
export function parseSignalFlowStream(text: string, name: string, tags: Record<string, string>): MetricSet[] {
  const timestamps: number[] = [];
  const values: number[] = [];
  const series = new Set<string>();
  let ended = false;
  for (const e of parseEventStream(text)) {
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(e.data) as Record<string, unknown>;
    } catch {
      throw new SourceAnswerError(`the '${e.event}' event is not JSON: ${e.data.slice(0, 200)}`, true);
    }
    if (e.event === "error") {
      const errors = Array.isArray(payload["errors"]) ? (payload["errors"] as unknown[]) : [payload];
      throw new SourceAnswerError(
        `SignalFlow error: ${errors
          .map((x) => {
            const o = x as { code?: unknown; context?: unknown; message?: unknown };
            return [o.code, o.message, o.context]
              .filter((p) => p !== undefined)
              .map((p) => (typeof p === "string" ? p : JSON.stringify(p)))
              .join(" ");
          })
          .join("; ")}`,
      );
    }
    if (e.event === "control-message") {
      if (payload["event"] === "END_OF_CHANNEL") ended = true;
      if (payload["event"] === "CHANNEL_ABORT")
        throw new SourceAnswerError(
          `the computation was aborted: ${JSON.stringify(payload["abortInfo"] ?? {})}`,
          true,
        );
      continue;
    }
    if (e.event !== "data") continue;
    const data = Array.isArray(payload["data"])
      ? (payload["data"] as { tsId?: unknown; value?: unknown }[])
      : [];
    for (const d of data) series.add(String(d.tsId));
    if (data.length > 1 || series.size > 1)
      throw new SourceAnswerError(
        `the program published ${Math.max(series.size, data.length)} time series; aggregate them to one in the program (e.g. .mean(by=[…]))`,
      );
    timestamps.push(Number(payload["logicalTimestampMs"]));
    values.push(data.length === 1 ? toNumber(data[0]?.value) : NaN);
  }
  if (!ended) throw new SourceAnswerError("the stream ended before END_OF_CHANNEL (cut off)", true);
  if (timestamps.length === 0) return [];
  return [{ name, tags, timestamps, values }];
}
