// The route table with its handlers: route-list.ts joined to the handlers, used by the Azure composition root and
// `coalmine serve` (the Functions entry registers from route-list.ts alone).
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
import { ROUTE_LIST, type RouteName } from "./route-list";
import type { Route } from "./router";

let openApi: Record<string, unknown> | undefined;
/** GET /api/openapi.json: the document of this table, built on first use. */
const openApiHandler: ApiHandler<HttpDeps> = async () => ({
  status: 200,
  body: (openApi ??= openApiDocument(ROUTES)),
});

const configRoute = (name: ConfigRouteName): ApiHandler<HttpDeps> => configHandlers[name];

/** Each route's handler, by route name (every name of route-list.ts, and only those). */
const HANDLERS: Record<RouteName, ApiHandler<HttpDeps>> = {
  analysesStart: startAnalysis,
  analysesList: listAnalyses,
  analysesGet: getAnalysis,
  analysesCancel: cancelAnalysis,
  analysesDecision: decideAnalysis,
  analysesReport: analysisReport,
  judge: judgeNow,
  configsList: configRoute("listConfigs"),
  configsPut: configRoute("putConfig"),
  configsGet: configRoute("getConfig"),
  configsDelete: configRoute("deleteConfig"),
  metricsAccounts: metricsAccounts,
  openapi: openApiHandler,
  kayentaStart: startKayentaInline,
  kayentaStartStored: startKayentaStored,
  kayentaStatus: getKayentaStatus,
  kayentaCanaryStart: startCanaryWithStoredConfig,
  kayentaCanaryStartAdhoc: startCanaryAdhoc,
  kayentaCanaryExecutions: listCanaryExecutions,
  kayentaCanaryStatus: getCanary,
  kayentaConfigList: listKayentaConfigs,
  kayentaConfigCreate: createKayentaConfig,
  kayentaConfigGet: getKayentaConfig,
  kayentaConfigUpdate: updateKayentaConfig,
  kayentaConfigDelete: deleteKayentaConfig,
  kayentaCredentials: listCredentials,
  kayentaJudges: listJudges,
  kayentaMetricsMetadata: metricsServiceMetadata,
  kayentaPipelineCancel: cancelPipeline,
  kayentaMetricSetPairList: getMetricSetPairList,
  kayentaMetricSetPair: getMetricSetPair,
  index: index,
};

/** Every route of docs/http-api.md plus the extras, with its handler; order as in route-list.ts. */
export const ROUTES: readonly Route<HttpDeps>[] = ROUTE_LIST.map((info) => ({
  ...info,
  handler: HANDLERS[info.name],
}));
