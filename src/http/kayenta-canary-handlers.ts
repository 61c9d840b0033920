// Kayenta's API as Spinnaker calls it (Orca's KayentaService, Gate's v2 canary services): /canary, /pipelines, /credentials, /judges, reads.
import type { CanaryConfig } from "../config/canary-config.schema";
import type { KayentaCanaryExecutionRequest } from "../config/kayenta-request.schema";
import type { ValidationResult } from "../config/problems";
import { KayentaMappingError, mapKayentaCanaryRequest } from "../config/map-kayenta-request";
import { validateKayentaCanaryAdhocBody, validateKayentaCanaryRequest } from "../config/validate";
import type { AnalysisStatus } from "../analysis/analysis-status";
import { JUDGE_NAMES } from "../judge/registry";
import { artifactPaths } from "../analysis/ports/store";
import { idParam } from "./analysis-handlers";
import type { ApiRequest, ApiResponse } from "./api-types";
import type { HttpDeps } from "./http-deps";
import { parseJsonBody } from "./json-body";
import { kayentaConfigId, findConfigById } from "./kayenta-canary-configs";
import {
  COALMINE_STORAGE_ACCOUNT,
  kayentaCanaryRecordPath,
  kayentaCanaryStatus,
  kayentaCanaryStatusResponse,
  parseMetricSetPairListId,
  type KayentaCanaryRecord,
} from "./kayenta-canary-status";
import { badRequest, invalidBody, notFound } from "./problem";

const APPLICATION = /^[A-Za-z0-9_.-]{1,100}$/;

/** Kayenta's optional query parameters; any other parameter is ignored, as Spring does. */
function queryParams(request: ApiRequest) {
  const get = (name: string): string | undefined => {
    const v = request.query.get(name);
    return v === null || v === "" ? undefined : v;
  };
  const application = get("application");
  if (application !== undefined && !APPLICATION.test(application))
    throw badRequest(`application '${application}' may hold letters, digits, _ . - (1-100)`, [
      { path: "query:application", message: "may hold letters, digits, _ . - (1-100)" },
    ]);
  return {
    application,
    parentPipelineExecutionId: get("parentPipelineExecutionId"),
    metricsAccountName: get("metricsAccountName"),
    storageAccountName: get("storageAccountName"),
    configurationAccountName: get("configurationAccountName"),
  };
}

function checked<T>(result: ValidationResult<T>): T {
  if (!result.ok) throw invalidBody(result.problems);
  return result.value;
}

/** Starts the analysis of one Kayenta canary run: maps the request, keeps Kayenta's view of it beside the analysis. */
async function startCanary(
  request: ApiRequest,
  deps: HttpDeps,
  validated: ValidationResult<KayentaCanaryExecutionRequest>,
  config: CanaryConfig,
  canaryConfigId: string,
): Promise<ApiResponse> {
  const executionRequest = checked(validated);
  const q = queryParams(request);
  const application = q.application ?? "ad-hoc";
  let mapped;
  try {
    mapped = mapKayentaCanaryRequest(executionRequest, config, {
      application,
      metricsAccount: q.metricsAccountName,
    });
  } catch (err) {
    if (err instanceof KayentaMappingError)
      throw badRequest(err.message, [{ path: "$.scopes", message: err.message }]);
    throw err;
  }
  const warnings = (validated.warnings ?? []).map((w) => `${w.path}: ${w.message}`);
  const id = deps.newId();
  const record: KayentaCanaryRecord = {
    application,
    canaryConfigId,
    canaryConfig: config,
    canaryExecutionRequest: executionRequest,
    ...(q.parentPipelineExecutionId ? { parentPipelineExecutionId: q.parentPipelineExecutionId } : {}),
    ...(q.metricsAccountName ? { metricsAccountName: q.metricsAccountName } : {}),
    ...(q.storageAccountName ? { storageAccountName: q.storageAccountName } : {}),
    ...(q.configurationAccountName ? { configurationAccountName: q.configurationAccountName } : {}),
  };
  await deps.artifacts.putJson(kayentaCanaryRecordPath(id), record);
  await deps.analyses.start(mapped, { id, origin: "kayenta", warnings });
  return { status: 200, body: { canaryExecutionId: id, warnings } };
}

/** `POST /canary/{canaryConfigId}`: Orca's RunKayentaCanaryTask → `{ canaryExecutionId }`. */
export async function startCanaryWithStoredConfig(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const canaryConfigId = request.params.id ?? "";
  const body = parseJsonBody(request);
  const stored = await findConfigById(deps, canaryConfigId);
  if (!stored) {
    checked(validateKayentaCanaryRequest(body));
    throw notFound(`No canary config with id '${canaryConfigId}'`);
  }
  const validated = validateKayentaCanaryRequest(body, { canaryConfig: stored.config });
  return startCanary(request, deps, validated, stored.config, kayentaConfigId(stored));
}

/** `POST /canary`: `{ canaryConfig, executionRequest }` (Kayenta's CanaryAdhocExecutionRequest). */
export async function startCanaryAdhoc(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const validated = validateKayentaCanaryAdhocBody(parseJsonBody(request));
  const body = checked(validated);
  const inner = { ok: true as const, value: body.executionRequest, warnings: validated.warnings ?? [] };
  return startCanary(request, deps, inner, body.canaryConfig, "ad-hoc");
}

