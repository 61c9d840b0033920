// Google Cloud Monitoring (Stackdriver) adapter: Kayenta's filter for the resource type, `projects.timeSeries.list` with aggregation, a service-account token, paged series → metric sets.
import type { MetricsAccount } from "../config/metrics-account.schema";
import type { MetricQuery } from "../config/query.schema";
import type { ServiceAccountKey } from "./google-service-account";
import { ServiceAccountTokens } from "./google-service-account";
import {
  endpointUrl,
  HttpMetricSource,
  SourceAnswerError,
  toNumber,
  type HttpSourceDeps,
  type SourcePage,
  type SourceRequest,
  type SourceResponse,
} from "./http-source-base";
import type { MetricFetchRequest, MetricScope, MetricSet } from "../analysis/ports/metric-source";
import { QueryBuildError } from "./metric-source-error";
import { expandCustomFilter, expandForMetric } from "./template";
import type { CanaryConfig } from "../config/canary-config.schema";

export const CLOUD_MONITORING_DEFAULT_ENDPOINT = "https://monitoring.googleapis.com";
type SdAccount = Extract<MetricsAccount, { type: "stackdriver" }>;
type SdQuery = Extract<MetricQuery, { type: "stackdriver" }>;

/** Everything a `timeSeries.list` call is made of. */
export interface StackdriverCall {
  /** The project whose time series are listed (the account's). */
  project: string;
  filter: string;
  alignmentPeriod: string;
  perSeriesAligner: string;
  crossSeriesReducer: string;
  groupByFields: string[];
}

const K8S_LABELS = ["location", "node_name", "cluster_name", "pod_name", "container_name", "namespace_name"];
const GKE_CONTAINER_LABELS = [
  "cluster_name",
  "namespace_id",
  "instance_id",
  "pod_id",
  "container_name",
  "zone",
];

/** ` AND metadata.user_labels."k"="v"` for every extendedScopeParams key `user_labels.k`. */
function userLabelFilters(ext: Record<string, string>): string {
  return Object.entries(ext)
    .filter(([k]) => k.startsWith("user_labels."))
    .map(([k, v]) => ` AND metadata.user_labels."${k.slice("user_labels.".length)}"="${v}"`)
    .join("");
}

/**
 * Kayenta's StackdriverMetricsService: `metric.type="…" AND resource.type=…` and then either
 * ` AND <expanded custom filter>` or the default filter of the resource type (gce_instance,
 * aws_ec2_instance, gae_app, k8s_container/k8s_pod/k8s_node, gke_container, global). The resource
 * type, aligner and reducer come from the query, else from extendedScopeParams; the project in the
 * filter from extendedScopeParams.project, else the account's.
 */
