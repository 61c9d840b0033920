// The route table: one list of (method, path, auth level, handler) used by the Azure registrations and `coalmine serve`.
import type { ApiHandler } from "./api-types";
import {
  analysisReport,
  cancelAnalysis,
  decideAnalysis,
  getAnalysis,
  listAnalyses,
  startAnalysis,
} from "./analysis-handlers";
import type { ConfigRouteName, HttpDeps } from "./http-deps";
import { getKayentaStatus, startKayentaInline, startKayentaStored } from "./kayenta-handlers";
import {
  cancelPipeline,
  getCanary,
  getMetricSetPair,
  getMetricSetPairList,
  listCanaryExecutions,
  listCredentials,
  listJudges,
  metricsServiceMetadata,
  startCanaryAdhoc,
  startCanaryWithStoredConfig,
} from "./kayenta-canary-handlers";
import {
  createKayentaConfig,
  deleteKayentaConfig,
  getKayentaConfig,
  listKayentaConfigs,
  updateKayentaConfig,
} from "./kayenta-canary-configs";
import { index, judgeNow, metricsAccounts } from "./misc-handlers";
import { openApiDocument } from "./openapi";
import { configHandlers } from "./config-handlers";
import type { Route } from "./router";

let openApi: Record<string, unknown> | undefined;
/** GET /api/openapi.json: the document of this table, built on first use. */
const openApiHandler: ApiHandler<HttpDeps> = async () => ({
  status: 200,
  body: (openApi ??= openApiDocument(ROUTES)),
});

const configRoute = (name: ConfigRouteName): ApiHandler<HttpDeps> => configHandlers[name];

const route = (
  name: string,
  methods: string[],
  pattern: string,
  handler: ApiHandler<HttpDeps>,
  summary: string,
): Route<HttpDeps> => ({ name, methods, pattern, handler, summary, authLevel: "function" });

/** A route of Kayenta's API: Kayenta's path and shapes, errors with Kayenta's `message` (docs/http-api.md). */
const kayenta = (...args: Parameters<typeof route>): Route<HttpDeps> => ({
  ...route(...args),
  kayenta: true,
});

/** Every route of docs/http-api.md plus the extras; order matters only for the catch-all index (last). */
export const ROUTES: readonly Route<HttpDeps>[] = [
  route(
    "analysesStart",
    ["POST"],
    "/api/analyses",
    startAnalysis,
    "Validate a request and start an analysis",
  ),
  route("analysesList", ["GET"], "/api/analyses", listAnalyses, "List analyses, newest first"),
  route("analysesGet", ["GET"], "/api/analyses/{id}", getAnalysis, "The status of an analysis"),
  route("analysesCancel", ["DELETE"], "/api/analyses/{id}", cancelAnalysis, "Cancel an analysis"),
  route(
    "analysesDecision",
    ["POST"],
    "/api/analyses/{id}/decision",
    decideAnalysis,
    "Approve or reject a marginal analysis",
  ),
  route("analysesReport", ["GET"], "/api/analyses/{id}/report", analysisReport, "The HTML report"),
  route("judge", ["POST"], "/api/judge", judgeNow, "Judge metric set pairs synchronously"),
  route(
    "configsList",
    ["GET"],
    "/api/canary-configs",
    configRoute("listConfigs"),
    "List stored canary configs",
  ),
  route(
    "configsPut",
    ["PUT"],
    "/api/canary-configs/{application}/{name}",
    configRoute("putConfig"),
    "Create or update a canary config",
  ),
  route(
    "configsGet",
    ["GET"],
    "/api/canary-configs/{application}/{name}",
    configRoute("getConfig"),
    "A stored canary config",
  ),
  route(
    "configsDelete",
    ["DELETE"],
    "/api/canary-configs/{application}/{name}",
    configRoute("deleteConfig"),
    "Delete a canary config",
  ),
  route(
    "metricsAccounts",
    ["GET"],
    "/api/metrics-accounts",
    metricsAccounts,
    "Configured metric accounts (names and types)",
  ),
  route("openapi", ["GET"], "/api/openapi.json", openApiHandler, "This OpenAPI 3.1 document"),
  kayenta(
    "kayentaStart",
    ["POST"],
    "/api/standalone_canary_analysis",
    startKayentaInline,
    "Kayenta-compatible start (config inline)",
  ),
  kayenta(
    "kayentaStartStored",
    ["POST"],
    "/api/standalone_canary_analysis/{id}",
    startKayentaStored,
    "Kayenta-compatible start (stored config)",
  ),
  kayenta(
    "kayentaStatus",
    ["GET"],
    "/api/standalone_canary_analysis/{id}",
    getKayentaStatus,
    "Kayenta-compatible status",
  ),
  kayenta(
    "kayentaCanaryStart",
    ["POST"],
    "/api/canary/{id}",
    startCanaryWithStoredConfig,
    "Kayenta: run one canary judgement with a stored config (Orca's canary stage)",
  ),
  kayenta(
    "kayentaCanaryStartAdhoc",
    ["POST"],
    "/api/canary",
    startCanaryAdhoc,
    "Kayenta: run one canary judgement, config inline",
  ),
  kayenta(
    "kayentaCanaryExecutions",
    ["GET"],
    "/api/canary/executions",
    listCanaryExecutions,
    "Kayenta: an application's canary runs",
  ),
  kayenta(
    "kayentaCanaryStatus",
    ["GET"],
    "/api/canary/{id}",
    getCanary,
    "Kayenta: a canary run's CanaryExecutionStatusResponse",
  ),
  kayenta(
    "kayentaConfigList",
    ["GET"],
    "/api/canaryConfig",
    listKayentaConfigs,
    "Kayenta: canary config summaries",
  ),
  kayenta(
    "kayentaConfigCreate",
    ["POST"],
    "/api/canaryConfig",
    createKayentaConfig,
    "Kayenta: store a canary config",
  ),
  kayenta(
    "kayentaConfigGet",
    ["GET"],
    "/api/canaryConfig/{id}",
    getKayentaConfig,
    "Kayenta: a canary config",
  ),
  kayenta(
    "kayentaConfigUpdate",
    ["PUT"],
    "/api/canaryConfig/{id}",
    updateKayentaConfig,
    "Kayenta: update a canary config",
  ),
  kayenta(
    "kayentaConfigDelete",
    ["DELETE"],
    "/api/canaryConfig/{id}",
    deleteKayentaConfig,
    "Kayenta: delete a canary config",
  ),
  kayenta(
    "kayentaCredentials",
    ["GET"],
    "/api/credentials",
    listCredentials,
    "Kayenta: metric and storage accounts",
  ),
  kayenta("kayentaJudges", ["GET"], "/api/judges", listJudges, "Kayenta: the judges"),
  kayenta(
    "kayentaMetricsMetadata",
    ["GET"],
    "/api/metadata/metricsService",
    metricsServiceMetadata,
    "Kayenta: metric descriptors (none)",
  ),
  kayenta(
    "kayentaPipelineCancel",
    ["PUT"],
    "/api/pipelines/{id}/cancel",
    cancelPipeline,
    "Kayenta: cancel a canary run",
  ),
  kayenta(
    "kayentaMetricSetPairList",
    ["GET"],
    "/api/metricSetPairList/{id}",
    getMetricSetPairList,
    "Kayenta: the metric set pairs of one judgement",
  ),
  kayenta(
    "kayentaMetricSetPair",
    ["GET"],
    "/api/metricSetPairList/{id}/{pairId}",
    getMetricSetPair,
    "Kayenta: one metric set pair",
  ),
  route("index", ["GET"], "/api/", index, "Recent analyses (HTML)"),
];