async function canaryStatusOf(
  deps: HttpDeps,
  status: AnalysisStatus,
  storageAccountName?: string,
): Promise<Record<string, unknown> | undefined> {
  const record = await deps.artifacts.getJson<KayentaCanaryRecord>(kayentaCanaryRecordPath(status.id));
  if (!record) return undefined;
  const judged = status.judgements[0];
  const judgeResult =
    judged && kayentaCanaryStatus(status) === "succeeded"
      ? await deps.analyses.getJudgement(status.id, judged.stage, judged.interval)
      : undefined;
  const metricCount = (record.canaryConfig as Partial<CanaryConfig> | undefined)?.metrics?.length ?? 0;
  const answer = kayentaCanaryStatusResponse(status, record, judgeResult, metricCount);
  if (storageAccountName) answer.storageAccountName = storageAccountName;
  return answer;
}

/** `GET /canary/{canaryExecutionId}`: Kayenta's CanaryExecutionStatusResponse (what Orca's monitor task polls). */
export async function getCanary(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const id = idParam(request);
  const status = await deps.analyses.getStatus(id);
  const answer = status
    ? await canaryStatusOf(deps, status, request.query.get("storageAccountName") ?? undefined)
    : undefined;
  if (!answer) throw notFound(`No canary execution '${id}'`);
  return { status: 200, body: answer };
}

/** `GET /canary/executions?application=&limit=&page=&statuses=`: an application's runs, newest first (Deck's report list). */
export async function listCanaryExecutions(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const application = queryParams(request).application ?? "ad-hoc";
  const number = (name: string, fallback: number, max: number) => {
    const v = Number(request.query.get(name) ?? fallback);
    return Number.isInteger(v) && v >= 1 ? Math.min(v, max) : fallback;
  };
  const limit = number("limit", 20, 500);
  const page = number("page", 1, 1000);
  const statuses = (request.query.get("statuses") ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
  const wanted = limit * page;
  const found: Record<string, unknown>[] = [];
  let token: string | undefined;
  do {
    const listed = await deps.analyses.list({
      application,
      limit: 100,
      ...(token !== undefined ? { continuationToken: token } : {}),
    });
    for (const status of listed.items) {
      const answer = await canaryStatusOf(deps, status);
      if (!answer) continue;
      if (statuses.length > 0 && !statuses.includes(String(answer.status))) continue;
      found.push(answer);
      if (found.length >= wanted) break;
    }
    token = listed.continuationToken;
  } while (token !== undefined && found.length < wanted);
  return { status: 200, body: found.slice(limit * (page - 1), wanted) };
}

/** `PUT /pipelines/{id}/cancel` (Orca cancels a canary run when its stage is canceled): 202, `{}`; an ended run is left as is. */
export async function cancelPipeline(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const id = idParam(request);
  const outcome = await deps.analyses.cancel(id, "canceled by Spinnaker (PUT /pipelines/{id}/cancel)");
  if (outcome === "not-found") throw notFound(`No pipeline execution '${id}'`);
  return { status: 202, body: {} };
}

/** `GET /metricSetPairList/{id}`: the metric set pairs one judgement judged, as Kayenta stores them (Deck's report charts). */
export async function getMetricSetPairList(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const id = request.params.id ?? "";
  const parsed = parseMetricSetPairListId(id);
  const text = parsed
    ? await deps.artifacts.getText(artifactPaths.pairs(parsed.analysisId, parsed.stage, parsed.interval))
    : undefined;
  if (text === undefined) throw notFound(`No metric set pair list '${id}'`);
  return { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: text };
}

/** `GET /metricSetPairList/{id}/{pairId}`: one pair of that list. */
export async function getMetricSetPair(request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const listed = await getMetricSetPairList(request, deps);
  const pairs = JSON.parse(String(listed.body)) as { id?: string }[];
  const pair = pairs.find((p) => p.id === request.params.pairId);
  if (!pair)
    throw notFound(`No metric set pair '${request.params.pairId ?? ""}' in '${request.params.id ?? ""}'`);
  return { status: 200, body: pair };
}

interface AccountDescription {
  name: string;
  type: string;
}

/**
 * `GET /credentials`: the metric accounts (METRICS_STORE) and Coalmine's one storage account
 * (OBJECT_STORE, CONFIGURATION_STORE), as Kayenta's AccountCredentials. Orca reads `name` and `type`
 * (a `datadog` account skips the 50-points warning); Deck lists them in its account pickers.
 */
export async function listCredentials(_request: ApiRequest, deps: HttpDeps): Promise<ApiResponse> {
  const described = (await deps.describeAccounts()) as { accounts?: AccountDescription[] };
  const metrics = (described.accounts ?? []).map((a) => ({
    name: a.name,
    type: a.type,
    supportedTypes: ["METRICS_STORE"],
    locations: [],
    recommendedLocations: [],
  }));
  return {
    status: 200,
    body: [
      ...metrics,
      {
        name: COALMINE_STORAGE_ACCOUNT,
        type: "coalmine",
        supportedTypes: ["OBJECT_STORE", "CONFIGURATION_STORE"],
        locations: [],
        recommendedLocations: [],
      },
    ],
  };
}

/** `GET /judges`: every judge, visible (Deck's judge picker lists the visible ones). */
export async function listJudges(_request: ApiRequest, _deps: HttpDeps): Promise<ApiResponse> {
  return { status: 200, body: JUDGE_NAMES.map((name) => ({ name, visible: true })) };
}

/**
 * `GET /metadata/metricsService?metricsAccountName=&filter=`: metric descriptors for Deck's metric-name
 * picker. Coalmine does not list metric names (Deck then takes the name as typed): always `[]`.
 */
export async function metricsServiceMetadata(_request: ApiRequest, _deps: HttpDeps): Promise<ApiResponse> {
  return { status: 200, body: [] };
}