export function buildStackdriverCall(
  config: Pick<CanaryConfig, "templates">,
  query: SdQuery,
  scope: MetricScope,
  accountProject: string,
  stepSeconds: number,
  label: string,
): StackdriverCall {
  const ext = scope.extendedScopeParams ?? {};
  const nonEmpty = (v: string | undefined) => (v !== undefined && v !== "" ? v : undefined);
  const resourceType = nonEmpty(query.resourceType) ?? nonEmpty(ext["resourceType"]);
  if (resourceType === undefined)
    throw new QueryBuildError(
      `metric '${label}': Resource type is required: set query.resourceType (or extendedScopeParams.resourceType)`,
    );
  const projectId = nonEmpty(ext["project"]) ?? accountProject;
  const custom = expandForMetric(label, () => expandCustomFilter(config, { ...query, resourceType }, scope));
  const location = nonEmpty(scope.location);
  const scopeName = nonEmpty(scope.scope);
  const need = (value: string | undefined, what: string): string => {
    if (value === undefined)
      throw new QueryBuildError(
        `metric '${label}': ${what} is required when resourceType is '${resourceType}'`,
      );
    return value;
  };
  let filter = `metric.type="${query.metricType}" AND resource.type=${resourceType}`;
  if (custom !== undefined && custom !== "") filter += ` AND ${custom}`;
  else if (resourceType === "gce_instance") {
    const loc = need(location, "Location (i.e. region)");
    const sc = need(scopeName, "Scope");
    filter +=
      ` AND project=${projectId} AND metadata.user_labels."spinnaker-region"=${loc}` +
      ` AND metadata.user_labels."spinnaker-server-group"=${sc}`;
  } else if (resourceType === "aws_ec2_instance") {
    const loc = need(location, "Location (i.e. region)");
    const sc = need(scopeName, "Scope");
    filter += ` AND resource.labels.region="aws:${loc}" AND metadata.user_labels."aws:autoscaling:groupname"=${sc}`;
  } else if (resourceType === "gae_app") {
    const sc = need(scopeName, "Scope");
    filter += ` AND project=${projectId} AND resource.labels.version_id=${sc}`;
    if (ext["service"] !== undefined) filter += ` AND resource.labels.module_id=${ext["service"]}`;
  } else if (["k8s_container", "k8s_pod", "k8s_node"].includes(resourceType)) {
    filter += ` AND project=${projectId}`;
    for (const key of K8S_LABELS)
      if (ext[key] !== undefined) filter += ` AND resource.labels.${key}=${ext[key]}`;
    filter += userLabelFilters(ext);
  } else if (resourceType === "gke_container") {
    filter += ` AND project=${projectId}`;
    for (const key of GKE_CONTAINER_LABELS)
      if (ext[key] !== undefined) filter += ` AND resource.labels.${key}=${ext[key]}`;
    filter += userLabelFilters(ext);
  } else if (resourceType !== "global") {
    throw new QueryBuildError(
      `metric '${label}': Resource type '${resourceType}' not yet explicitly supported. ` +
        "If you employ a custom filter (customInlineTemplate or customFilterTemplate), you may use any resource type you like.",
    );
  }
  return {
    project: accountProject,
    filter,
    alignmentPeriod: `${Math.max(1, Math.round(stepSeconds))}s`,
    perSeriesAligner: nonEmpty(query.perSeriesAligner) ?? nonEmpty(ext["perSeriesAligner"]) ?? "ALIGN_MEAN",
    crossSeriesReducer:
      nonEmpty(query.crossSeriesReducer) ?? nonEmpty(ext["crossSeriesReducer"]) ?? "REDUCE_MEAN",
    groupByFields: query.groupByFields ?? [],
  };
}

/** The call as one line: the filter, then the aggregation (what `--dry-run` and the report show). */
export function describeStackdriverCall(call: StackdriverCall): string {
  const groupBy = call.groupByFields.length > 0 ? ` groupByFields=${call.groupByFields.join(",")}` : "";
  return (
    `${call.filter} | alignmentPeriod=${call.alignmentPeriod} perSeriesAligner=${call.perSeriesAligner} ` +
    `crossSeriesReducer=${call.crossSeriesReducer}${groupBy}`
  );
}

export class StackdriverMetricSource extends HttpMetricSource {
  readonly sourceType = "stackdriver" as const;
  private readonly tokens: ServiceAccountTokens;

  constructor(account: SdAccount, key: ServiceAccountKey, deps: HttpSourceDeps = {}) {
    super(account, deps);
    this.tokens = new ServiceAccountTokens(
      key,
      this.http,
      { sourceType: this.sourceType, account: account.name },
      {
        timeoutMs: this.policy.timeoutMs,
        now: deps.now ?? Date.now,
        onToken: (t) => this.registerSecret(t),
      },
    );
  }

  private call(request: MetricFetchRequest): StackdriverCall {
    const q = this.queryOf(request, "stackdriver");
    return buildStackdriverCall(
      request.config,
      q,
      request.scope,
      (this.account as SdAccount).project,
      request.window.stepSeconds,
      request.metric.name,
    );
  }

  buildQuery(request: MetricFetchRequest): string {
    return describeStackdriverCall(this.call(request));
  }

  protected async prepare(
    _query: string,
    request: MetricFetchRequest,
    page?: string,
  ): Promise<SourceRequest> {
    const call = this.call(request);
    const params = new URLSearchParams({
      filter: call.filter,
      "interval.startTime": request.window.start,
      "interval.endTime": request.window.end,
      "aggregation.alignmentPeriod": call.alignmentPeriod,
      "aggregation.perSeriesAligner": call.perSeriesAligner,
      "aggregation.crossSeriesReducer": call.crossSeriesReducer,
    });
    for (const field of call.groupByFields) params.append("aggregation.groupByFields", field);
    if (page !== undefined) params.set("pageToken", page);
    const token = await this.tokens.token();
    return {
      method: "GET",
      url: endpointUrl(
        (this.account as SdAccount).endpoint ?? CLOUD_MONITORING_DEFAULT_ENDPOINT,
        `/v3/projects/${encodeURIComponent(call.project)}/timeSeries?${params.toString()}`,
      ),
      headers: { Authorization: `Bearer ${token}` },
    };
  }

