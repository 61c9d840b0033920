// The route table's metadata (name, methods, path, auth level, summary), without the handlers: the Functions entry
// registers the routes from this alone, so loading it loads no handler, schema or SDK (docs/performance.md). The
// handlers are joined to it in routes.ts.
import type { AuthLevel } from "./router";

export interface RouteInfo<N extends string = string> {
  /** Function name in Azure (unique, letters and digits). */
  name: N;
  methods: readonly string[];
  /** Path under the host, with `{param}` segments, e.g. `/api/analyses/{id}`. */
  pattern: string;
  authLevel: AuthLevel;
  /** OpenAPI summary. */
  summary: string;
  /** Kayenta's API (docs/http-api.md): error answers also carry Kayenta's `message`. */
  kayenta?: boolean;
}

const route = <N extends string>(
  name: N,
  methods: string[],
  pattern: string,
  summary: string,
): RouteInfo<N> => ({
  name,
  methods,
  pattern,
  summary,
  authLevel: "function",
});

/** A route of Kayenta's API: Kayenta's path and shapes, errors with Kayenta's `message` (docs/http-api.md). */
const kayenta = <N extends string>(...args: Parameters<typeof route<N>>): RouteInfo<N> => ({
  ...route(...args),
  kayenta: true,
});

/** Every route of docs/http-api.md plus the extras; order matters only for the catch-all index (last). */
export const ROUTE_LIST = [
  route("analysesStart", ["POST"], "/api/analyses", "Validate a request and start an analysis"),
  route("analysesList", ["GET"], "/api/analyses", "List analyses, newest first"),
  route("analysesGet", ["GET"], "/api/analyses/{id}", "The status of an analysis"),
  route("analysesCancel", ["DELETE"], "/api/analyses/{id}", "Cancel an analysis"),
  route("analysesDecision", ["POST"], "/api/analyses/{id}/decision", "Approve or reject a marginal analysis"),
  route("analysesReport", ["GET"], "/api/analyses/{id}/report", "The HTML report"),
  route("judge", ["POST"], "/api/judge", "Judge metric set pairs synchronously"),
  route("configsList", ["GET"], "/api/canary-configs", "List stored canary configs"),
  route(
    "configsPut",
    ["PUT"],
    "/api/canary-configs/{application}/{name}",
    "Create or update a canary config",
  ),
  route("configsGet", ["GET"], "/api/canary-configs/{application}/{name}", "A stored canary config"),
  route("configsDelete", ["DELETE"], "/api/canary-configs/{application}/{name}", "Delete a canary config"),
  route("metricsAccounts", ["GET"], "/api/metrics-accounts", "Configured metric accounts (names and types)"),
  route("openapi", ["GET"], "/api/openapi.json", "This OpenAPI 3.1 document"),
  kayenta(
    "kayentaStart",
    ["POST"],
    "/api/standalone_canary_analysis",
    "Kayenta-compatible start (config inline)",
  ),
  kayenta(
    "kayentaStartStored",
    ["POST"],
    "/api/standalone_canary_analysis/{id}",
    "Kayenta-compatible start (stored config)",
  ),
  kayenta("kayentaStatus", ["GET"], "/api/standalone_canary_analysis/{id}", "Kayenta-compatible status"),
  kayenta(
    "kayentaCanaryStart",
    ["POST"],
    "/api/canary/{id}",
    "Kayenta: run one canary judgement with a stored config (Orca's canary stage)",
  ),
  kayenta(
    "kayentaCanaryStartAdhoc",
    ["POST"],
    "/api/canary",
    "Kayenta: run one canary judgement, config inline",
  ),
  kayenta(
    "kayentaCanaryExecutions",
    ["GET"],
    "/api/canary/executions",
    "Kayenta: an application's canary runs",
  ),
  kayenta(
    "kayentaCanaryStatus",
    ["GET"],
    "/api/canary/{id}",
    "Kayenta: a canary run's CanaryExecutionStatusResponse",
  ),
  kayenta("kayentaConfigList", ["GET"], "/api/canaryConfig", "Kayenta: canary config summaries"),
  kayenta("kayentaConfigCreate", ["POST"], "/api/canaryConfig", "Kayenta: store a canary config"),
  kayenta("kayentaConfigGet", ["GET"], "/api/canaryConfig/{id}", "Kayenta: a canary config"),
  kayenta("kayentaConfigUpdate", ["PUT"], "/api/canaryConfig/{id}", "Kayenta: update a canary config"),
  kayenta("kayentaConfigDelete", ["DELETE"], "/api/canaryConfig/{id}", "Kayenta: delete a canary config"),
  kayenta("kayentaCredentials", ["GET"], "/api/credentials", "Kayenta: metric and storage accounts"),
  kayenta("kayentaJudges", ["GET"], "/api/judges", "Kayenta: the judges"),
  kayenta(
    "kayentaMetricsMetadata",
    ["GET"],
    "/api/metadata/metricsService",
    "Kayenta: metric descriptors (none)",
  ),
  kayenta("kayentaPipelineCancel", ["PUT"], "/api/pipelines/{id}/cancel", "Kayenta: cancel a canary run"),
  kayenta(
    "kayentaMetricSetPairList",
    ["GET"],
    "/api/metricSetPairList/{id}",
    "Kayenta: the metric set pairs of one judgement",
  ),
  kayenta(
    "kayentaMetricSetPair",
    ["GET"],
    "/api/metricSetPairList/{id}/{pairId}",
    "Kayenta: one metric set pair",
  ),
  route("index", ["GET"], "/api/", "Recent analyses (HTML)"),
] as const;

export type RouteName = (typeof ROUTE_LIST)[number]["name"];