  protected parse(response: SourceResponse, request: MetricFetchRequest): SourcePage {
    return parseTimeSeriesList(response.body, request.metric.name);
  }

  /** A series split over pages comes back as several sets with the same labels: join them in time order. */
  protected override combinePages(pages: MetricSet[][]): MetricSet[] {
    const byTags = new Map<string, MetricSet>();
    for (const set of pages.flat()) {
      const key = JSON.stringify(Object.entries(set.tags).sort());
      const prior = byTags.get(key);
      if (!prior) {
        byTags.set(key, { ...set, timestamps: [...set.timestamps], values: [...set.values] });
        continue;
      }
      const points = [...prior.timestamps.map((t, i) => [t, prior.values[i] ?? NaN] as const)];
      set.timestamps.forEach((t, i) => points.push([t, set.values[i] ?? NaN]));
      points.sort((a, b) => a[0] - b[0]);
      prior.timestamps = points.map((p) => p[0]);
      prior.values = points.map((p) => p[1]);
    }
    return [...byTags.values()];
  }
}

/** google.rpc.Code values worth retrying: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE. */
const TRANSIENT_RPC_CODES = new Set([4, 8, 14]);

function pointValue(value: unknown, valueType: unknown, where: string): number {
  if (typeof value !== "object" || value === null) throw new SourceAnswerError(`${where} has no value`);
  const v = value as Record<string, unknown>;
  if ("doubleValue" in v) return toNumber(v["doubleValue"]);
  if ("int64Value" in v) return toNumber(v["int64Value"]);
  if ("boolValue" in v) return v["boolValue"] === true ? 1 : 0;
  if ("distributionValue" in v) {
    const d = v["distributionValue"] as { mean?: unknown; count?: unknown } | null;
    return d && Number(d.count ?? 0) > 0 ? toNumber(d.mean) : NaN;
  }
  throw new SourceAnswerError(`${where} holds a ${String(valueType)} value, which is not a number`);
}

/**
 * A `ListTimeSeriesResponse` → one set per series: tags = resource labels (minus project_id) and metric
 * labels; points come newest first and are put in time order, each at its interval's end time.
 * `executionErrors` (a partial answer) are an error: a partial series would bias the comparison.
 */
export function parseTimeSeriesList(body: unknown, name: string): SourcePage {
  if (typeof body !== "object" || body === null) throw new SourceAnswerError("answer is not a JSON object");
  const b = body as { timeSeries?: unknown; nextPageToken?: unknown; executionErrors?: unknown };
  if (Array.isArray(b.executionErrors) && b.executionErrors.length > 0) {
    const errors = b.executionErrors as { code?: unknown; message?: unknown }[];
    const text = errors
      .map((e) => (typeof e.message === "string" ? e.message : JSON.stringify(e)))
      .join("; ");
    throw new SourceAnswerError(
      `partial result: ${text}`,
      errors.every((e) => TRANSIENT_RPC_CODES.has(Number(e.code))),
    );
  }
  const list = b.timeSeries ?? [];
  if (!Array.isArray(list)) throw new SourceAnswerError("timeSeries is not an array");
  const sets = list.map((raw: unknown, i): MetricSet => {
    const s = raw as {
      metric?: { labels?: Record<string, string> };
      resource?: { labels?: Record<string, string> };
      valueType?: unknown;
      points?: unknown;
    };
    if (!Array.isArray(s.points)) throw new SourceAnswerError(`timeSeries[${i}] has no points`);
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.resource?.labels ?? {}))
      if (k !== "project_id") tags[k] = String(v);
    for (const [k, v] of Object.entries(s.metric?.labels ?? {})) tags[k] = String(v);
    const points = (s.points as unknown[]).map((p, j) => {
      const point = p as { interval?: { endTime?: unknown; startTime?: unknown }; value?: unknown };
      const t = Date.parse(String(point.interval?.endTime ?? point.interval?.startTime));
      if (Number.isNaN(t)) throw new SourceAnswerError(`timeSeries[${i}].points[${j}] has no interval time`);
      return [t, pointValue(point.value, s.valueType, `timeSeries[${i}].points[${j}]`)] as const;
    });
    points.sort((x, y) => x[0] - y[0]);
    return { name, tags, timestamps: points.map((p) => p[0]), values: points.map((p) => p[1]) };
  });
  const next = typeof b.nextPageToken === "string" && b.nextPageToken !== "" ? b.nextPageToken : undefined;
  return { sets, nextPage: next };
}
